from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import Account, Incident, Meeting, Objection, Unit


class ObjectionRow(NamedTuple):
    objection: Objection
    incident: str
    unit: str
    # What people read: the incident as 单位 · 类型 · 会议 · 时间, and who filed and ruled.
    unit_name: str | None = None
    incident_type: str | None = None
    incident_at: datetime | None = None
    meeting_title: str | None = None
    filed_by_name: str | None = None
    ruled_by_name: str | None = None


def _rows() -> Select[*tuple[Any, ...]]:
    filer = aliased(Account)
    ruler = aliased(Account)
    return (
        select(
            Objection,
            col(Incident.key),
            col(Unit.code),
            col(Unit.name),
            col(Incident.type_code),
            col(Incident.at),
            col(Meeting.title),
            col(filer.display_name),
            col(ruler.display_name),
        )
        .join(Incident, col(Objection.incident_id) == col(Incident.id))
        .join(Unit, col(Incident.unit_id) == col(Unit.id))
        .outerjoin(Meeting, col(Incident.meeting_id) == col(Meeting.id))
        .outerjoin(filer, col(filer.username) == col(Objection.filed_by))
        .outerjoin(ruler, col(ruler.username) == col(Objection.ruled_by))
    )


def by_id(session: Session, objection_id: int) -> ObjectionRow | None:
    row = session.execute(_rows().where(col(Objection.id) == objection_id)).one_or_none()
    return ObjectionRow(*row) if row else None


def of_incident(session: Session, incident_id: int) -> list[ObjectionRow]:
    rows = session.execute(
        _rows().where(col(Objection.incident_id) == incident_id).order_by(col(Objection.id))
    )
    return [ObjectionRow(*row) for row in rows]


def listing(
    session: Session, *, status: str | None, units: Sequence[str], limit: int, offset: int
) -> tuple[list[ObjectionRow], int]:
    query = _rows()
    if status is not None:
        query = query.where(col(Objection.status) == status)
    if units:
        query = query.where(col(Unit.code).in_(units))
    total = count_of(session, query)
    rows = session.execute(query.order_by(col(Objection.id).desc()).limit(limit).offset(offset))
    return [ObjectionRow(*row) for row in rows], total


def open_of_period(session: Session, *, period_id: int) -> list[ObjectionRow]:
    """The objections still open on incidents of that period, oldest first."""
    rows = session.execute(
        _rows()
        .where(col(Objection.status) == "open", col(Incident.period_id) == period_id)
        .order_by(col(Objection.id))
    )
    return [ObjectionRow(*row) for row in rows]
