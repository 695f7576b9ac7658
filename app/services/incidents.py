"""Logging, voiding and reading incidents — idempotent by the client's key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import meetings as meeting_repo
from app.db.repositories import objections as objection_repo
from app.db.repositories import periods as period_repo
from app.db.repositories import units as unit_repo

# `IncidentFilter` is also the listing's filter as the API reads it from the query (period unset).
from app.db.repositories.incidents import IncidentFilter as IncidentFilter
from app.db.repositories.incidents import IncidentRow
from app.db.tables import Incident, Meeting
from app.domain import facts
from app.domain.roll_call import ROLL_CALL_ITEM, checkpoint_at, fits_meeting_year
from app.domain.rulebook import Rulebook
from app.domain.units import exists_at
from app.roles import CONTROLLER
from app.schemas.public import IncidentDetail, IncidentPublic, Page
from app.schemas.records import IncidentCreate, IncidentFields
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.finality import ensure_open
from app.services.periods import period_of_year, rulebook_of_period, rulebooks_by_period
from app.services.presenters import incident_public, objection_public
from app.services.units import require_unit
from app.timezone import assessment_year, iso

# The type groups seen at a meeting (roll call, venue order, conduct): a controller records
# these; installation and criticism findings are recorded by reviewers and admins.
MEETING_GROUPS = frozenset({"roll_call", "venue", "conduct"})


@dataclass(frozen=True)
class Logged:
    incident: IncidentPublic
    created: bool


def identity_digest(fields: IncidentFields) -> str:
    """What makes two submissions under one key the same incident (its time is compared apart,
    since a client may leave it to the server)."""
    identity = fields.model_dump(
        mode="json", include={"unit", "type", "meeting", "checkpoint", "note", "source"}
    )
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def same_incident(existing: Incident, *, digest: str, at: datetime | None) -> bool:
    return existing.request_digest == digest and (at is None or existing.at == at)


def check_type(
    rulebook: Rulebook,
    type_code: str,
    *,
    checkpoint: str | None,
    field: str,
    meeting: str | None = None,
) -> str:
    """The item the type belongs to, or a clear refusal. A roll-call incident names its meeting
    and checkpoint (one live deduction per venue, meeting and checkpoint is kept on them)."""
    occurrence_type = rulebook.occurrence_type(type_code)
    if occurrence_type is None:
        raise Invalid(
            f"type {type_code!r} is not in the {rulebook.edition} edition of the rulebook",
            field=f"{field}type",
            code="incident.type_not_in_edition",
        )
    is_roll_call = occurrence_type.item_code == ROLL_CALL_ITEM
    if checkpoint is not None and not is_roll_call:
        raise Invalid(
            "only roll-call incidents have a checkpoint",
            field=f"{field}checkpoint",
            code="incident.checkpoint_not_roll_call",
        )
    if is_roll_call and (meeting is None or checkpoint is None):
        missing = "meeting" if meeting is None else "checkpoint"
        raise Invalid(
            f"a roll-call incident names its meeting and checkpoint ({missing} is missing)",
            field=f"{field}{missing}",
            code="incident.roll_call_unplaced",
        )
    return occurrence_type.item_code


def roll_call_taken(existing_key: str, *, meeting: str, unit: str, checkpoint: str) -> Conflict:
    """The refusal of a second live roll-call deduction, naming the first and the mark route."""
    return Conflict(
        f"venue {unit} already has a live roll-call incident {existing_key!r} for meeting "
        f"{meeting!r} at {checkpoint}; change the mark instead "
        f"(PUT /api/meetings/{meeting}/roll-call/{checkpoint}/{unit})",
        field="checkpoint",
        code="incident.roll_call_taken",
    )


def year_of(*, at: datetime, meeting: Meeting | None) -> int:
    """An incident with a meeting is charged to the year of the meeting's start."""
    return assessment_year(meeting.starts_at if meeting is not None else at)


def public_of_row(session: Session, row: IncidentRow) -> IncidentPublic:
    rulebook = rulebook_of_period(session, row.incident.period_id)
    return incident_public(row, item_points=rulebook.item(row.incident.item_code).points)


class Added(NamedTuple):
    incident: Incident
    public: IncidentPublic


def _existing(session: Session, key: str, payload: IncidentCreate, digest: str) -> Logged | None:
    row = incident_repo.by_key(session, key)
    if row is None:
        return None
    if not same_incident(row.incident, digest=digest, at=payload.at):
        raise Conflict(
            f"key {key!r} was already used for a different incident",
            field="Idempotency-Key",
            code="incident.key_reused",
        )
    return Logged(public_of_row(session, row), created=False)


def add_incident(
    session: Session,
    *,
    actor: Actor,
    key: str,
    payload: IncidentCreate,
) -> Added:
    """Validate against the period's edition and add the incident (no key check here)."""
    unit = require_unit(session, payload.unit)
    meeting = None
    if payload.meeting is not None:
        meeting = meeting_repo.by_key(session, payload.meeting)
        if meeting is None:
            raise Invalid(
                f"unknown meeting {payload.meeting!r}", field="meeting", code="meeting.not_found"
            )
        if meeting.cancelled_at is not None:
            raise Conflict(
                f"meeting {payload.meeting!r} was cancelled",
                field="meeting",
                code="meeting.cancelled",
            )
    at = payload.at
    if at is None:
        # A roll-call incident is timed at its checkpoint, whenever it is entered.
        at = (
            checkpoint_at(meeting.starts_at, payload.checkpoint)
            if meeting is not None and payload.checkpoint is not None
            else utc_now()
        )
    year = year_of(at=at, meeting=meeting)
    if meeting is not None and not fits_meeting_year(at, starts_at=meeting.starts_at):
        raise Invalid(
            f"{iso(at)} lies outside the year {year} of meeting {meeting.key!r}",
            field="at",
            code="incident.outside_meeting_year",
        )
    period, rulebook = period_of_year(session, year, field="at")
    item_code = check_type(
        rulebook,
        payload.type,
        checkpoint=payload.checkpoint,
        field="",
        meeting=payload.meeting,
    )
    occurrence_type = rulebook.occurrence_type(payload.type)
    if actor.role == CONTROLLER and (
        occurrence_type is None or occurrence_type.group not in MEETING_GROUPS
    ):
        raise Forbidden(
            f"a controller records meeting types only, not {payload.type!r}",
            field="type",
            code="incident.type_forbidden",
        )
    ensure_open(session, year=year, field="at")
    dates = facts.Unit(
        unit.code, unit.name, unit.level, established=unit.established, abolished=unit.abolished
    )
    if not exists_at(dates, at):
        raise Invalid(
            f"unit {unit.code} does not exist at {iso(at)}",
            field="unit",
            code="unit.not_existing",
        )
    meeting_id = meeting.id if meeting is not None else None
    meeting_title = meeting.title if meeting is not None else None
    assert period.id is not None and unit.id is not None
    if meeting_id is not None and payload.checkpoint is not None:
        live = incident_repo.live_roll_call(
            session, meeting_id=meeting_id, unit_id=unit.id, checkpoint=payload.checkpoint
        )
        if live is not None:
            raise roll_call_taken(
                live.key,
                meeting=payload.meeting or "",
                unit=unit.code,
                checkpoint=payload.checkpoint,
            )
    incident = Incident(
        key=key,
        request_digest=identity_digest(payload),
        period_id=period.id,
        unit_id=unit.id,
        type_code=payload.type,
        item_code=item_code,
        meeting_id=meeting_id,
        checkpoint=payload.checkpoint,
        at=at,
        note=payload.note,
        source=payload.source,
        evidence=payload.evidence,
        logged_by=actor.username,
        logged_at=utc_now(),
    )
    session.add(incident)
    session.flush()
    row = IncidentRow(
        incident,
        unit=unit.code,
        meeting=payload.meeting,
        unit_name=unit.name,
        meeting_title=meeting_title,
        logged_by_name=actor.display_name,
    )
    public = incident_public(row, item_points=rulebook.item(item_code).points)
    audit.record(
        session,
        actor=actor,
        action="incident.logged",
        entity="incident",
        entity_key=key,
        after=payload.model_dump(mode="json") | {"at": at.isoformat()},
    )
    meeting_events.incident_event(
        session, meeting_id=meeting_id, incident=public, kind="incident.logged", actor=actor
    )
    return Added(incident, public)


def log_incident(
    db: Database,
    *,
    actor: Actor,
    key: str,
    payload: IncidentCreate,
) -> Logged:
    """Log an incident once: the same key and payload again returns the first record.

    The key's unique index tells a retry from a new incident: the insert comes first, and only
    when it collides (nothing of the transaction is kept) is the first record read back."""
    try:
        with db.write() as tx:
            added = add_incident(tx.session, actor=actor, key=key, payload=payload)
        return Logged(added.public, created=True)
    except IntegrityError:
        with db.read() as session:
            existing = _existing(session, key, payload, identity_digest(payload))
            if existing is not None:
                return existing
            # Another writer took the venue's roll-call checkpoint first (the partial unique
            # index holds it): the same refusal as when it was seen before the insert.
            meeting = meeting_repo.by_key(session, payload.meeting) if payload.meeting else None
            unit = unit_repo.by_code(session, payload.unit)
            if meeting and unit and payload.checkpoint and meeting.id and unit.id:
                live = incident_repo.live_roll_call(
                    session, meeting_id=meeting.id, unit_id=unit.id, checkpoint=payload.checkpoint
                )
                if live is not None:
                    raise roll_call_taken(
                        live.key,
                        meeting=meeting.key,
                        unit=unit.code,
                        checkpoint=payload.checkpoint,
                    ) from None
            raise


def void_in(
    session: Session, *, actor: Actor, row: IncidentRow, reason: str, at: datetime
) -> IncidentPublic:
    incident = row.incident
    period = period_repo.by_id(session, period_id=incident.period_id)
    assert period is not None
    ensure_open(session, year=period.year, field="key")
    if incident.voided_at is not None:
        raise Conflict(
            f"incident {incident.key!r} was already voided: {incident.void_reason}",
            field="key",
            code="incident.already_voided",
        )
    incident.voided_at, incident.voided_by, incident.void_reason = at, actor.username, reason
    audit.record(
        session,
        actor=actor,
        action="incident.voided",
        entity="incident",
        entity_key=incident.key,
        before={"voided": None},
        after={"voided": {"reason": reason, "at": at.isoformat(), "by": actor.username}},
    )
    public = public_of_row(session, row._replace(voided_by_name=actor.display_name))
    meeting_events.incident_event(
        session,
        meeting_id=incident.meeting_id,
        incident=public,
        kind="incident.voided",
        actor=actor,
    )
    return public


def void_incident(db: Database, *, actor: Actor, key: str, reason: str) -> IncidentPublic:
    with db.write() as tx:
        row = require_incident(tx.session, key)
        return void_in(tx.session, actor=actor, row=row, reason=reason, at=utc_now())


def require_incident(session: Session, key: str, *, field: str = "key") -> IncidentRow:
    row = incident_repo.by_key(session, key)
    if row is None:
        raise NotFound(f"no incident with key {key!r}", field=field, code="incident.not_found")
    return row


def get_incident(db: Database, *, key: str) -> IncidentDetail:
    with db.read() as session:
        row = require_incident(session, key)
        objections = objection_repo.of_incident(session, row.incident.id or 0)
        return IncidentDetail(
            **public_of_row(session, row).model_dump(),
            objections=[objection_public(o) for o in objections],
        )


def list_incidents(
    db: Database,
    *,
    year: int | None,
    filters: IncidentFilter,
    limit: int,
    offset: int,
) -> Page[IncidentPublic]:
    with db.read() as session:
        period = period_of_year(session, year)[0] if year is not None else None
        where = replace(filters, period_id=period.id if period is not None else None)
        rulebooks = rulebooks_by_period(session)
        if where.item is not None:
            where = replace(where, item_types=_types_of_item(rulebooks, where))
        rows, total = incident_repo.listing(session, where=where, limit=limit, offset=offset)
        items = [
            incident_public(
                row,
                item_points=rulebooks[row.incident.period_id].item(row.incident.item_code).points,
            )
            for row in rows
        ]
        return Page[IncidentPublic](items=items, total=total, limit=limit, offset=offset)


def _types_of_item(rulebooks: dict[int, Rulebook], where: IncidentFilter) -> list[str]:
    """The type codes that belong to the filter's item in the rulebooks of the periods asked for
    (every period's when none is): an incident's item is its type's item in its period's book."""
    if where.period_id is not None:
        books = [rulebooks[where.period_id]] if where.period_id in rulebooks else []
    else:
        books = list(rulebooks.values())
    return sorted(
        {
            t.code
            for book in books
            for item in book.items
            if item.code == where.item
            for t in item.types
        }
    )
