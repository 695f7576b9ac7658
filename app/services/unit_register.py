"""Editing one unit's register as a whole: versions against lost updates, preview, history.

Invariant: a save is applied only when the caller edited the latest version; it appends entries
for exactly the rooms and staffing that changed (the history stays append-only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import register as register_repo
from app.db.tables import RoomRecord, StaffingRecord
from app.db.tables import Unit as UnitRow
from app.domain.facts import RoomEntry, StaffingEntry, Unit
from app.domain.register import register_findings
from app.schemas.public import FindingPublic, RegisterChangePublic, RegisterPublic
from app.schemas.records import (
    RegisterUpdate,
    contact_of,
)
from app.schemas.records import (
    RoomRecord as RoomEntryRecord,
)
from app.schemas.records import (
    StaffingRecord as StaffingEntryRecord,
)
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Invalid, ServiceError
from app.services.finality import ensure_open
from app.services.periods import period_of_year
from app.services.presenters import finding_public, room_public, staffing_public
from app.services.register import (
    check_register_write,
    room_entry,
    room_row,
    staffing_entry,
    staffing_row,
)
from app.services.units import require_unit
from app.timezone import assessment_year, iso


class StaleVersion(ServiceError):
    status = 412


def _latest_rooms(
    session: Session, unit: UnitRow, *, until: datetime | None = None
) -> dict[str, RoomRecord]:
    latest: dict[str, RoomRecord] = {}
    for record, _ in register_repo.room_records(session, unit_id=unit.id, until=until):
        latest[record.name] = record
    return {name: r for name, r in latest.items() if not r.removed}


def _latest_staffing(
    session: Session, unit: UnitRow, *, until: datetime | None = None
) -> StaffingRecord | None:
    records = register_repo.staffing_records(session, unit_id=unit.id, until=until)
    return records[-1][0] if records else None


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
    at: datetime,
) -> list[FindingPublic]:
    _, rulebook = period_of_year(session, assessment_year(at), field="at")
    found = register_findings(
        rulebook,
        Unit(code=unit.code, name=unit.name, level=unit.level),
        rooms=rooms,
        staffing=staffing,
    )
    return [finding_public(f) for f in found]


def get_register(db: Database, *, unit_code: str, as_of: datetime | None = None) -> RegisterPublic:
    moment = as_of or utc_now()
    with db.read() as session:
        unit = require_unit(session, unit_code)
        rooms = _latest_rooms(session, unit, until=moment)
        staffing = _latest_staffing(session, unit, until=moment)
        return RegisterPublic(
            unit=unit.code,
            version=version_of(session, unit),
            as_of=iso(moment),
            rooms=[
                room_public(r, unit=unit.code) for r in sorted(rooms.values(), key=lambda r: r.name)
            ],
            staffing=staffing_public(staffing, unit=unit.code) if staffing else None,
            findings=_findings(
                session,
                unit,
                [room_entry(r, unit=unit.code) for r in rooms.values()],
                staffing_entry(staffing, unit=unit.code) if staffing else None,
                at=moment,
            ),
        )


def _desired_entries(
    unit_code: str, update: RegisterUpdate
) -> tuple[list[RoomEntry], StaffingEntry]:
    at = update.at or utc_now()
    rooms = [
        RoomEntry(unit=unit_code, name=r.name, at=at, equipment=r.equipment.model_dump())
        for r in update.rooms
    ]
    staffing = StaffingEntry(
        unit=unit_code,
        at=at,
        leaders=tuple(contact_of(p).name for p in update.staffing.leaders),
        staff=tuple(contact_of(p).name for p in update.staffing.staff),
    )
    return rooms, staffing


def _check_names(update: RegisterUpdate) -> None:
    names = [r.name for r in update.rooms]
    for index, name in enumerate(names):
        if names.index(name) != index:
            raise Invalid(f"two rooms are called {name!r}", field=f"rooms[{index}].name")


def preview(db: Database, *, unit_code: str, update: RegisterUpdate) -> list[FindingPublic]:
    """What the unit would lose under items 3–5 with this register — nothing is saved."""
    _check_names(update)
    with db.read() as session:
        unit = require_unit(session, unit_code)
        rooms, staffing = _desired_entries(unit.code, update)
        return _findings(session, unit, rooms, staffing, at=update.at or utc_now())


def _room_state(record: RoomRecord) -> dict[str, Any]:
    return {
        "equipment": {
            "hd_display": record.hd_display,
            "audio": record.audio,
            "cabling": record.cabling,
        },
        "details": record.details or {},
    }


def save(
    db: Database, *, actor: Actor, unit_code: str, update: RegisterUpdate, version: str | None
) -> RegisterPublic:
    """Apply the edited register if `version` is still the latest (If-Match)."""
    _check_names(update)
    check_register_write(actor, at=update.at, source=update.source)
    at = update.at or utc_now()
    with db.write() as tx:
        session = tx.session
        ensure_open(session, year=assessment_year(at), field="at")
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        current_version = version_of(session, unit)
        if version is not None and version != current_version:
            raise StaleVersion(
                "someone else saved this unit's register after you opened it; "
                "reload to see their changes, then edit again",
                field="If-Match",
            )
        now = utc_now()
        current = _latest_rooms(session, unit)
        kept = {r.name for r in update.rooms}
        room_rows = []
        for name in sorted(set(current) - kept):
            record = RoomEntryRecord(
                unit=unit.code, name=name, at=at, removed=True, source=update.source
            )
            room_rows.append(room_row(record, unit_id=unit.id, actor=actor, now=now))
        for room in update.rooms:
            # A renamed room is the old name removed (above) and the new name added with its state.
            details = room.details.model_dump(exclude_none=True) if room.details else {}
            state = {"equipment": room.equipment.model_dump(), "details": details}
            if room.name in current and _room_state(current[room.name]) == state:
                continue
            record = RoomEntryRecord(
                unit=unit.code,
                name=room.name,
                at=at,
                equipment=room.equipment,
                details=room.details,
                source=update.source,
            )
            room_rows.append(room_row(record, unit_id=unit.id, actor=actor, now=now))
        register_repo.insert_rooms(session, room_rows)

        staffing = _latest_staffing(session, unit)
        wanted = StaffingEntryRecord(
            unit=unit.code, at=at, leaders=update.staffing.leaders, staff=update.staffing.staff
        )
        staffing_rows = []
        row = staffing_row(wanted, unit_id=unit.id, actor=actor, now=now)
        if staffing is None or (staffing.leaders, staffing.staff) != (row["leaders"], row["staff"]):
            staffing_rows.append(row)
        register_repo.insert_staffing(session, staffing_rows)
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
                        {k: v for k, v in r.items() if k not in ("unit_id", "recorded_at", "at")}
                        for r in room_rows
                    ],
                    "staffing": [
                        {"leaders": r["leaders"], "staff": r["staff"]} for r in staffing_rows
                    ],
                    "at": iso(at),
                },
            )
    return get_register(db, unit_code=unit_code)


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
    return sorted(changes, key=lambda c: (c.recorded_at, c.at), reverse=True)
