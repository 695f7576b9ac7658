"""Roll-call marks: one live mark per venue and checkpoint; late and absent carry an incident."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import meetings as meeting_repo
from app.db.repositories import people as people_repo
from app.db.repositories import roll_calls as roll_call_repo
from app.db.repositories.incidents import IncidentRow
from app.db.tables import Meeting, RollCallMark
from app.domain.roll_call import checkpoint_at
from app.schemas.public import RollCallMarkPublic
from app.schemas.records import Checkpoint, IncidentCreate
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid, NotFound
from app.services.incidents import add_incident, void_in
from app.services.units import require_unit
from app.timezone import iso

STATUS_NAMES = {"present": "签到", "late": "迟到", "absent": "缺席", "excused": "请假"}


def _public(
    mark: RollCallMark,
    *,
    meeting: str,
    unit: str,
    incident: str | None,
    marked_by_name: str | None = None,
) -> RollCallMarkPublic:
    return RollCallMarkPublic(
        meeting=meeting,
        unit=unit,
        checkpoint=mark.checkpoint,
        status=mark.status,
        reason=mark.reason,
        incident=incident,
        marked_by=mark.marked_by,
        marked_at=iso(mark.marked_at),
        marked_by_name=marked_by_name,
    )


def _require_meeting(db_session: Session, key: str) -> Meeting:
    meeting = meeting_repo.by_key(db_session, key)
    if meeting is None:
        raise NotFound(f"no meeting with key {key!r}", field="meeting", code="meeting.not_found")
    return meeting


def set_mark(
    db: Database,
    *,
    actor: Actor,
    meeting_key: str,
    unit_code: str,
    checkpoint: Checkpoint,
    status: str,
    reason: str | None,
) -> tuple[RollCallMarkPublic, bool]:
    """Mark a venue; changing a mark voids the incident of the old one. Returns (mark, changed)."""
    if status == "excused" and not reason:
        raise Invalid(
            "an excused venue needs a reason", field="reason", code="roll_call.reason_required"
        )
    with db.write() as tx:
        session = tx.session
        meeting = _require_meeting(session, meeting_key)
        if meeting.cancelled_at is not None:
            raise Conflict(
                f"meeting {meeting_key!r} was cancelled", field="meeting", code="meeting.cancelled"
            )
        unit = require_unit(session, unit_code)
        assert meeting.id is not None and unit.id is not None
        mark, old_incident = roll_call_repo.mark_with_incident(
            session, meeting_id=meeting.id, unit_id=unit.id, checkpoint=checkpoint
        ) or (None, None)
        if mark is not None and (mark.status, mark.reason) == (status, reason):
            key = old_incident.key if old_incident else None
            return _public(mark, meeting=meeting.key, unit=unit.code, incident=key), False

        now = utc_now()
        before = None if mark is None else {"status": mark.status, "reason": mark.reason}
        # The venue's live deduction at this checkpoint, whichever path made it (this mark, an
        # import, the incident API), gives way to the new mark.
        live = incident_repo.live_roll_call(
            session, meeting_id=meeting.id, unit_id=unit.id, checkpoint=checkpoint
        )
        if live is not None:
            void_in(
                session,
                actor=actor,
                row=IncidentRow(
                    live,
                    unit=unit.code,
                    meeting=meeting.key,
                    unit_name=unit.name,
                    meeting_title=meeting.title,
                ),
                reason=f"点名改为{STATUS_NAMES[status]}",
                at=now,
            )
        incident = None
        if status in ("late", "absent"):
            incident = add_incident(
                session,
                actor=actor,
                key=f"rollcall-{meeting.key}-{unit.code}-{checkpoint}-{uuid.uuid4().hex[:12]}",
                payload=IncidentCreate(
                    unit=unit.code,
                    type=f"roll_call.{status}",
                    meeting=meeting.key,
                    checkpoint=checkpoint,
                    # Timed at the checkpoint, so charged to the meeting's year whenever the
                    # mark is entered; the mark keeps the moment it was entered (`marked_at`).
                    at=checkpoint_at(meeting.starts_at, checkpoint),
                    source="online_monitoring",
                ),
            ).incident
        if mark is None:
            mark = RollCallMark(
                meeting_id=meeting.id, unit_id=unit.id, checkpoint=checkpoint, status=status
            )
            session.add(mark)
        mark.status, mark.reason = status, reason
        mark.incident_id = incident.id if incident else None
        mark.marked_by, mark.marked_at = actor.username, now
        session.flush()
        public = _public(
            mark,
            meeting=meeting.key,
            unit=unit.code,
            incident=incident.key if incident else None,
            marked_by_name=actor.display_name,
        )
        audit.record(
            session,
            actor=actor,
            action="roll_call.marked",
            entity="roll_call_mark",
            entity_key=f"{meeting.key}/{unit.code}/{checkpoint}",
            before=before,
            after={"status": status, "reason": reason},
        )
        meeting_events.record(
            session,
            meeting_id=meeting.id,
            kind="roll_call.marked",
            actor=actor,
            data=public.model_dump(mode="json"),
        )
        return public, True


def list_marks(db: Database, *, meeting_key: str) -> list[RollCallMarkPublic]:
    with db.read() as session:
        meeting = _require_meeting(session, meeting_key)
        assert meeting.id is not None
        found = roll_call_repo.marks_of_meeting(session, meeting_id=meeting.id)
        names = people_repo.display_names(session, [mark.marked_by for mark, _, _ in found])
        return [
            _public(
                mark,
                meeting=meeting.key,
                unit=code,
                incident=key,
                marked_by_name=names.get(mark.marked_by or ""),
            )
            for mark, code, key in found
        ]
