from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import events as event_repo
from app.db.repositories import incidents as incident_repo
from app.db.repositories import meetings as meeting_repo
from app.db.repositories import people as people_repo
from app.db.tables import Meeting
from app.domain.roll_call import checkpoint_at
from app.schemas.public import EventPublic, MeetingCancellation, MeetingPublic, Page
from app.schemas.records import MeetingRecord
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid, NotFound
from app.services.incidents import void_in
from app.timezone import assessment_year, iso


def public(meeting: Meeting, *, names: dict[str, str] | None = None) -> MeetingPublic:
    cancelled = None
    if meeting.cancelled_at is not None:
        by = meeting.cancelled_by or ""
        cancelled = MeetingCancellation(
            at=iso(meeting.cancelled_at),
            by=by,
            by_name=(names or {}).get(by),
            reason=meeting.cancel_reason or "",
        )
    return MeetingPublic(
        key=meeting.key, title=meeting.title, starts_at=iso(meeting.starts_at), cancelled=cancelled
    )


def same_meeting(meeting: Meeting, record: MeetingRecord) -> bool:
    return meeting.title == record.title and meeting.starts_at == record.starts_at


def require_meeting(session: Session, key: str, *, field: str = "key") -> Meeting:
    meeting = meeting_repo.by_key(session, key)
    if meeting is None:
        raise NotFound(f"no meeting with key {key!r}", field=field, code="meeting.not_found")
    return meeting


def require_open(meeting: Meeting, *, field: str = "meeting") -> None:
    """Nothing more is recorded against a cancelled meeting."""
    if meeting.cancelled_at is not None:
        raise Conflict(
            f"meeting {meeting.key!r} was cancelled", field=field, code="meeting.cancelled"
        )


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


def update_meeting(
    db: Database, *, actor: Actor, key: str, title: str | None, starts_at: datetime | None
) -> MeetingPublic:
    """Correct a meeting's title or start; it stays in its assessment year, where its
    incidents are charged."""
    with db.write() as tx:
        meeting = require_meeting(tx.session, key)
        require_open(meeting, field="key")
        before = {"title": meeting.title, "starts_at": iso(meeting.starts_at)}
        if starts_at is not None and assessment_year(starts_at) != assessment_year(
            meeting.starts_at
        ):
            raise Invalid(
                "a meeting cannot move to another assessment year",
                field="starts_at",
                code="meeting.moved_year",
            )
        meeting.title = title if title is not None else meeting.title
        meeting.starts_at = starts_at if starts_at is not None else meeting.starts_at
        after: dict[str, object] = {"title": meeting.title, "starts_at": iso(meeting.starts_at)}
        result = public(meeting)
        if after == before:
            return result
        assert meeting.id is not None
        retimed = retime_roll_calls(session=tx.session, meeting=meeting)
        if retimed:
            after["retimed"] = retimed
        audit.record(
            tx.session,
            actor=actor,
            action="meeting.updated",
            entity="meeting",
            entity_key=key,
            before=before,
            after=after,
        )
        meeting_events.record(
            tx.session,
            meeting_id=meeting.id,
            kind="meeting.updated",
            actor=actor,
            data=result.model_dump(mode="json"),
        )
        return result


def retime_roll_calls(*, session: Session, meeting: Meeting) -> list[str]:
    """Put the meeting's roll-call incidents back at their checkpoints after its start moved;
    the keys of those that moved."""
    assert meeting.id is not None
    moved = []
    for row in incident_repo.roll_calls_of_meeting(session, meeting_id=meeting.id):
        incident = row.incident
        assert incident.checkpoint is not None
        at = checkpoint_at(meeting.starts_at, incident.checkpoint)
        if incident.at != at:
            incident.at = at
            moved.append(incident.key)
    return moved


def cancel_meeting(db: Database, *, actor: Actor, key: str, reason: str) -> MeetingPublic:
    """Cancel a meeting: its live roll-call incidents are voided citing the cancellation (a
    roll call for a meeting that did not take place deducts nothing); the rest stays as it is."""
    if not reason.strip():
        raise Invalid(
            "give a reason for cancelling", field="reason", code="meeting.reason_required"
        )
    with db.write() as tx:
        session = tx.session
        meeting = require_meeting(session, key)
        require_open(meeting, field="key")
        assert meeting.id is not None
        now = utc_now()
        meeting.cancelled_at, meeting.cancelled_by, meeting.cancel_reason = (
            now,
            actor.username,
            reason,
        )
        voided = []
        for row in incident_repo.live_of_meeting(
            session, meeting_id=meeting.id, item_code="roll_call"
        ):
            void_in(session, actor=actor, row=row, reason=f"会议取消：{reason}", at=now)
            voided.append(row.incident.key)
        names = {actor.username: actor.display_name or actor.username}
        result = public(meeting, names=names)
        audit.record(
            session,
            actor=actor,
            action="meeting.cancelled",
            entity="meeting",
            entity_key=key,
            before={"cancelled": None},
            after={"reason": reason, "voided": voided},
        )
        meeting_events.record(
            session,
            meeting_id=meeting.id,
            kind="meeting.cancelled",
            actor=actor,
            data=result.model_dump(mode="json"),
        )
        return result


def get_meeting(db: Database, *, key: str) -> MeetingPublic:
    with db.read() as session:
        meeting = require_meeting(session, key)
        names = people_repo.display_names(session, [meeting.cancelled_by])
        return public(meeting, names=names)


def list_meetings(
    db: Database,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    offset: int,
    cancelled: bool = False,
) -> Page[MeetingPublic]:
    with db.read() as session:
        rows, total = meeting_repo.between(
            session, start=start, end=end, limit=limit, offset=offset, cancelled=cancelled
        )
        names = people_repo.display_names(session, [m.cancelled_by for m in rows])
        return Page[MeetingPublic](
            items=[public(m, names=names) for m in rows], total=total, limit=limit, offset=offset
        )


def meeting_exists(db: Database, *, key: str) -> bool:
    with db.read() as session:
        return meeting_repo.by_key(session, key) is not None


def events_after(db: Database, *, key: str, after: int, limit: int) -> list[EventPublic]:
    """The meeting's stored events after `after`, in order."""
    with db.read() as session:
        require_meeting(session, key)
        return [
            EventPublic(
                meeting=e.meeting, seq=e.seq, kind=e.kind, at=iso(e.at), actor=e.actor, data=e.data
            )
            for e in event_repo.after(session, meeting_key=key, seq=after, limit=limit)
        ]
