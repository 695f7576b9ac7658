"""Standings of the 视频会议 indicator, computed from a rulebook and facts — exactly, purely.

Invariants:
- arithmetic is `Decimal` only; every figure is a whole number of hundredths;
- for every unit and item, `capped = min(cap, raw)` and `0 <= capped <= cap`;
- a city's raw figure for an item is its own venue's plus the sum of its counties';
- `deduction = min(full_marks, Σ capped)` and `score = full_marks - deduction`;
- a unit is listed only if it existed during the year, a county under each city it belonged to
  then; its incidents go to the city of their time, its derived items (3–5) only to the city it
  belongs to at `register_at`, and only if it exists then (`app.domain.units`);
- which incidents count, and on which register, is `app.domain.counting`'s rule;
- the result depends only on the facts as sets, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.domain.calendar import assessment_year
from app.domain.counting import Moments, moments_of
from app.domain.facts import IncidentFact, RoomEntry, StaffingEntry, TypeCounts, Unit
from app.domain.register import Finding, register_findings, rooms_at, staffing_at
from app.domain.rulebook import Rulebook
from app.domain.units import exists_at, exists_during, parent_at, parents_during

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
    register_at: datetime | None = None
    year: int | None = None


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


def _attributed(
    units: dict[str, Unit],
    *,
    type_counts: TypeCounts,
    moved: Iterable[IncidentFact],
    moments: Moments,
) -> dict[tuple[str, str], dict[str, int]]:
    """Occurrences per (unit, city) and type: a county's incidents go to the city of their time.

    `type_counts` hold the counting occurrences of units with one parent during the year;
    `moved` the incidents, one by one, of those that change parent in it."""
    attributed: dict[tuple[str, str], dict[str, int]] = {}

    def add(unit_code: str, city: str | None, type_code: str, count: int) -> None:
        if city is None:
            return
        counts = attributed.setdefault((unit_code, city), {})
        counts[type_code] = counts.get(type_code, 0) + count

    for (unit_code, type_code), count in type_counts.items():
        unit = units.get(unit_code)
        if unit is None:
            continue
        if unit.level == "city":
            add(unit_code, unit_code, type_code, count)
            continue
        parents = parents_during(unit, moments.year_start, moments.year_end)
        city = parents[0] if len(parents) == 1 else parent_at(unit, moments.register_at)
        add(unit_code, city, type_code, count)
    for incident in moved:
        unit = units.get(incident.unit)
        if unit is None or not moments.counts_fact(incident):
            continue
        city = incident.unit if unit.level == "city" else parent_at(unit, incident.at)
        add(incident.unit, city, incident.type_code, 1)
    return attributed


def compute_standings(
    rulebook: Rulebook,
    *,
    units: Iterable[Unit],
    type_counts: TypeCounts,
    rooms: Iterable[RoomEntry],
    staffing: Iterable[StaffingEntry],
    as_of: datetime | None = None,
    moments: Moments | None = None,
    moved: Iterable[IncidentFact] = (),
) -> Standings:
    """Standings at `moments` (or at `as_of` in its own year); `type_counts` are the occurrences
    that count then (see `app.domain.counting`)."""
    if moments is None:
        if as_of is None:
            raise ValueError("give the moments of the standings (or as_of)")
        moments = moments_of(assessment_year(as_of), as_of=as_of)
    by_code = {u.code: u for u in units}
    ordered = sorted(by_code.values(), key=lambda u: u.code)
    start, end, register_at = moments.year_start, moments.year_end, moments.register_at
    register = rooms_at(rooms, as_of=register_at)
    staffing_then = staffing_at(staffing, as_of=register_at)
    attributed = _attributed(by_code, type_counts=type_counts, moved=moved, moments=moments)

    def occurrences_of(unit: Unit, city: str) -> dict[str, int]:
        charged = exists_at(unit, register_at) and (
            unit.level == "city" or parent_at(unit, register_at) == city
        )
        findings = (
            register_findings(
                rulebook,
                unit,
                rooms=register.get(unit.code, []),
                staffing=staffing_then.get(unit.code),
            )
            if charged
            else []
        )
        return _occurrences_by_item(
            rulebook, counts=attributed.get((unit.code, city), {}), findings=findings
        )

    cities = []
    for city in (u for u in ordered if u.level == "city" and exists_during(u, start, end)):
        own_occurrences = occurrences_of(city, city.code)
        city_occurrences = dict(own_occurrences)
        counties = []
        for county in ordered:
            if county.level != "county":
                continue
            member = city.code in parents_during(county, start, end)
            if not member and (county.code, city.code) not in attributed:
                continue
            county_occurrences = occurrences_of(county, city.code)
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
    return Standings(
        rulebook.edition,
        rulebook.full_marks,
        moments.as_of,
        tuple(cities),
        register_at=register_at,
        year=moments.year,
    )


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
