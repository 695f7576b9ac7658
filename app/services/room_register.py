"""The room register and staffing of a unit: read at a moment, edited as a whole, explained.

Invariants: the history is append-only. Every change goes through `_write`, the one write path:
it applies the register as it should be from a moment `at` (never later than now plus a minute of
clock skew), appends entries for exactly the rooms and staffing that differ from the register at
`at`, and audits them in the same transaction; a save naming a version is applied only when that
version is still the latest. The state at a moment is always the domain's `rooms_at`/`staffing_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import people as people_repo
from app.db.repositories import periods as period_repo
from app.db.repositories import register as register_repo
from app.db.tables import RoomRecord, StaffingRecord
from app.db.tables import Unit as UnitRow
from app.domain.counting import moments_of
from app.domain.facts import RoomEntry, StaffingEntry, Unit
from app.domain.register import register_findings, rooms_at, staffing_at
from app.roles import COUNTY_IT
from app.schemas.public import (
    FindingPublic,
    RegisterChangePublic,
    RegisterPublic,
    RoomPublic,
    StaffingPublic,
)
from app.schemas.records import (
    RegisterUpdate,
    RoomCreate,
    RoomState,
    StaffingCreate,
    StaffingState,
    contact_of,
)
from app.schemas.records import RoomRecord as RoomEntryRecord
from app.schemas.records import StaffingRecord as StaffingEntryRecord
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Forbidden, Invalid, NotFound, ServiceError
from app.services.finality import ensure_open
from app.services.periods import period_of_year
from app.services.presenters import finding_public, room_public, staffing_public
from app.services.units import require_unit
from app.timezone import assessment_year, iso

BACKDATING_TOLERANCE = timedelta(minutes=5)
# Clocks of the browser, the server and the database may disagree a little; beyond that, a change
# dated ahead would clear items 3–5 for a year-end table before the room exists.
CLOCK_SKEW = timedelta(minutes=1)


RegisterSource = Literal["self_report", "onsite_inspection"]


class StaleVersion(ServiceError):
    status = 412


def check_register_write(actor: Actor, *, at: datetime | None, source: str | None) -> None:
    """County staff report their register as it is from now on; entries dated in the past and
    on-site inspection findings are made by inspectors (admins)."""
    if actor.role != COUNTY_IT:
        return
    if source not in (None, "self_report"):
        raise Forbidden(
            "county staff report as self_report (自评上报)",
            field="source",
            code="register.source_forbidden",
        )
    if at is not None and at < utc_now() - BACKDATING_TOLERANCE:
        raise Forbidden(
            "county staff cannot date a change in the past", field="at", code="register.past_date"
        )


def check_not_future(at: datetime, *, now: datetime, field: str = "at") -> None:
    """Nobody dates the register ahead of the clock (beyond skew): the future is not a fact."""
    if at > now + CLOCK_SKEW:
        raise Invalid(
            f"a register change cannot be dated in the future ({iso(at)} is after {iso(now)})",
            field=field,
            code="register.future",
        )


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


def _rooms_at(session: Session, unit: UnitRow, *, at: datetime) -> dict[str, RoomRecord]:
    """The unit's rooms at `at` by name, as the domain decides the latest state of each."""
    records = {r.id or 0: r for r, _ in register_repo.room_records(session, unit_id=unit.id)}
    entries = [room_entry(r, unit=unit.code) for r in records.values()]
    latest = rooms_at(entries, as_of=at).get(unit.code, [])
    return {entry.name: records[entry.seq] for entry in latest}


def _staffing_at(session: Session, unit: UnitRow, *, at: datetime) -> StaffingRecord | None:
    records = {s.id or 0: s for s, _ in register_repo.staffing_records(session, unit_id=unit.id)}
    entries = [staffing_entry(s, unit=unit.code) for s in records.values()]
    latest = staffing_at(entries, as_of=at).get(unit.code)
    return records[latest.seq] if latest is not None else None


def version_of(session: Session, unit: UnitRow) -> str:
    rooms = register_repo.room_records(session, unit_id=unit.id)
    staffing = register_repo.staffing_records(session, unit_id=unit.id)
    newest = max([r.id or 0 for r, _ in rooms] + [s.id or 0 for s, _ in staffing] + [0])
    return f"{len(rooms)}.{len(staffing)}.{newest}"


def _findings(
    session: Session,
    unit: UnitRow,
    rooms: list[RoomEntry],
    staffing: StaffingEntry | None,
    *,
    year: int,
    field: str = "at",
) -> list[FindingPublic]:
    _, rulebook = period_of_year(session, year, field=field)
    found = register_findings(
        rulebook,
        Unit(code=unit.code, name=unit.name, level=unit.level),
        rooms=rooms,
        staffing=staffing,
    )
    return [finding_public(f) for f in found]


def _state_findings(
    session: Session, unit: UnitRow, *, at: datetime, year: int, field: str = "at"
) -> list[FindingPublic]:
    rooms = _rooms_at(session, unit, at=at)
    staffing = _staffing_at(session, unit, at=at)
    return _findings(
        session,
        unit,
        [room_entry(r, unit=unit.code) for r in rooms.values()],
        staffing_entry(staffing, unit=unit.code) if staffing else None,
        year=year,
        field=field,
    )


# Reading


def get_register(db: Database, *, unit_code: str, as_of: datetime | None = None) -> RegisterPublic:
    moment = as_of or utc_now()
    with db.read() as session:
        unit = require_unit(session, unit_code)
        rooms = _rooms_at(session, unit, at=moment)
        staffing = _staffing_at(session, unit, at=moment)
        year = assessment_year(moment)
        return RegisterPublic(
            unit=unit.code,
            version=version_of(session, unit),
            as_of=iso(moment),
            rooms=[room_public(rooms[name], unit=unit.code) for name in sorted(rooms)],
            staffing=staffing_public(staffing, unit=unit.code) if staffing else None,
            findings=_state_findings(session, unit, at=moment, year=year)
            # Without a period the year has no rulebook, so nothing to explain yet; the register
            # itself is still shown (and a save is never answered with an error after its commit).
            if period_repo.by_year(session, year) is not None
            else [],
        )


def rooms_of(db: Database, *, unit_code: str, as_of: datetime | None) -> list[RoomPublic]:
    """The rooms of the unit at `as_of` (default now)."""
    moment = as_of or utc_now()
    with db.read() as session:
        unit = require_unit(session, unit_code)
        rooms = _rooms_at(session, unit, at=moment)
        return [room_public(rooms[name], unit=unit.code) for name in sorted(rooms)]


def room_history(db: Database, *, unit_code: str) -> list[RoomPublic]:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        return [
            room_public(r, unit=code)
            for r, code in register_repo.room_records(session, unit_id=unit.id)
        ]


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
        unit = require_unit(session, unit_code)
        return _state_findings(
            session, unit, at=moments.register_at, year=moments.year, field="year"
        )


def _room_state(record: RoomRecord) -> dict[str, Any]:
    return {
        "equipment": {
            "hd_display": record.hd_display,
            "audio": record.audio,
            "cabling": record.cabling,
        },
        "details": record.details or {},
    }


def history(db: Database, *, unit_code: str) -> list[RegisterChangePublic]:
    """Every change of the unit's register and staffing, newest first, with before → after."""
    changes: list[RegisterChangePublic] = []
    with db.read() as session:
        unit = require_unit(session, unit_code)
        previous_room: dict[str, dict[str, Any]] = {}
        for record, _ in register_repo.room_records(session, unit_id=unit.id):
            after = {**_room_state(record), "removed": record.removed}
            changes.append(
                RegisterChangePublic(
                    kind="room",
                    name=record.name,
                    at=iso(record.at),
                    recorded_by=record.recorded_by,
                    recorded_at=iso(record.recorded_at),
                    source=record.source,
                    before=previous_room.get(record.name),
                    after=after,
                )
            )
            previous_room[record.name] = after
        previous_staffing: dict[str, Any] | None = None
        for staffing, _ in register_repo.staffing_records(session, unit_id=unit.id):
            after = {"leaders": staffing.leaders, "staff": staffing.staff}
            changes.append(
                RegisterChangePublic(
                    kind="staffing",
                    name=None,
                    at=iso(staffing.at),
                    recorded_by=staffing.recorded_by,
                    recorded_at=iso(staffing.recorded_at),
                    source=None,
                    before=previous_staffing,
                    after=after,
                )
            )
            previous_staffing = after
        names = people_repo.display_names(session, [c.recorded_by for c in changes])
    named = [
        c.model_copy(update={"recorded_by_name": names.get(c.recorded_by or "")}) for c in changes
    ]
    return sorted(named, key=lambda c: (c.recorded_at, c.at), reverse=True)


# Changing


def _check_names(update: RegisterUpdate) -> None:
    names = [r.name for r in update.rooms]
    for index, name in enumerate(names):
        if names.index(name) != index:
            raise Invalid(
                f"two rooms are called {name!r}",
                field=f"rooms[{index}].name",
                code="register.duplicate_room",
            )


def preview(db: Database, *, unit_code: str, update: RegisterUpdate) -> list[FindingPublic]:
    """What the unit would lose under items 3–5 with this register — nothing is saved."""
    _check_names(update)
    at = update.at or utc_now()
    with db.read() as session:
        unit = require_unit(session, unit_code)
        rooms = [
            RoomEntry(unit=unit.code, name=r.name, at=at, equipment=r.equipment.model_dump())
            for r in update.rooms
        ]
        staffing = StaffingEntry(
            unit=unit.code,
            at=at,
            leaders=tuple(contact_of(p).name for p in update.staffing.leaders),
            staff=tuple(contact_of(p).name for p in update.staffing.staff),
        )
        return _findings(session, unit, rooms, staffing, year=assessment_year(at))


def _write(
    session: Session,
    *,
    actor: Actor,
    unit: UnitRow,
    at: datetime,
    source: RegisterSource | None,
    rooms: Mapping[str, RoomState | None],
    staffing: StaffingState | None,
    whole: bool,
    version: str | None,
) -> tuple[list[RoomRecord], list[StaffingRecord]]:
    """Make the unit's register from `at` on what is asked, appending only what differs.

    `rooms` maps a name to its wanted state, or to None for a room taken out; with `whole`, every
    room of the register at `at` not named is taken out too. `staffing` None leaves it as it is.
    """
    assert unit.id is not None
    check_register_write(actor, at=at, source=source)
    now = utc_now()
    check_not_future(at, now=now)
    ensure_open(session, year=assessment_year(at), field="at")
    current_version = version_of(session, unit)
    if version is not None and version != current_version:
        raise StaleVersion(
            "someone else saved this unit's register after you opened it; "
            "reload to see their changes, then edit again",
            field="If-Match",
            code="register.stale",
        )
    current = _rooms_at(session, unit, at=at)
    wanted: dict[str, RoomState | None] = dict(rooms)
    if whole:
        wanted.update({name: None for name in current if name not in rooms})
    room_rows: list[RoomRecord] = []
    for name in sorted(wanted):
        room = wanted[name]
        if room is None:
            if name not in current:
                continue
            record = RoomEntryRecord(unit=unit.code, name=name, at=at, removed=True, source=source)
        else:
            # A renamed room is the old name taken out and the new name added with its state.
            details = room.details.model_dump(exclude_none=True) if room.details else {}
            state = {"equipment": room.equipment.model_dump(), "details": details}
            if name in current and _room_state(current[name]) == state:
                continue
            record = RoomEntryRecord(
                unit=unit.code,
                name=name,
                at=at,
                equipment=room.equipment,
                details=room.details,
                source=source,
            )
        room_rows.append(
            RoomRecord.model_validate(room_row(record, unit_id=unit.id, actor=actor, now=now))
        )

    staffing_rows: list[StaffingRecord] = []
    if staffing is not None:
        present = _staffing_at(session, unit, at=at)
        entry = StaffingEntryRecord(
            unit=unit.code, at=at, leaders=staffing.leaders, staff=staffing.staff
        )
        row = staffing_row(entry, unit_id=unit.id, actor=actor, now=now)
        if present is None or (present.leaders, present.staff) != (row["leaders"], row["staff"]):
            staffing_rows.append(StaffingRecord.model_validate(row))

    register_repo.add_entries(session, rooms=room_rows, staffing=staffing_rows)
    if room_rows or staffing_rows:
        audit.record(
            session,
            actor=actor,
            action="register.saved",
            entity="register",
            entity_key=unit.code,
            before={"version": current_version},
            after={
                "rooms": [
                    {
                        "name": r.name,
                        "hd_display": r.hd_display,
                        "audio": r.audio,
                        "cabling": r.cabling,
                        "removed": r.removed,
                        "details": r.details,
                        "source": r.source,
                        "recorded_by": r.recorded_by,
                    }
                    for r in room_rows
                ],
                "staffing": [{"leaders": s.leaders, "staff": s.staff} for s in staffing_rows],
                "at": iso(at),
            },
        )
    return room_rows, staffing_rows


def save(
    db: Database, *, actor: Actor, unit_code: str, update: RegisterUpdate, version: str | None
) -> RegisterPublic:
    """Apply the edited register if `version` is still the latest (If-Match)."""
    _check_names(update)
    with db.write() as tx:
        unit = require_unit(tx.session, unit_code)
        _write(
            tx.session,
            actor=actor,
            unit=unit,
            at=update.at or utc_now(),
            source=update.source,
            rooms={room.name: room for room in update.rooms},
            staffing=update.staffing,
            whole=True,
            version=version,
        )
    return get_register(db, unit_code=unit_code)


def record_room(db: Database, *, actor: Actor, record: RoomCreate) -> RoomPublic:
    """One room's state from `record.at` (default now), written as a save of the register that
    changes that room alone."""
    at = record.at or utc_now()
    wanted = (
        None
        if record.removed
        else RoomState(name=record.name, equipment=record.equipment, details=record.details)
    )
    with db.write() as tx:
        unit = require_unit(tx.session, record.unit)
        rows, _ = _write(
            tx.session,
            actor=actor,
            unit=unit,
            at=at,
            source=record.source or "self_report",
            rooms={record.name: wanted},
            staffing=None,
            whole=False,
            version=None,
        )
        if rows:
            return room_public(rows[0], unit=unit.code)
        current = _rooms_at(tx.session, unit, at=at).get(record.name)
        if current is None:
            raise NotFound(
                f"{unit.code} has no room {record.name!r} at {iso(at)} to take out",
                field="name",
                code="register.no_room",
            )
        return room_public(current, unit=unit.code)


def record_staffing(db: Database, *, actor: Actor, record: StaffingCreate) -> StaffingPublic:
    """The unit's staffing from `record.at` (default now), written as a save of the register
    that changes the staffing alone."""
    at = record.at or utc_now()
    with db.write() as tx:
        unit = require_unit(tx.session, record.unit)
        _, rows = _write(
            tx.session,
            actor=actor,
            unit=unit,
            at=at,
            source=None,
            rooms={},
            staffing=StaffingState(leaders=record.leaders, staff=record.staff),
            whole=False,
            version=None,
        )
        current = rows[0] if rows else _staffing_at(tx.session, unit, at=at)
        assert current is not None  # the staffing asked for is the one in force at `at`
        return staffing_public(current, unit=unit.code)
