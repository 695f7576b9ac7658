"""Writes that concern a meeting become events of that meeting, in the write's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.db.repositories import events as event_repo
from app.schemas.public import IncidentPublic
from app.services.context import Actor, utc_now


def record(
    session: Session, *, meeting_id: int, kind: str, actor: Actor, data: dict[str, Any]
) -> event_repo.Event:
    return event_repo.append(
        session, meeting_id=meeting_id, kind=kind, at=utc_now(), actor=actor.username, data=data
    )


def incident_event(
    session: Session, *, meeting_id: int | None, incident: IncidentPublic, kind: str, actor: Actor
) -> None:
    """An incident logged or voided during a meeting is an event of that meeting."""
    if meeting_id is None:
        return
    data = incident.model_dump(mode="json")
    record(session, meeting_id=meeting_id, kind=kind, actor=actor, data=data)
