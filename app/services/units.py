from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import units as unit_repo
from app.db.tables import Unit, UnitParentChange
from app.domain import facts
from app.domain.units import parent_at
from app.schemas.public import ParentChangePublic, UnitPublic
from app.schemas.records import ParentChangeRecord, UnitRecord
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid, NotFound
from app.services.finality import ensure_open


def unit_facts(session: Session) -> list[facts.Unit]:
    """Every unit with its dates and dated parents, as the domain reads them."""
    changes: dict[str, list[tuple[date, str]]] = {}
    for code, day, parent in unit_repo.parent_changes(session):
        changes.setdefault(code, []).append((day, parent))
    return [
        facts.Unit(
            code=unit.code,
            name=unit.name,
            level=unit.level,
            parent=parent,
            established=unit.established,
            abolished=unit.abolished,
            parent_changes=tuple(changes.get(unit.code, ())),
        )
        for unit, parent in unit_repo.with_parent_codes(session)
    ]


def public_of_fact(unit: facts.Unit, *, now: datetime) -> UnitPublic:
    return UnitPublic(
        code=unit.code,
        name=unit.name,
        level=unit.level,
        parent=parent_at(unit, now),
        established=unit.established.isoformat() if unit.established else None,
        abolished=unit.abolished.isoformat() if unit.abolished else None,
        parent_changes=[
            ParentChangePublic(parent=parent, from_day=day.isoformat())
            for day, parent in unit.parent_changes
        ],
    )


def list_units(db: Database) -> list[UnitPublic]:
    now = utc_now()
    with db.read() as session:
        return [public_of_fact(u, now=now) for u in unit_facts(session)]


def get_unit(db: Database, *, code: str) -> UnitPublic:
    now = utc_now()
    with db.read() as session:
        require_unit(session, code)
        (unit,) = [u for u in unit_facts(session) if u.code == code]
        return public_of_fact(unit, now=now)


def require_unit(session: Session, code: str, *, field: str = "unit") -> Unit:
    unit = unit_repo.by_code(session, code)
    if unit is None:
        raise NotFound(f"unknown unit {code}", field=field, code="unit.not_found")
    return unit


def check_hierarchy(
    records: list[UnitRecord],
    *,
    known_levels: dict[str, str],
    known_parents: dict[str, str | None] | None = None,
) -> None:
    """Cities have no parent; every county's parent is a city, in the batch or already known;
    a city that keeps counties cannot become a county (they would drop out of the standings)."""
    levels = dict(known_levels)
    levels.update({r.code: r.level for r in records})
    seen: set[str] = set()
    for index, record in enumerate(records):
        where = f"units[{index}]"
        if record.code in seen:
            raise Invalid(
                f"unit {record.code} is listed twice", field=f"{where}.code", code="units.duplicate"
            )
        seen.add(record.code)
        if record.level == "city" and record.parent is not None:
            raise Invalid(
                f"city {record.code} cannot have a parent",
                field=f"{where}.parent",
                code="units.city_with_parent",
            )
        if record.level == "county":
            if record.parent is None:
                raise Invalid(
                    f"county {record.code} needs its city",
                    field=f"{where}.parent",
                    code="units.county_without_city",
                )
            if levels.get(record.parent) != "city":
                raise Invalid(
                    f"county {record.code}: parent {record.parent} is not a known city",
                    field=f"{where}.parent",
                    code="units.unknown_city",
                )
        if (
            record.established is not None
            and record.abolished is not None
            and record.abolished <= record.established
        ):
            raise Invalid(
                f"unit {record.code} would be abolished before it is established",
                field=f"{where}.abolished",
                code="unit.abolished_before_established",
            )
    parents = dict(known_parents or {})
    parents.update({r.code: r.parent for r in records})
    counties_of: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            counties_of.setdefault(parent, []).append(code)
    for index, record in enumerate(records):
        if record.level == "county" and record.code in counties_of:
            raise Invalid(
                f"unit {record.code} cannot become a county while "
                f"{', '.join(sorted(counties_of[record.code]))} belong to it",
                field=f"units[{index}].level",
                code="units.city_has_counties",
            )


def _check_unchanged_standing(
    record: UnitRecord, *, index: int, unit: Unit, parent: str | None
) -> None:
    """An import never silently re-levels or re-parents a unit: the level is fixed (a unit that
    changes level gets a new code, abolishing the old), a new city is a dated parent change."""
    where = f"units[{index}]"
    if record.level != unit.level:
        raise Invalid(
            f"unit {record.code} is a {unit.level}; a file cannot make it a {record.level} "
            "(abolish it and establish the new unit under its own code)",
            field=f"{where}.level",
            code="unit.level_fixed",
        )
    if record.parent != parent:
        raise Invalid(
            f"unit {record.code} started under {parent}; a file moves it to {record.parent} only "
            'by a dated entry in "parent_changes" ({"code", "parent", "from"})',
            field=f"{where}.parent",
            code="unit.parent_undated",
        )


def _check_dates_open(
    session: Session, record: UnitRecord, *, unit: Unit | None, index: int
) -> None:
    for name in ("established", "abolished"):
        new: date | None = getattr(record, name)
        old: date | None = getattr(unit, name) if unit is not None else None
        if new is not None and new != old:
            ensure_open(session, year=new.year, field=f"units[{index}].{name}")
        if old is not None and new is not None and new != old:
            ensure_open(session, year=old.year, field=f"units[{index}].{name}")


def upsert_units(session: Session, *, actor: Actor, records: list[UnitRecord]) -> int:
    """Create or update units (any order, a county before its city); returns how many changed.
    A record leaving out `established` or `abolished` keeps what the unit has."""
    existing = {unit.code: (unit, parent) for unit, parent in unit_repo.with_parent_codes(session)}
    check_hierarchy(
        records,
        known_levels={code: u.level for code, (u, _) in existing.items()},
        known_parents={code: parent for code, (_, parent) in existing.items()},
    )
    for index, record in enumerate(records):
        if record.code in existing:
            unit, parent = existing[record.code]
            _check_unchanged_standing(record, index=index, unit=unit, parent=parent)
        _check_dates_open(
            session,
            record,
            unit=existing[record.code][0] if record.code in existing else None,
            index=index,
        )
    units = {code: unit for code, (unit, _) in existing.items()}
    for record in records:
        if record.code not in units:
            units[record.code] = Unit(code=record.code, name=record.name, level=record.level)
            session.add(units[record.code])
    session.flush()  # every unit has its id before parents are linked

    changed = 0
    for record in records:
        unit = units[record.code]
        established = record.established or unit.established
        abolished = record.abolished or unit.abolished
        if established is not None and abolished is not None and abolished <= established:
            raise Invalid(
                f"unit {record.code} would be abolished before it is established",
                field="abolished",
                code="unit.abolished_before_established",
            )
        if record.code in existing:
            old_unit, old_parent = existing[record.code]
            if (old_unit.name, old_unit.established, old_unit.abolished) == (
                record.name,
                established,
                abolished,
            ):
                continue
            before = _unit_state(old_unit, old_parent)
            action = "unit.updated"
        else:
            before, action = None, "unit.created"
            unit.parent_id = units[record.parent].id if record.parent else None
        unit.name, unit.established, unit.abolished = record.name, established, abolished
        audit.record(
            session,
            actor=actor,
            action=action,
            entity="unit",
            entity_key=record.code,
            before=before,
            after=_unit_state(unit, record.parent),
        )
        changed += 1
    session.flush()
    return changed


def _unit_state(unit: Unit, parent: str | None) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent": parent,
        "established": unit.established.isoformat() if unit.established else None,
        "abolished": unit.abolished.isoformat() if unit.abolished else None,
    }


def add_parent_changes(session: Session, *, actor: Actor, records: list[ParentChangeRecord]) -> int:
    """Record dated parent changes (a change already recorded the same is left as it is)."""
    if not records:
        return 0
    units = {u.code: u for u in unit_repo.all_units(session)}
    known = {(code, day): parent for code, day, parent in unit_repo.parent_changes(session)}
    added = 0
    for index, record in enumerate(records):
        where = f"parent_changes[{index}]"
        unit, parent = units.get(record.code), units.get(record.parent)
        if unit is None:
            raise Invalid(
                f"unknown unit {record.code}", field=f"{where}.code", code="records.unknown_unit"
            )
        if unit.level != "county":
            raise Invalid(
                f"unit {record.code} is a city: it has no parent",
                field=f"{where}.code",
                code="unit.city_has_no_parent",
            )
        if parent is None or parent.level != "city":
            raise Invalid(
                f"parent {record.parent} is not a known city",
                field=f"{where}.parent",
                code="units.unknown_city",
            )
        current = known.get((record.code, record.from_day))
        if current == record.parent:
            continue
        if current is not None:
            raise Conflict(
                f"unit {record.code} already changes to {current} on {record.from_day}",
                field=where,
                code="unit.parent_change_conflict",
            )
        ensure_open(session, year=record.from_day.year, field=f"{where}.from")
        assert unit.id is not None and parent.id is not None
        unit_repo.add_parent_change(
            session,
            UnitParentChange(
                unit_id=unit.id,
                parent_id=parent.id,
                from_day=record.from_day,
                recorded_by=actor.username,
                recorded_at=utc_now(),
            ),
        )
        known[(record.code, record.from_day)] = record.parent
        audit.record(
            session,
            actor=actor,
            action="unit.parent_changed",
            entity="unit",
            entity_key=record.code,
            after=record.model_dump(mode="json", by_alias=True),
        )
        added += 1
    session.flush()
    return added


def create_unit(db: Database, *, actor: Actor, record: UnitRecord) -> UnitPublic:
    with db.write() as tx:
        if unit_repo.by_code(tx.session, record.code) is not None:
            raise Conflict(f"unit {record.code} already exists", field="code", code="unit.exists")
        upsert_units(tx.session, actor=actor, records=[record])
    return get_unit(db, code=record.code)


def require_unit_with_parent(session: Session, code: str) -> tuple[Unit, str | None]:
    unit = require_unit(session, code)
    parent = unit_repo.by_id(session, unit_id=unit.parent_id) if unit.parent_id else None
    return unit, parent.code if parent else None
