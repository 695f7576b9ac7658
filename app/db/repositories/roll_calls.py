"""Queries on roll-call marks: at most one per meeting, venue and checkpoint."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import Incident, RollCallMark, Unit


def mark_with_incident(
    session: Session, *, meeting_id: int, unit_id: int, checkpoint: str
) -> tuple[RollCallMark, Incident | None] | None:
    """The venue's mark at the checkpoint and the incident it carries, if any."""
    row = session.execute(
        select(RollCallMark, Incident)
        .outerjoin(Incident, col(RollCallMark.incident_id) == col(Incident.id))
        .where(
            col(RollCallMark.meeting_id) == meeting_id,
            col(RollCallMark.unit_id) == unit_id,
            col(RollCallMark.checkpoint) == checkpoint,
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


def marks_of_meeting(
    session: Session, *, meeting_id: int
) -> list[tuple[RollCallMark, str, str | None]]:
    """Every mark of the meeting with its unit code and incident key, by checkpoint and unit."""
    rows = session.execute(
        select(RollCallMark, col(Unit.code), col(Incident.key))
        .join(Unit, col(RollCallMark.unit_id) == col(Unit.id))
        .outerjoin(Incident, col(RollCallMark.incident_id) == col(Incident.id))
        .where(col(RollCallMark.meeting_id) == meeting_id)
        .order_by(col(RollCallMark.checkpoint), col(Unit.code))
    )
    return [(mark, code, key) for mark, code, key in rows]
