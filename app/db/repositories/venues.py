"""Queries on the venue sources: where each venue's picture is sampled from, and how."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import Unit, VenueSource


def source_of(session: Session, *, unit_id: int) -> VenueSource | None:
    return session.scalars(
        select(VenueSource).where(col(VenueSource.unit_id) == unit_id)
    ).one_or_none()


def sources(session: Session) -> list[tuple[VenueSource, str, str]]:
    """Every configured source with its unit's code and name, by code."""
    rows = session.execute(
        select(VenueSource, col(Unit.code), col(Unit.name))
        .join(Unit, col(VenueSource.unit_id) == col(Unit.id))
        .order_by(col(Unit.code))
    )
    return [(source, code, name) for source, code, name in rows]
