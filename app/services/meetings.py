from __future__ import annotations

from datetime import datetime

from app.db.engine import Database
from app.db.repositories import events as event_repo
from app.db.repositories import meetings as meeting_repo
from app.db.tables import Meeting
from app.schemas.public import EventPublic, MeetingPublic, Page
from app.schemas.records import MeetingRecord
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, NotFound
from app.timezone import iso


def public(meeting: Meeting) -> MeetingPublic:
    return MeetingPublic(key=meeting.key, title=meeting.title, starts_at=iso(meeting.starts_at))


def same_meeting(meeting: Meeting, record: MeetingRecord) -> bool:
    return meeting.title == record.title and meeting.starts_at == record.starts_at


def create_meeting(
    db: Database, *, actor: Actor, record: MeetingRecord
) -> tuple[MeetingPublic, bool]:
    """Create a meeting; the same key and content again returns it unchanged."""
    with db.write() as tx:
        existing = meeting_repo.by_key(tx.session, record.key)
        if existing is not None:
            if not same_meeting(existing, record):
                raise Conflict(
                    f"meeting {record.key!r} already exists with other details",
                    field="key",
                    code="meeting.exists",
                )
            return public(existing), False
        meeting = Meeting(
            key=record.key, title=record.title, starts_at=record.starts_at, created_at=utc_now()
        )
        tx.session.add(meeting)
        audit.record(
            tx.session,
            actor=actor,
            action="meeting.created",
            entity="meeting",
            entity_key=record.key,
            after=record.model_dump(mode="json"),
        )
        return public(meeting), True


def get_meeting(db: Database, *, key: str) -> MeetingPublic:
    with db.read() as session:
        meeting = meeting_repo.by_key(session, key)
        if meeting is None:
            raise NotFound(f"no meeting with key {key!r}", field="key", code="meeting.not_found")
        return public(meeting)


def list_meetings(
    db: Database, *, start: datetime | None, end: datetime | None, limit: int, offset: int
) -> Page[MeetingPublic]:
    with db.read() as session:
        rows, total = meeting_repo.between(
            session, start=start, end=end, limit=limit, offset=offset
        )
        return Page[MeetingPublic](
            items=[public(m) for m in rows], total=total, limit=limit, offset=offset
        )


def meeting_exists(db: Database, *, key: str) -> bool:
    with db.read() as session:
        return meeting_repo.by_key(session, key) is not None


def events_after(db: Database, *, key: str, after: int, limit: int) -> list[EventPublic]:
    """The meeting's stored events after `after`, in order."""
    with db.read() as session:
        if meeting_repo.by_key(session, key) is None:
            raise NotFound(f"no meeting with key {key!r}", field="key", code="meeting.not_found")
        return [
            EventPublic(
                meeting=e.meeting, seq=e.seq, kind=e.kind, at=iso(e.at), actor=e.actor, data=e.data
            )
            for e in event_repo.after(session, meeting_key=key, seq=after, limit=limit)
        ]
