from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.db.tables import Unit, UnitParentChange


def by_code(session: Session, code: str) -> Unit | None:
    return session.scalars(select(Unit).where(col(Unit.code) == code)).one_or_none()


def all_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(col(Unit.code))))


def with_parent_codes(session: Session) -> list[tuple[Unit, str | None]]:
    parent = aliased(Unit)
    rows = session.execute(
        select(Unit, col(parent.code))
        .outerjoin(parent, col(Unit.parent_id) == col(parent.id))
        .order_by(col(Unit.code))
    )
    return [(unit, parent_code) for unit, parent_code in rows]


def ids_by_code(session: Session) -> dict[str, int]:
    return {code: id_ for id_, code in session.execute(select(col(Unit.id), col(Unit.code)))}


def by_id(session: Session, *, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id)


def parent_changes(session: Session) -> list[tuple[str, date, str]]:
    """Every dated parent change as (unit code, first day, new parent code), oldest first."""
    unit, parent = aliased(Unit), aliased(Unit)
    rows = session.execute(
        select(col(unit.code), col(UnitParentChange.from_day), col(parent.code))
        .join(unit, col(UnitParentChange.unit_id) == col(unit.id))
        .join(parent, col(UnitParentChange.parent_id) == col(parent.id))
        .order_by(col(UnitParentChange.from_day), col(UnitParentChange.id))
    )
    return [(code, day, parent_code) for code, day, parent_code in rows]


def add_parent_change(session: Session, change: UnitParentChange) -> None:
    session.add(change)
