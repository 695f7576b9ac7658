from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.db.tables import Unit


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
