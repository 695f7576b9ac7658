"""Upkeep of the query planner's statistics."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session


def analyze_incidents(session: Session) -> None:
    """After a bulk load the query planner needs fresh statistics (SQLite and PostgreSQL)."""
    session.execute(text("ANALYZE incident"))
