"""Import and export of the interchange file (`vcwatch-records/1`).

Import is all-or-nothing (one transaction; the first bad record aborts it with its place and
field) and idempotent (a record already present is left as it is).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import meetings as meeting_repo
from app.db.repositories import periods as period_repo
from app.db.repositories import register as register_repo
from app.db.repositories import statistics as statistics_repo
from app.db.repositories import units as unit_repo
from app.db.tables import Incident, Meeting
from app.domain.roll_call import fits_meeting_year
from app.domain.units import exists_at
from app.schemas.public import ImportSummary
from app.schemas.records import (
    FORMAT,
    Contact,
    Equipment,
    IncidentRecord,
    MeetingRecord,
    ParentChangeRecord,
    PeriodRecord,
    RecordsFile,
    RoomDetails,
    RoomRecord,
    StaffingRecord,
    UnitRecord,
    VoidRecord,
)
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid
from app.services.finality import ensure_open
from app.services.incidents import check_type, identity_digest
from app.services.meetings import same_meeting
from app.services.periods import ensure_period, rulebook_of
from app.services.periods import public as period_public
from app.services.room_register import check_not_future, room_row, staffing_row
from app.services.units import add_parent_changes, unit_facts, upsert_units
from app.timezone import assessment_year, iso


def parse_records(data: Any) -> RecordsFile:
    """Validate a parsed file; the error names the first bad record and field."""
    try:
        return RecordsFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(
            "."
        )
        message = f"{path}: {first['msg']}" if path else first["msg"]
        raise Invalid(message, field=path or "file", code="records.invalid") from None


def _import_meetings(session: Session, *, actor: Actor, records: list[MeetingRecord]) -> int:
    existing = {m.key: m for m in meeting_repo.all_meetings(session)}
    created = 0
    for index, record in enumerate(records):
        current = existing.get(record.key)
        if current is not None:
            if not same_meeting(current, record):
                raise Conflict(
                    f"meeting {record.key!r} already exists with another title or start",
                    field=f"meetings[{index}]",
                    code="records.meeting_conflict",
                )
            continue
        meeting = Meeting(
            key=record.key, title=record.title, starts_at=record.starts_at, created_at=utc_now()
        )
        session.add(meeting)
        existing[record.key] = meeting
        created += 1
    session.flush()
    return created


def _import_incidents(
    session: Session, *, actor: Actor, file: RecordsFile, period_id: int
) -> tuple[int, int]:
    rulebook = rulebook_of(file.period.edition, field="period.edition")
    unit_ids = unit_repo.ids_by_code(session)
    dated_units = {u.code: u for u in unit_facts(session) if u.established or u.abolished}
    meetings = meeting_repo.starts_by_key(session)
    known = incident_repo.digests_of(session, (r.key for r in file.incidents))
    # A void the file brings to an incident already stored is made first, so that the venue's
    # roll-call checkpoint it frees can take the file's new mark.
    _apply_voids(
        session,
        actor=actor,
        voids=[(r.key, r.voided) for r in file.incidents if r.key in known and r.voided],
    )
    live_roll_calls = incident_repo.live_roll_calls(session)
    unchanged = 0
    now = utc_now()

    def new_rows() -> Iterator[dict[str, Any]]:
        """The rows to insert, checked one by one as the insert takes them: the first bad
        record raises before the database has seen the end of the batch (all or nothing)."""
        nonlocal unchanged
        seen: set[str] = set()
        item_codes: dict[tuple[str, bool, bool], str] = {}
        # (meeting, unit, checkpoint) → where the file's live roll-call deduction for it is.
        roll_calls: dict[tuple[int, int, str], str] = {}
        for index, record in enumerate(file.incidents):
            where = f"incidents[{index}]"
            if record.key in seen:
                raise Invalid(
                    f"incident key {record.key!r} appears twice",
                    field=f"{where}.key",
                    code="records.duplicate_key",
                )
            seen.add(record.key)
            if record.unit not in unit_ids:
                raise Invalid(
                    f"incident {record.key!r}: unknown unit {record.unit}",
                    field=f"{where}.unit",
                    code="records.unknown_unit",
                )
            if record.meeting is not None and record.meeting not in meetings:
                raise Invalid(
                    f"incident {record.key!r}: unknown meeting {record.meeting!r}",
                    field=f"{where}.meeting",
                    code="records.unknown_meeting",
                )
            meeting = meetings[record.meeting] if record.meeting is not None else None
            # An incident with a meeting belongs to the meeting's year.
            if meeting is not None and assessment_year(meeting[1]) != file.period.year:
                raise Invalid(
                    f"incident {record.key!r}: its meeting {record.meeting!r} lies outside the "
                    f"period {file.period.year}",
                    field=f"{where}.meeting",
                    code="records.outside_period",
                )
            in_meeting_year = meeting is not None and fits_meeting_year(
                record.at, starts_at=meeting[1]
            )
            if not in_meeting_year and assessment_year(record.at) != file.period.year:
                raise Invalid(
                    f"incident {record.key!r}: {iso(record.at)} lies outside the period "
                    f"{file.period.year}",
                    field=f"{where}.at",
                    code="records.outside_period",
                )
            # The item depends on the type and on whether a checkpoint and meeting are given.
            type_key = (record.type, record.checkpoint is not None, record.meeting is not None)
            item_code = item_codes.get(type_key)
            if item_code is None:
                item_code = item_codes[type_key] = check_type(
                    rulebook,
                    record.type,
                    checkpoint=record.checkpoint,
                    meeting=record.meeting,
                    field=f"{where}.",
                )
            dated = dated_units.get(record.unit)
            if dated is not None and not exists_at(dated, record.at):
                raise Invalid(
                    f"incident {record.key!r}: unit {record.unit} does not exist at "
                    f"{iso(record.at)}",
                    field=f"{where}.unit",
                    code="unit.not_existing",
                )
            if record.voided is not None and record.voided.at < record.at:
                raise Invalid(
                    f"incident {record.key!r}: voided before it was seen",
                    field=f"{where}.voided.at",
                    code="records.void_before_seen",
                )
            digest = identity_digest(record)
            if record.key in known:
                if known[record.key] != digest:
                    raise Conflict(
                        f"incident {record.key!r} already exists with other details",
                        field=f"{where}.key",
                        code="records.incident_conflict",
                    )
                unchanged += 1
                continue
            if meeting is not None and record.checkpoint is not None and record.voided is None:
                triple = (meeting[0], unit_ids[record.unit], record.checkpoint)
                other = roll_calls.get(triple) or (
                    f"stored incident {live_roll_calls[triple]!r}"
                    if triple in live_roll_calls
                    else None
                )
                if other is not None:
                    raise Conflict(
                        f"incident {record.key!r} (incidents[{index}]) is a second live roll-call "
                        f"deduction of {record.unit} at {record.meeting!r} {record.checkpoint}, "
                        f"beside {other}; a venue has one per meeting and checkpoint",
                        field=f"{where}.checkpoint",
                        code="incident.roll_call_taken",
                    )
                roll_calls[triple] = f"incident {record.key!r} (incidents[{index}])"
            voided = record.voided
            yield {
                "key": record.key,
                "request_digest": digest,
                "period_id": period_id,
                "unit_id": unit_ids[record.unit],
                "type_code": record.type,
                "item_code": item_code,
                "meeting_id": meeting[0] if meeting else None,
                "checkpoint": record.checkpoint,
                "at": record.at,
                "note": record.note,
                "source": record.source,
                "evidence": None,
                "logged_by": actor.username,
                "logged_at": now,
                "voided_at": voided.at if voided else None,
                "voided_by": (voided.by or actor.username) if voided else None,
                "void_reason": voided.reason if voided else None,
            }

    inserted = incident_repo.insert_many(session, new_rows())
    return inserted, unchanged


def _apply_voids(
    session: Session, *, actor: Actor, voids: Iterable[tuple[str, VoidRecord]]
) -> None:
    """A file may void an incident the database still counts; a void already made stays."""
    for key, void in voids:
        row = incident_repo.by_key(session, key)
        if row is None or row.incident.voided_at is not None:
            continue
        incident: Incident = row.incident
        incident.voided_at, incident.voided_by, incident.void_reason = (
            void.at,
            void.by or actor.username,
            void.reason,
        )
        audit.record(
            session,
            actor=actor,
            action="incident.voided",
            entity="incident",
            entity_key=key,
            after={"voided": void.model_dump(mode="json")},
        )


def _import_rooms(session: Session, *, actor: Actor, records: list[RoomRecord]) -> int:
    unit_ids = unit_repo.ids_by_code(session)
    existing = {(code, r.name, r.at): r for r, code in register_repo.room_records(session)}
    in_file: dict[tuple[str, str, datetime], tuple[int, dict[str, object]]] = {}
    rows = []
    now = utc_now()
    for index, record in enumerate(records):
        if record.unit not in unit_ids:
            raise Invalid(
                f"unknown unit {record.unit}",
                field=f"rooms[{index}].unit",
                code="records.unknown_unit",
            )
        check_not_future(record.at, now=now, field=f"rooms[{index}].at")
        ensure_open(session, year=assessment_year(record.at), field=f"rooms[{index}].at")
        row = room_row(record, unit_id=unit_ids[record.unit], actor=actor, now=now)
        moment = (record.unit, record.name, record.at)
        earlier = in_file.get(moment)
        if earlier is not None:
            if any(earlier[1][k] != row[k] for k in ROOM_STATE):
                raise Conflict(
                    f"rooms[{earlier[0]}] and rooms[{index}] give room {record.name!r} of "
                    f"{record.unit} two different states at {iso(record.at)}",
                    field=f"rooms[{index}]",
                    code="room.two_states",
                )
            continue
        in_file[moment] = (index, row)
        current = existing.get((record.unit, record.name, record.at))
        if current is not None:
            same = all(getattr(current, k) == row[k] for k in ROOM_STATE)
            if not same:
                raise Conflict(
                    f"room {record.name!r} of {record.unit} already has another entry at {iso(record.at)}",
                    field=f"rooms[{index}]",
                    code="records.room_conflict",
                )
            continue
        rows.append(row)
    register_repo.insert_rooms(session, rows)
    return len(rows)


ROOM_STATE = ("hd_display", "audio", "cabling", "removed")


def _import_staffing(session: Session, *, actor: Actor, records: list[StaffingRecord]) -> int:
    unit_ids = unit_repo.ids_by_code(session)
    existing = {(code, r.at): r for r, code in register_repo.staffing_records(session)}
    rows = []
    now = utc_now()
    for index, record in enumerate(records):
        if record.unit not in unit_ids:
            raise Invalid(
                f"unknown unit {record.unit}",
                field=f"staffing[{index}].unit",
                code="records.unknown_unit",
            )
        check_not_future(record.at, now=now, field=f"staffing[{index}].at")
        ensure_open(session, year=assessment_year(record.at), field=f"staffing[{index}].at")
        row = staffing_row(record, unit_id=unit_ids[record.unit], actor=actor, now=now)
        current = existing.get((record.unit, record.at))
        if current is not None:
            if (current.leaders, current.staff) != (row["leaders"], row["staff"]):
                raise Conflict(
                    f"staffing of {record.unit} already has another entry at {iso(record.at)}",
                    field=f"staffing[{index}]",
                    code="records.staffing_conflict",
                )
            continue
        rows.append(row)
    register_repo.insert_staffing(session, rows)
    return len(rows)


BULK_ROWS = 10_000


def import_records(db: Database, *, actor: Actor, file: RecordsFile) -> ImportSummary:
    with db.write() as tx:
        session = tx.session
        period = ensure_period(session, actor=actor, record=file.period)
        assert period.id is not None
        ensure_open(session, year=file.period.year, field="period.year")
        units = upsert_units(session, actor=actor, records=file.units)
        units += add_parent_changes(session, actor=actor, records=file.parent_changes)
        meetings = _import_meetings(session, actor=actor, records=file.meetings)
        incidents, unchanged = _import_incidents(
            session, actor=actor, file=file, period_id=period.id
        )
        rooms = _import_rooms(session, actor=actor, records=file.rooms)
        staffing = _import_staffing(session, actor=actor, records=file.staffing)
        summary = ImportSummary(
            period=period_public(period),
            units=units,
            meetings=meetings,
            incidents=incidents,
            incidents_unchanged=unchanged,
            rooms=rooms,
            staffing=staffing,
        )
        audit.record(
            session,
            actor=actor,
            action="records.imported",
            entity="records",
            entity_key=str(file.period.year),
            after=summary.model_dump(mode="json"),
        )
        if incidents >= BULK_ROWS:
            statistics_repo.analyze_incidents(session)
        return summary


def _moment(value: datetime) -> datetime:
    return datetime.fromisoformat(iso(value))


def export_records(db: Database, *, year: int) -> RecordsFile:
    with db.read() as session:
        period = period_repo.by_year(session, year)
        if period is None or period.id is None:
            raise Invalid(
                f"there is no assessment period for {year}", field="year", code="period.missing"
            )
        units = [
            UnitRecord(
                code=u.code,
                name=u.name,
                level=u.level,
                parent=p,
                established=u.established,
                abolished=u.abolished,
            )
            for u, p in unit_repo.with_parent_codes(session)
        ]
        parent_changes = [
            ParentChangeRecord(code=code, parent=parent, from_day=day)
            for code, day, parent in unit_repo.parent_changes(session)
        ]
        incident_rows = incident_repo.for_period(session, period_id=period.id)
        meeting_keys = {row.meeting for row in incident_rows if row.meeting}
        meetings = [
            MeetingRecord(key=m.key, title=m.title, starts_at=_moment(m.starts_at))
            for m in meeting_repo.all_meetings(session)
            if m.key in meeting_keys or assessment_year(m.starts_at) == year
        ]
        incidents = [
            IncidentRecord(
                key=i.key,
                unit=row.unit,
                type=i.type_code,
                meeting=row.meeting,
                checkpoint=i.checkpoint,
                at=_moment(i.at),
                note=i.note,
                source=i.source,
                voided=VoidRecord(
                    reason=i.void_reason or "", at=_moment(i.voided_at), by=i.voided_by
                )
                if i.voided_at
                else None,
            )
            for row in incident_rows
            for i in (row.incident,)
        ]
        rooms = [
            RoomRecord(
                unit=code,
                name=r.name,
                at=_moment(r.at),
                equipment=Equipment(hd_display=r.hd_display, audio=r.audio, cabling=r.cabling),
                removed=r.removed,
                details=RoomDetails.model_validate(r.details) if r.details else None,
                source=r.source,
            )
            for r, code in register_repo.room_records(session)
        ]
        staffing = [
            StaffingRecord(
                unit=code,
                at=_moment(s.at),
                leaders=[Contact.model_validate(c) for c in s.leaders],
                staff=[Contact.model_validate(c) for c in s.staff],
            )
            for s, code in register_repo.staffing_records(session)
        ]
        return RecordsFile(
            format=FORMAT,
            period=PeriodRecord(year=period.year, edition=period.edition),
            units=units,
            parent_changes=parent_changes,
            meetings=meetings,
            incidents=incidents,
            rooms=rooms,
            staffing=staffing,
        )


def export_json(file: RecordsFile) -> dict[str, Any]:
    """The file as JSON data, leaving out what is empty or default so it reads like DESIGN §4."""
    data = file.model_dump(mode="json", exclude_none=True, by_alias=True)
    if not data["parent_changes"]:
        del data["parent_changes"]
    for incident in data["incidents"]:
        if incident.get("source") == "online_monitoring":
            del incident["source"]
    for room in data["rooms"]:
        if not room["removed"]:
            del room["removed"]
        if room.get("source") == "self_report":
            del room["source"]
    for entry in data["staffing"]:
        for key in ("leaders", "staff"):
            entry[key] = [c["name"] if set(c) == {"name"} else c for c in entry[key]]
    return data
