"""The per-meeting event log.

Invariant: within a meeting, `seq` runs 1, 2, 3, … without gaps. The counter lives on the meeting
row and is raised with an UPDATE in the writer's own transaction, so concurrent writers serialize
on that row and a rolled-back write leaves no hole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, text, update
from sqlmodel import Session, col

from app.db.tables import Meeting, MeetingEvent

NOTIFY_CHANNEL = "vcwatch_events"


@dataclass(frozen=True)
class Event:
    meeting: str
    seq: int
    kind: str
    at: datetime
    actor: str | None
    data: dict[str, Any]


_MEETINGS: Table = Meeting.__table__  # type: ignore[attr-defined]
_NEXT_SEQ = (
    update(_MEETINGS)
    .where(_MEETINGS.c.id == bindparam("meeting_id"))
    .values(last_seq=_MEETINGS.c.last_seq + 1)
    .returning(_MEETINGS.c.last_seq, _MEETINGS.c.key)
)


def pending(session: Session) -> list[Event]:
    """Events written in this transaction, to publish once it commits."""
    events: list[Event] = session.info.setdefault("events", [])
    return events


def append(
    session: Session,
    *,
    meeting_id: int,
    kind: str,
    at: datetime,
    actor: str | None,
    data: dict[str, Any],
) -> Event:
    # On the connection: a plain statement, without the ORM's bookkeeping for bulk updates.
    seq = session.connection().execute(_NEXT_SEQ, {"meeting_id": meeting_id}).one()
    number, key = int(seq[0]), str(seq[1])
    session.add(
        MeetingEvent(meeting_id=meeting_id, seq=number, kind=kind, at=at, actor=actor, data=data)
    )
    event = Event(meeting=key, seq=number, kind=kind, at=at, actor=actor, data=data)
    pending(session).append(event)
    if session.get_bind().dialect.name == "postgresql":
        # Delivered by PostgreSQL at commit, to the listener of every server process.
        payload = json.dumps({"meeting": key, "seq": number})
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": NOTIFY_CHANNEL, "payload": payload},
        )
    return event


def after(session: Session, *, meeting_key: str, seq: int, limit: int) -> list[Event]:
    rows = session.execute(
        select(MeetingEvent, col(Meeting.key))
        .join(Meeting, col(MeetingEvent.meeting_id) == col(Meeting.id))
        .where(col(Meeting.key) == meeting_key, col(MeetingEvent.seq) > seq)
        .order_by(col(MeetingEvent.seq))
        .limit(limit)
    )
    return [
        Event(meeting=key, seq=e.seq, kind=e.kind, at=e.at, actor=e.actor, data=e.data)
        for e, key in rows
    ]


def last_seq(session: Session, *, meeting_key: str) -> int | None:
    return session.scalar(select(col(Meeting.last_seq)).where(col(Meeting.key) == meeting_key))
