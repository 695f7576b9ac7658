"""The room register and staffing: append-only history; the latest entry at a moment is the state."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import register as register_repo
from app.db.tables import RoomRecord, StaffingRecord
from app.domain.counting import moments_of
from app.domain.facts import RoomEntry, StaffingEntry, Unit
from app.domain.scoring import unit_findings
from app.schemas.public import FindingPublic, RoomPublic, StaffingPublic
from app.schemas.records import RoomRecord as RoomEntryRecord
from app.schemas.records import StaffingRecord as StaffingEntryRecord
from app.schemas.records import contact_of
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Forbidden
from app.services.finality import ensure_open
from app.services.periods import period_of_year, rulebook_of
from app.services.presenters import finding_public, room_public, staffing_public
from app.services.units import require_unit
from app.timezone import assessment_year

BACKDATING_TOLERANCE = timedelta(minutes=5)


def check_register_write(actor: Actor, *, at: datetime | None, source: str | None) -> None:
    """County staff report their register as it is from now on; entries dated in the past and
    on-site inspection findings are made by inspectors (admins)."""
    if actor.role != "county_it":
        return
    if source not in (None, "self_report"):
        raise Forbidden("county staff report as self_report (自评上报)", field="source")
    if at is not None and at < utc_now() - BACKDATING_TOLERANCE:
        raise Forbidden("county staff cannot date a change in the past", field="at")


def room_row(
    record: RoomEntryRecord, *, unit_id: int, actor: Actor, now: datetime
) -> dict[str, object]:
    return {
        "unit_id": unit_id,
        "name": record.name,
        "at": record.at,
        "hd_display": record.equipment.hd_display,
        "audio": record.equipment.audio,
        "cabling": record.equipment.cabling,
        "removed": record.removed,
        "details": record.details.model_dump(exclude_none=True) if record.details else {},
        "source": record.source or "self_report",
        "recorded_by": actor.username,
        "recorded_at": now,
    }


def staffing_row(
    record: StaffingEntryRecord, *, unit_id: int, actor: Actor, now: datetime
) -> dict[str, object]:
    return {
        "unit_id": unit_id,
        "at": record.at,
        "leaders": [contact_of(p).model_dump(exclude_none=True) for p in record.leaders],
        "staff": [contact_of(p).model_dump(exclude_none=True) for p in record.staff],
        "recorded_by": actor.username,
        "recorded_at": now,
    }


def room_entry(record: RoomRecord, *, unit: str) -> RoomEntry:
    return RoomEntry(
        unit=unit,
        name=record.name,
        at=record.at,
        equipment={
            "hd_display": record.hd_display,
            "audio": record.audio,
            "cabling": record.cabling,
        },
        removed=record.removed,
        seq=record.id or 0,
    )


def staffing_entry(record: StaffingRecord, *, unit: str) -> StaffingEntry:
    return StaffingEntry(
        unit=unit,
        at=record.at,
        leaders=tuple(c["name"] for c in record.leaders),
        staff=tuple(c["name"] for c in record.staff),
        seq=record.id or 0,
    )


def record_room(db: Database, *, actor: Actor, record: RoomEntryRecord) -> RoomPublic:
    check_register_write(actor, at=record.at, source=record.source)
    if record.at is None:
        record = record.model_copy(update={"at": utc_now()})
    with db.write() as tx:
        assert record.at is not None
        ensure_open(tx.session, year=assessment_year(record.at), field="at")
        unit = require_unit(tx.session, record.unit)
        assert unit.id is not None
        row = RoomRecord.model_validate(
            room_row(record, unit_id=unit.id, actor=actor, now=utc_now())
        )
        tx.session.add(row)
        tx.session.flush()
        public = room_public(row, unit=unit.code)
        audit.record(
            tx.session,
            actor=actor,
            action="room.removed" if record.removed else "room.recorded",
            entity="room",
            entity_key=f"{unit.code}/{record.name}",
            after=public.model_dump(mode="json"),
        )
        return public


def record_staffing(db: Database, *, actor: Actor, record: StaffingEntryRecord) -> StaffingPublic:
    check_register_write(actor, at=record.at, source=None)
    if record.at is None:
        record = record.model_copy(update={"at": utc_now()})
    with db.write() as tx:
        assert record.at is not None
        ensure_open(tx.session, year=assessment_year(record.at), field="at")
        unit = require_unit(tx.session, record.unit)
        assert unit.id is not None
        row = StaffingRecord.model_validate(
            staffing_row(record, unit_id=unit.id, actor=actor, now=utc_now())
        )
        tx.session.add(row)
        tx.session.flush()
        public = staffing_public(row, unit=unit.code)
        audit.record(
            tx.session,
            actor=actor,
            action="staffing.recorded",
            entity="staffing",
            entity_key=unit.code,
            after=public.model_dump(mode="json"),
        )
        return public


def room_history(db: Database, *, unit_code: str) -> list[RoomPublic]:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        return [
            room_public(r, unit=code)
            for r, code in register_repo.room_records(session, unit_id=unit.id)
        ]


def rooms_at(db: Database, *, unit_code: str, as_of: datetime | None) -> list[RoomPublic]:
    """The register of the unit at `as_of` (default now): the latest entry of each room."""
    moment = as_of or utc_now()
    with db.read() as session:
        unit = require_unit(session, unit_code)
        latest: dict[str, tuple[RoomRecord, str]] = {}
        for record, code in register_repo.room_records(session, unit_id=unit.id, until=moment):
            latest[record.name] = (record, code)
        return [room_public(r, unit=code) for r, code in latest.values() if not r.removed]


def staffing_history(db: Database, *, unit_code: str) -> list[StaffingPublic]:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        return [
            staffing_public(r, unit=code)
            for r, code in register_repo.staffing_records(session, unit_id=unit.id)
        ]


def findings(
    db: Database, *, unit_code: str, year: int | None, as_of: datetime | None
) -> list[FindingPublic]:
    """Why the unit loses points under the derived items at `as_of` (default: now, or the end
    of a closed year), by the rulebook of that year's period."""
    with db.read() as session:
        known_at = as_of or utc_now()
        # The register of the year's standings: at `register_at` (domain.counting).
        moments = moments_of(year or assessment_year(known_at), as_of=known_at)
        _, rulebook = period_of_year(session, moments.year)
        return unit_findings_public(
            session, unit_code=unit_code, edition=rulebook.edition, as_of=moments.register_at
        )


def unit_findings_public(
    session: Session, *, unit_code: str, edition: str, as_of: datetime
) -> list[FindingPublic]:
    unit = require_unit(session, unit_code)
    rooms = [
        room_entry(r, unit=c)
        for r, c in register_repo.room_records(session, unit_id=unit.id, until=as_of)
    ]
    staffing = [
        staffing_entry(r, unit=c)
        for r, c in register_repo.staffing_records(session, unit_id=unit.id, until=as_of)
    ]
    result = unit_findings(
        rulebook_of(edition),
        Unit(code=unit.code, name=unit.name, level=unit.level),
        rooms=rooms,
        staffing=staffing,
        as_of=as_of,
    )
    return [finding_public(f) for f in result]
