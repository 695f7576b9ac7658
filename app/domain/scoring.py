"""Standings of the 视频会议 indicator, computed from a rulebook and facts — exactly, purely.

Invariants:
- arithmetic is `Decimal` only; every figure is a whole number of hundredths;
- for every unit and item, `capped = min(cap, raw)` and `0 <= capped <= cap`;
- a city's raw figure for an item is its own venue's plus the sum of its counties';
- `deduction = min(full_marks, Σ capped)` and `score = full_marks - deduction`;
- the result depends only on the facts as sets, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.domain.facts import RoomEntry, StaffingEntry, TypeCounts, Unit
from app.domain.register import Finding, register_findings, rooms_at, staffing_at
from app.domain.rulebook import Rulebook

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ItemScore:
    code: str
    cap: Decimal
    raw: Decimal
    capped: Decimal
    occurrences: int


@dataclass(frozen=True)
class UnitScore:
    code: str
    name: str
    deduction: Decimal
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class CityScore:
    code: str
    name: str
    score: Decimal
    deduction: Decimal
    items: tuple[ItemScore, ...]
    counties: tuple[UnitScore, ...]
    own: UnitScore


@dataclass(frozen=True)
class Standings:
    edition: str
    full_marks: Decimal
    as_of: datetime
    cities: tuple[CityScore, ...]


def _occurrences_by_item(
    rulebook: Rulebook,
    *,
    counts: Mapping[str, int],
    findings: Sequence[Finding],
) -> dict[str, int]:
    occurrences = {item.code: 0 for item in rulebook.items}
    types = rulebook.types
    for type_code, count in counts.items():
        occurrence_type = types.get(type_code)
        if occurrence_type is None:
            raise ValueError(f"type {type_code!r} is not in edition {rulebook.edition}")
        occurrences[occurrence_type.item_code] += count
    for finding in findings:
        occurrences[finding.item_code] += finding.occurrences
    return occurrences


def _item_scores(rulebook: Rulebook, occurrences: Mapping[str, int]) -> tuple[ItemScore, ...]:
    scores = []
    for item in rulebook.items:
        count = occurrences[item.code]
        raw = item.points * count
        scores.append(ItemScore(item.code, item.cap, raw, min(item.cap, raw), count))
    return tuple(scores)


def _deduction(rulebook: Rulebook, items: Iterable[ItemScore]) -> Decimal:
    return min(rulebook.full_marks, sum((i.capped for i in items), ZERO))


def _unit_score(rulebook: Rulebook, unit: Unit, occurrences: Mapping[str, int]) -> UnitScore:
    items = _item_scores(rulebook, occurrences)
    return UnitScore(unit.code, unit.name, _deduction(rulebook, items), items)


def compute_standings(
    rulebook: Rulebook,
    *,
    units: Iterable[Unit],
    type_counts: TypeCounts,
    rooms: Iterable[RoomEntry],
    staffing: Iterable[StaffingEntry],
    as_of: datetime,
) -> Standings:
    """Standings at `as_of`; `type_counts` are the occurrences that count at that moment."""
    units = sorted(set(units), key=lambda u: u.code)
    register = rooms_at(rooms, as_of=as_of)
    staffing_now = staffing_at(staffing, as_of=as_of)
    counts_by_unit: dict[str, dict[str, int]] = {}
    for (unit_code, type_code), count in type_counts.items():
        counts_by_unit.setdefault(unit_code, {})[type_code] = count

    def occurrences_of(unit: Unit) -> dict[str, int]:
        findings = register_findings(
            rulebook, unit, rooms=register.get(unit.code, []), staffing=staffing_now.get(unit.code)
        )
        return _occurrences_by_item(
            rulebook, counts=counts_by_unit.get(unit.code, {}), findings=findings
        )

    cities = []
    for city in (u for u in units if u.level == "city"):
        own_occurrences = occurrences_of(city)
        city_occurrences = dict(own_occurrences)
        counties = []
        for county in (u for u in units if u.level == "county" and u.parent == city.code):
            county_occurrences = occurrences_of(county)
            for code, count in county_occurrences.items():
                city_occurrences[code] += count
            counties.append(_unit_score(rulebook, county, county_occurrences))
        items = _item_scores(rulebook, city_occurrences)
        deduction = _deduction(rulebook, items)
        cities.append(
            CityScore(
                code=city.code,
                name=city.name,
                score=rulebook.full_marks - deduction,
                deduction=deduction,
                items=items,
                counties=tuple(counties),
                own=_unit_score(rulebook, city, own_occurrences),
            )
        )
    return Standings(rulebook.edition, rulebook.full_marks, as_of, tuple(cities))


def unit_findings(
    rulebook: Rulebook,
    unit: Unit,
    *,
    rooms: Iterable[RoomEntry],
    staffing: Iterable[StaffingEntry],
    as_of: datetime,
) -> list[Finding]:
    """The explanation lines of one unit's derived items at `as_of`."""
    register = rooms_at(rooms, as_of=as_of)
    staffing_now = staffing_at(staffing, as_of=as_of)
    return register_findings(
        rulebook, unit, rooms=register.get(unit.code, []), staffing=staffing_now.get(unit.code)
    )
