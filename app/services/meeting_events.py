"""Writes that concern a meeting become events of that meeting, in the write's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.db.repositories import events as event_repo
from app.db.repositories import incidents as incident_repo
from app.db.tables import Incident
from app.services.context import Actor, utc_now
from app.services.periods import rulebooks_by_period
from app.services.presenters import incident_public


def record(
    session: Session, *, meeting_id: int, kind: str, actor: Actor, data: dict[str, Any]
) -> event_repo.Event:
    return event_repo.append(
        session, meeting_id=meeting_id, kind=kind, at=utc_now(), actor=actor.username, data=data
    )


def incident_event(session: Session, *, incident: Incident, kind: str, actor: Actor) -> None:
    """An incident logged or voided during a meeting is an event of that meeting."""
    if incident.meeting_id is None or incident.id is None:
        return
    session.flush()
    row = incident_repo.by_id(session, incident.id)
    assert row is not None
    rulebook = rulebooks_by_period(session)[incident.period_id]
    public = incident_public(row, item_points=rulebook.item(incident.item_code).points)
    data = public.model_dump(mode="json")
    record(session, meeting_id=incident.meeting_id, kind=kind, actor=actor, data=data)
