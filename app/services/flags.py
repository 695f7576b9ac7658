"""Frame-check flags: raised by the checks, confirmed (→ one incident) or dismissed by a person.

Invariants: a flag never deducts by itself; confirming a flag makes exactly one incident (its key
is derived from the flag), of the type the period's edition maps the flag's kind to, with the
flag's audio clip (audio kinds) or snapshot as evidence; a venue has at most one open flag of a
kind. A flag raised outside any meeting is confirmed the same way, into an incident without a
meeting. A kind the edition maps to no type (`silent`: no sound where sound was expected) never
becomes an incident: confirming it notes the fault against the venue's 音频设备 (status `noted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import flags as flag_repo
from app.db.repositories.flags import FlagRow
from app.db.tables import FrameFlag
from app.domain.rulebook import AUDIO_FLAG_KINDS
from app.schemas.public import FlagPublic, Page
from app.schemas.records import IncidentCreate
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, NotFound
from app.services.glossary import word
from app.services.incidents import add_incident
from app.services.periods import period_of_year
from app.services.units import require_unit
from app.timezone import assessment_year, iso

AUDIO_KINDS = frozenset(AUDIO_FLAG_KINDS)
EQUIPMENT_NOTE = "音频设备：{kind}（{state}）"
STATE_NAMES = {"muted": "静音收听", "speaking": "发言", "testing": "调试"}


def public(row: FlagRow) -> FlagPublic:
    flag = row.flag
    assert flag.id is not None
    return FlagPublic(
        id=flag.id,
        unit=row.unit,
        meeting=row.meeting,
        kind=flag.kind,
        basis=flag.basis,
        metrics=flag.metrics,
        snapshot=flag.snapshot,
        clip=flag.clip,
        raised_at=iso(flag.raised_at),
        cleared_at=iso(flag.cleared_at) if flag.cleared_at else None,
        status=flag.status,
        decided_by=flag.decided_by,
        decided_at=iso(flag.decided_at) if flag.decided_at else None,
        decision_note=flag.decision_note,
        incident=row.incident,
    )


def _event(session: Session, flag: FrameFlag, *, kind: str, actor: Actor) -> FlagPublic:
    session.flush()
    assert flag.id is not None
    row = flag_repo.by_id(session, flag.id)
    assert row is not None
    result = public(row)
    if flag.meeting_id is not None:
        meeting_events.record(
            session,
            meeting_id=flag.meeting_id,
            kind=kind,
            actor=actor,
            data=result.model_dump(mode="json"),
        )
    return result


def raise_flag(
    db: Database,
    *,
    actor: Actor,
    unit_code: str,
    kind: str,
    basis: str | None,
    metrics: dict[str, Any],
    snapshot: str | None,
    at: datetime,
    clip: str | None = None,
) -> FlagPublic | None:
    """Open a flag unless the venue already has an open one of that kind."""
    with db.write() as tx:
        session = tx.session
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        if flag_repo.open_flag(session, unit_id=unit.id, kind=kind) is not None:
            return None
        meeting = flag_repo.meeting_in_progress(session, at=at)
        flag = FrameFlag(
            unit_id=unit.id,
            meeting_id=meeting.id if meeting else None,
            kind=kind,
            basis=basis,
            metrics=metrics,
            snapshot=snapshot,
            clip=clip,
            raised_at=at,
        )
        session.add(flag)
        result = _event(session, flag, kind="flag.raised", actor=actor)
        audit.record(
            session,
            actor=actor,
            action="flag.raised",
            entity="flag",
            entity_key=str(result.id),
            after=result.model_dump(mode="json"),
        )
        return result


def clear_flag(db: Database, *, actor: Actor, unit_code: str, kind: str, at: datetime) -> None:
    """The checks saw good samples again; the open flag stays for a person to decide."""
    with db.write() as tx:
        session = tx.session
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        flag = flag_repo.open_flag(session, unit_id=unit.id, kind=kind)
        if flag is None or flag.cleared_at is not None:
            return
        flag.cleared_at = at
        result = _event(session, flag, kind="flag.cleared", actor=actor)
        audit.record(
            session,
            actor=actor,
            action="flag.cleared",
            entity="flag",
            entity_key=str(result.id),
            before={"cleared_at": None},
            after={"cleared_at": result.cleared_at},
        )


def _require_open(session: Session, flag_id: int) -> FlagRow:
    row = flag_repo.by_id(session, flag_id)
    if row is None:
        raise NotFound(f"no flag {flag_id}", field="id", code="flag.not_found")
    if row.flag.status != "open":
        raise Conflict(
            f"flag {flag_id} was already {row.flag.status}", field="id", code="flag.decided"
        )
    return row


def confirm_flag(db: Database, *, actor: Actor, flag_id: int, note: str | None) -> FlagPublic:
    with db.write() as tx:
        session = tx.session
        row = _require_open(session, flag_id)
        flag = row.flag
        _, rulebook = period_of_year(session, assessment_year(flag.raised_at), field="raised_at")
        type_code = rulebook.flag_types.get(flag.kind)
        # A kind's name is the glossary's, the one the pages show.
        text = word(f"flag.kind.{flag.kind}", default=flag.kind)
        if type_code is None:
            return _note_equipment(session, actor=actor, row=row, note=note, text=text)
        source = "音频检测" if flag.kind in AUDIO_KINDS else "画面检测"
        added = add_incident(
            session,
            actor=actor,
            key=f"flag-{flag_id}",
            payload=IncidentCreate(
                unit=row.unit,
                type=type_code,
                meeting=row.meeting,
                at=flag.raised_at,
                note=f"{source}：{text}" + (f"；{note}" if note else ""),
                source="online_monitoring",
                evidence=flag.clip or flag.snapshot,
            ),
        )
        flag.status, flag.decided_by, flag.decided_at = "confirmed", actor.username, utc_now()
        flag.decision_note, flag.incident_id = note, added.incident.id
        result = _event(session, flag, kind="flag.confirmed", actor=actor)
        audit.record(
            session,
            actor=actor,
            action="flag.confirmed",
            entity="flag",
            entity_key=str(flag_id),
            after=result.model_dump(mode="json"),
        )
        return result


def _note_equipment(
    session: Session, *, actor: Actor, row: FlagRow, note: str | None, text: str
) -> FlagPublic:
    """A fault of the venue's audio equipment, not interference: noted, no incident."""
    flag = row.flag
    state = STATE_NAMES.get(flag.basis or "", flag.basis or "")
    equipment = EQUIPMENT_NOTE.format(kind=text, state=state)
    flag.status, flag.decided_by, flag.decided_at = "noted", actor.username, utc_now()
    flag.decision_note = equipment + (f"；{note}" if note else "")
    result = _event(session, flag, kind="flag.noted", actor=actor)
    audit.record(
        session,
        actor=actor,
        action="flag.noted",
        entity="flag",
        entity_key=str(flag.id),
        after=result.model_dump(mode="json"),
    )
    return result


def dismiss_flag(db: Database, *, actor: Actor, flag_id: int, note: str | None) -> FlagPublic:
    with db.write() as tx:
        session = tx.session
        flag = _require_open(session, flag_id).flag
        flag.status, flag.decided_by, flag.decided_at = "dismissed", actor.username, utc_now()
        flag.decision_note = note
        result = _event(session, flag, kind="flag.dismissed", actor=actor)
        audit.record(
            session,
            actor=actor,
            action="flag.dismissed",
            entity="flag",
            entity_key=str(flag_id),
            after=result.model_dump(mode="json"),
        )
        return result


def list_flags(
    db: Database,
    *,
    status: str | None,
    meeting: str | None,
    units: Sequence[str],
    limit: int,
    offset: int,
    outside_meeting: bool = False,
) -> Page[FlagPublic]:
    with db.read() as session:
        rows, total = flag_repo.listing(
            session,
            status=status,
            meeting=meeting,
            units=units,
            limit=limit,
            offset=offset,
            outside_meeting=outside_meeting,
        )
        return Page[FlagPublic](
            items=[public(r) for r in rows], total=total, limit=limit, offset=offset
        )


def get_flag(db: Database, *, flag_id: int) -> FlagPublic:
    with db.read() as session:
        row = flag_repo.by_id(session, flag_id)
        if row is None:
            raise NotFound(f"no flag {flag_id}", field="id", code="flag.not_found")
        return public(row)
