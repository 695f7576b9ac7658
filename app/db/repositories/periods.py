from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import Period


def by_year(session: Session, year: int) -> Period | None:
    return session.scalars(select(Period).where(col(Period.year) == year)).one_or_none()


def all_periods(session: Session) -> list[Period]:
    return list(session.scalars(select(Period).order_by(col(Period.year))))


def by_id(session: Session, *, period_id: int) -> Period | None:
    return session.get(Period, period_id)
