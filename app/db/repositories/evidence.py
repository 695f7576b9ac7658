"""Queries on evidence files: which units' incidents cite a file."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import Incident, Unit


def unit_codes_citing(session: Session, *, name: str) -> set[str]:
    rows = session.execute(
        select(col(Unit.code))
        .join(Incident, col(Incident.unit_id) == col(Unit.id))
        .where(col(Incident.evidence) == name)
    )
    return {code for (code,) in rows}
