"""Signal status periods of the venues' sources."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import VenueStatusPeriod


def current(session: Session, *, unit_id: int) -> VenueStatusPeriod | None:
    return session.scalars(
        select(VenueStatusPeriod)
        .where(col(VenueStatusPeriod.unit_id) == unit_id, col(VenueStatusPeriod.ended_at).is_(None))
        .order_by(col(VenueStatusPeriod.started_at).desc(), col(VenueStatusPeriod.id).desc())
    ).first()


def open_periods(session: Session) -> dict[int, VenueStatusPeriod]:
    """Unit id → its current (open) period."""
    rows = session.scalars(
        select(VenueStatusPeriod)
        .where(col(VenueStatusPeriod.ended_at).is_(None))
        .order_by(col(VenueStatusPeriod.started_at), col(VenueStatusPeriod.id))
    )
    return {period.unit_id: period for period in rows}
