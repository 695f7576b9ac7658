from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from app.db.tables import RoomRecord, StaffingRecord, Unit


def room_records(
    session: Session, *, unit_id: int | None = None, until: datetime | None = None
) -> list[tuple[RoomRecord, str]]:
    query = select(RoomRecord, col(Unit.code)).join(Unit, col(RoomRecord.unit_id) == col(Unit.id))
    if unit_id is not None:
        query = query.where(col(RoomRecord.unit_id) == unit_id)
    if until is not None:
        query = query.where(col(RoomRecord.at) <= until)
    rows = session.execute(query.order_by(col(RoomRecord.at), col(RoomRecord.id)))
    return [(record, code) for record, code in rows]


def staffing_records(
    session: Session, *, unit_id: int | None = None, until: datetime | None = None
) -> list[tuple[StaffingRecord, str]]:
    query = select(StaffingRecord, col(Unit.code)).join(
        Unit, col(StaffingRecord.unit_id) == col(Unit.id)
    )
    if unit_id is not None:
        query = query.where(col(StaffingRecord.unit_id) == unit_id)
    if until is not None:
        query = query.where(col(StaffingRecord.at) <= until)
    rows = session.execute(query.order_by(col(StaffingRecord.at), col(StaffingRecord.id)))
    return [(record, code) for record, code in rows]


def insert_rooms(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(RoomRecord), list(rows))


def insert_staffing(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(StaffingRecord), list(rows))


def add_entries(
    session: Session, *, rooms: Sequence[RoomRecord], staffing: Sequence[StaffingRecord]
) -> None:
    session.add_all([*rooms, *staffing])
    session.flush()
