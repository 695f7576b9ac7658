from __future__ import annotations

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import units as unit_repo
from app.db.tables import Unit
from app.schemas.public import UnitPublic
from app.schemas.records import UnitRecord
from app.services import audit
from app.services.context import Actor
from app.services.errors import Conflict, Invalid, NotFound


def public(unit: Unit, parent: str | None) -> UnitPublic:
    return UnitPublic(code=unit.code, name=unit.name, level=unit.level, parent=parent)


def list_units(db: Database) -> list[UnitPublic]:
    with db.read() as session:
        return [public(unit, parent) for unit, parent in unit_repo.with_parent_codes(session)]


def get_unit(db: Database, *, code: str) -> UnitPublic:
    with db.read() as session:
        return public(*require_unit_with_parent(session, code))


def require_unit(session: Session, code: str, *, field: str = "unit") -> Unit:
    unit = unit_repo.by_code(session, code)
    if unit is None:
        raise NotFound(f"unknown unit {code}", field=field, code="unit.not_found")
    return unit


def require_unit_with_parent(session: Session, code: str) -> tuple[Unit, str | None]:
    unit = require_unit(session, code)
    parent = unit_repo.by_id(session, unit_id=unit.parent_id) if unit.parent_id else None
    return unit, parent.code if parent else None


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


def upsert_units(session: Session, *, actor: Actor, records: list[UnitRecord]) -> int:
    """Create or update units (any order, a county before its city); returns how many changed."""
    existing = {unit.code: (unit, parent) for unit, parent in unit_repo.with_parent_codes(session)}
    check_hierarchy(
        records,
        known_levels={code: u.level for code, (u, _) in existing.items()},
        known_parents={code: parent for code, (_, parent) in existing.items()},
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
        parent_id = units[record.parent].id if record.parent else None
        if record.code in existing:
            old_unit, old_parent = existing[record.code]
            if (old_unit.name, old_unit.level, old_parent) == (
                record.name,
                record.level,
                record.parent,
            ):
                continue
            before = public(old_unit, old_parent).model_dump()
            action = "unit.updated"
        else:
            before, action = None, "unit.created"
        unit.name, unit.level, unit.parent_id = record.name, record.level, parent_id
        audit.record(
            session,
            actor=actor,
            action=action,
            entity="unit",
            entity_key=record.code,
            before=before,
            after=record.model_dump(),
        )
        changed += 1
    session.flush()
    return changed


def create_unit(db: Database, *, actor: Actor, record: UnitRecord) -> UnitPublic:
    with db.write() as tx:
        if unit_repo.by_code(tx.session, record.code) is not None:
            raise Conflict(f"unit {record.code} already exists", field="code", code="unit.exists")
        upsert_units(tx.session, actor=actor, records=[record])
        return public(*require_unit_with_parent(tx.session, record.code))
