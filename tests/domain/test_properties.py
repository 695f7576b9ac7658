"""Properties of the scoring engine over generated units, incidents, rooms and staffing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.counting import incident_counts
from app.domain.facts import (
    EQUIPMENT,
    IncidentFact,
    RoomEntry,
    StaffingEntry,
    Unit,
)
from app.domain.rulebook import Rulebook, load_edition
from app.domain.scoring import CityScore, ItemScore, Standings, UnitScore, compute_standings

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR_START = datetime(2019, 1, 1, tzinfo=SHANGHAI)
YEAR_END = datetime(2019, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
SECONDS_IN_YEAR = int((YEAR_END - YEAR_START).total_seconds())
# A few shared moments make ties between records (same `at`) common.
LANDMARKS = [
    YEAR_START,
    datetime(2019, 3, 5, 9, tzinfo=SHANGHAI),
    datetime(2019, 7, 1, tzinfo=SHANGHAI),
]
ROOM_NAMES = ["1号会议室", "2号会议室", "3号会议室", "4号会议室"]
PEOPLE: list[tuple[str, ...]] = [(), ("张三",), ("李四",), ("张三", "王五")]
CENT = Decimal("0.01")
EQUIPMENT_STATES = [
    {key: bool(present >> bit & 1) for bit, key in enumerate(EQUIPMENT)}
    for present in range(2 ** len(EQUIPMENT))
]

EXAMPLES = settings(max_examples=100, deadline=None)

moments = st.one_of(
    st.sampled_from(LANDMARKS),
    st.integers(0, SECONDS_IN_YEAR).map(lambda s: YEAR_START + timedelta(seconds=s)),
)


@dataclass(frozen=True)
class Scenario:
    rulebook: Rulebook
    units: list[Unit]
    incidents: list[IncidentFact]
    rooms: list[RoomEntry]
    staffing: list[StaffingEntry]
    as_of: datetime


def make_units(counties_per_city: list[int]) -> list[Unit]:
    units = []
    for city_index, county_count in enumerate(counties_per_city, start=1):
        city = Unit(f"35{city_index:02d}00", f"市{city_index}", "city")
        units.append(city)
        units += [
            Unit(f"35{city_index:02d}{n:02d}", f"县{city_index}-{n}", "county", parent=city.code)
            for n in range(1, county_count + 1)
        ]
    return units


def incident_group(
    unit: str, type_code: str, seen_at: datetime, voided_at: datetime | None, repeated: int
) -> list[IncidentFact]:
    return [IncidentFact(unit, type_code, seen_at, voided_at)] * repeated


def incident_groups(
    codes: st.SearchStrategy[str], type_codes: st.SearchStrategy[str]
) -> st.SearchStrategy[list[IncidentFact]]:
    return st.builds(
        incident_group, codes, type_codes, moments, st.none() | moments, st.integers(1, 25)
    )


def room_entries(codes: st.SearchStrategy[str]) -> st.SearchStrategy[RoomEntry]:
    return st.builds(
        RoomEntry,
        codes,
        st.sampled_from(ROOM_NAMES),
        moments,
        st.sampled_from(EQUIPMENT_STATES),
        removed=st.booleans(),
        seq=st.integers(0, 3),
    )


def staffing_entries(codes: st.SearchStrategy[str]) -> st.SearchStrategy[StaffingEntry]:
    people = st.sampled_from(PEOPLE)
    return st.builds(StaffingEntry, codes, moments, people, people, seq=st.integers(0, 3))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    rulebook = load_edition(draw(st.sampled_from(["2017", "2019"])))
    units = make_units(draw(st.lists(st.integers(0, 5), min_size=1, max_size=3)))
    codes = st.sampled_from([u.code for u in units])
    # A handful of types per scenario, so that items reach their caps now and then.
    favoured = draw(st.lists(st.sampled_from(sorted(rulebook.types)), min_size=1, max_size=3))
    groups = draw(st.lists(incident_groups(codes, st.sampled_from(favoured)), max_size=12))
    return Scenario(
        rulebook=rulebook,
        units=units,
        incidents=[incident for group in groups for incident in group],
        rooms=draw(st.lists(room_entries(codes), max_size=10)),
        staffing=draw(st.lists(staffing_entries(codes), max_size=8)),
        as_of=draw(st.one_of(st.just(YEAR_END), moments)),
    )


def standings_of(scenario: Scenario) -> Standings:
    return compute_standings(
        scenario.rulebook,
        units=scenario.units,
        type_counts=incident_counts(scenario.incidents, as_of=scenario.as_of),
        rooms=scenario.rooms,
        staffing=scenario.staffing,
        as_of=scenario.as_of,
    )


def scored_units(standings: Standings) -> Iterator[CityScore | UnitScore]:
    for city in standings.cities:
        yield city
        yield city.own
        yield from city.counties


def all_items(standings: Standings) -> Iterator[ItemScore]:
    for unit in scored_units(standings):
        yield from unit.items


@given(scenarios())
@EXAMPLES
def test_capped_never_exceeds_the_cap(scenario: Scenario) -> None:
    for item in all_items(standings_of(scenario)):
        assert item.cap == scenario.rulebook.item(item.code).cap
        assert item.capped == min(item.cap, item.raw)
        assert Decimal(0) <= item.capped <= item.cap


@given(scenarios())
@EXAMPLES
def test_deduction_is_between_zero_and_full_marks_and_score_is_the_rest(
    scenario: Scenario,
) -> None:
    standings = standings_of(scenario)

    assert len(standings.cities) == len([u for u in scenario.units if u.level == "city"])
    for unit in scored_units(standings):
        assert Decimal("0.00") <= unit.deduction <= Decimal("10.00")
        assert unit.deduction == min(Decimal("10.00"), sum(i.capped for i in unit.items))
    for city in standings.cities:
        assert city.score == Decimal("10.00") - city.deduction
        assert city.score >= 0


@given(scenarios(), st.randoms(use_true_random=False))
@EXAMPLES
def test_result_does_not_depend_on_record_order(scenario: Scenario, rnd: random.Random) -> None:
    shuffled = replace(
        scenario,
        units=rnd.sample(scenario.units, len(scenario.units)),
        incidents=rnd.sample(scenario.incidents, len(scenario.incidents)),
        rooms=rnd.sample(scenario.rooms, len(scenario.rooms)),
        staffing=rnd.sample(scenario.staffing, len(scenario.staffing)),
    )

    assert standings_of(shuffled) == standings_of(scenario)


@given(scenarios())
@EXAMPLES
def test_city_raw_is_own_raw_plus_its_counties_raw(scenario: Scenario) -> None:
    for city in standings_of(scenario).cities:
        for index, item in enumerate(city.items):
            parts = [city.own.items[index], *(c.items[index] for c in city.counties)]
            assert {p.code for p in parts} == {item.code}
            assert item.raw == sum(p.raw for p in parts)
            assert item.occurrences == sum(p.occurrences for p in parts)
            assert all(p.capped <= item.capped for p in parts)


@given(scenarios(), st.data())
@EXAMPLES
def test_incidents_voided_at_or_before_as_of_never_count(
    scenario: Scenario, data: st.DataObject
) -> None:
    codes = st.sampled_from([u.code for u in scenario.units])
    type_codes = st.sampled_from(sorted(scenario.rulebook.types))
    span = int((scenario.as_of - YEAR_START).total_seconds())
    before_as_of = st.integers(0, span).map(lambda s: YEAR_START + timedelta(seconds=s))
    voided = data.draw(
        st.lists(
            st.builds(IncidentFact, codes, type_codes, moments, before_as_of),
            min_size=1,
            max_size=20,
        )
    )

    with_voided = replace(scenario, incidents=scenario.incidents + voided)

    assert standings_of(with_voided) == standings_of(scenario)


@given(scenarios())
@EXAMPLES
def test_every_figure_is_a_whole_number_of_hundredths(scenario: Scenario) -> None:
    standings = standings_of(scenario)
    figures = [standings.full_marks]
    for unit in scored_units(standings):
        figures.append(unit.deduction)
        figures += [value for i in unit.items for value in (i.cap, i.raw, i.capped)]
    figures += [city.score for city in standings.cities]

    for value in figures:
        assert isinstance(value, Decimal)
        assert value % CENT == 0
        assert value.as_tuple().exponent == -2


@given(scenarios(), st.data())
@EXAMPLES
def test_one_more_counting_incident_never_lowers_a_deduction(
    scenario: Scenario, data: st.DataObject
) -> None:
    unit = data.draw(st.sampled_from(scenario.units))
    type_code = data.draw(st.sampled_from(sorted(scenario.rulebook.types)))
    extra = IncidentFact(unit.code, type_code, YEAR_START)

    before = standings_of(scenario)
    after = standings_of(replace(scenario, incidents=[*scenario.incidents, extra]))

    for was, now in zip(scored_units(before), scored_units(after), strict=True):
        assert now.deduction >= was.deduction
