from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.db.tables import Incident, Period


def by_year(session: Session, year: int) -> Period | None:
    return session.scalars(select(Period).where(col(Period.year) == year)).one_or_none()


def all_periods(session: Session) -> list[Period]:
    return list(session.scalars(select(Period).order_by(col(Period.year))))


def by_id(session: Session, *, period_id: int) -> Period | None:
    return session.get(Period, period_id)


def incident_counts(session: Session) -> dict[int, int]:
    """How many incidents each period holds (voided ones included): which years have data."""
    rows = session.execute(
        select(col(Incident.period_id), func.count()).group_by(col(Incident.period_id))
    )
    return {period_id: count for period_id, count in rows}
