from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import AuditEntry, FrameFlag, Incident, Meeting, Objection, Unit


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_key: str | None = None
    entities: Sequence[str] | None = None  # a kind of entry: one of several entities
    unit: Unit | None = None
    start: datetime | None = None
    end: datetime | None = None


def _concerns_unit(unit: Unit) -> ColumnElement[bool]:
    """Entries about a unit: keyed by its code (register, staffing, venue, unit), by a path with
    it (room "code/name", roll-call "meeting/code/checkpoint"), or about its incidents,
    objections and flags."""
    key = col(AuditEntry.entity_key)
    entity = col(AuditEntry.entity)
    incidents = select(col(Incident.key)).where(col(Incident.unit_id) == unit.id)
    objections = (
        select(cast(col(Objection.id), String))
        .join(Incident, col(Objection.incident_id) == col(Incident.id))
        .where(col(Incident.unit_id) == unit.id)
    )
    flags = select(cast(col(FrameFlag.id), String)).where(col(FrameFlag.unit_id) == unit.id)
    return or_(
        (key == unit.code) & entity.in_(("register", "staffing", "venue", "unit")),
        (entity == "room") & key.startswith(f"{unit.code}/", autoescape=True),
        (entity == "roll_call_mark") & key.contains(f"/{unit.code}/", autoescape=True),
        (entity == "incident") & key.in_(incidents),
        (entity == "objection") & key.in_(objections),
        (entity == "flag") & key.in_(flags),
    )


def browse(
    session: Session, *, where: AuditFilter, limit: int, offset: int
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if where.actor is not None:
        query = query.where(col(AuditEntry.actor) == where.actor)
    if where.action is not None:
        query = query.where(col(AuditEntry.action).startswith(where.action, autoescape=True))
    if where.entity is not None:
        query = query.where(col(AuditEntry.entity) == where.entity)
    if where.entities is not None:
        query = query.where(col(AuditEntry.entity).in_(where.entities))
    if where.entity_key is not None:
        query = query.where(col(AuditEntry.entity_key) == where.entity_key)
    if where.unit is not None:
        query = query.where(_concerns_unit(where.unit))
    if where.start is not None:
        query = query.where(col(AuditEntry.at) >= where.start)
    if where.end is not None:
        query = query.where(col(AuditEntry.at) < where.end)
    total = count_of(session, query)
    rows = session.scalars(query.order_by(col(AuditEntry.id).desc()).limit(limit).offset(offset))
    return list(rows), total


def actors(session: Session) -> list[str]:
    """Everyone who appears in the log, for the filter's picker."""
    rows = session.scalars(
        select(col(AuditEntry.actor)).where(col(AuditEntry.actor).is_not(None)).distinct()
    )
    return sorted(name for name in rows if name)


@dataclass(frozen=True)
class IncidentFacts:
    unit: str
    type_code: str
    at: datetime
    meeting_title: str | None


def incidents_by_key(session: Session, keys: Collection[str]) -> dict[str, IncidentFacts]:
    if not keys:
        return {}
    rows = session.execute(
        select(
            col(Incident.key),
            col(Unit.code),
            col(Incident.type_code),
            col(Incident.at),
            col(Meeting.title),
        )
        .join(Unit, col(Incident.unit_id) == col(Unit.id))
        .outerjoin(Meeting, col(Incident.meeting_id) == col(Meeting.id))
        .where(col(Incident.key).in_(sorted(keys)))
    )
    return {
        key: IncidentFacts(unit, type_code, at, title) for key, unit, type_code, at, title in rows
    }


def objection_incidents(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The incident key of each objection."""
    if not ids:
        return {}
    rows = session.execute(
        select(col(Objection.id), col(Incident.key))
        .join(Incident, col(Objection.incident_id) == col(Incident.id))
        .where(col(Objection.id).in_(sorted(ids)))
    )
    return {objection_id: key for objection_id, key in rows}


def flag_facts(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """(unit code, kind) of each flag."""
    if not ids:
        return {}
    rows = session.execute(
        select(col(FrameFlag.id), col(Unit.code), col(FrameFlag.kind))
        .join(Unit, col(FrameFlag.unit_id) == col(Unit.id))
        .where(col(FrameFlag.id).in_(sorted(ids)))
    )
    return {flag_id: (unit, kind) for flag_id, unit, kind in rows}


def meeting_titles(session: Session, keys: Collection[str]) -> dict[str, tuple[str, datetime]]:
    if not keys:
        return {}
    rows = session.execute(
        select(col(Meeting.key), col(Meeting.title), col(Meeting.starts_at)).where(
            col(Meeting.key).in_(sorted(keys))
        )
    )
    return {key: (title, starts_at) for key, title, starts_at in rows}
