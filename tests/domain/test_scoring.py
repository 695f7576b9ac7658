"""Scoring of DESIGN §3: the worked example, then each rule on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.domain.counting import incident_counts
from app.domain.facts import (
    EQUIPMENT,
    IncidentFact,
    RoomEntry,
    StaffingEntry,
    Unit,
)
from app.domain.register import register_findings
from app.domain.rulebook import Rulebook, load_edition
from app.domain.scoring import (
    CityScore,
    ItemScore,
    Standings,
    UnitScore,
    compute_standings,
    unit_findings,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR_END = datetime(2019, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
R2019 = load_edition("2019")
R2017 = load_edition("2017")

CITY = Unit("350400", "三明市", "city")
A = Unit("350402", "梅列区", "county", parent="350400")
B = Unit("350403", "三元区", "county", parent="350400")
UNITS = (CITY, A, B)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2019, month, day, hour, minute, tzinfo=SHANGHAI)


JAN = at(1, 10, 0)


def seen(
    unit: Unit,
    type_code: str,
    times: int = 1,
    *,
    when: datetime | None = None,
    voided_at: datetime | None = None,
) -> list[IncidentFact]:
    moment = at(3, 5) if when is None else when
    return [IncidentFact(unit.code, type_code, moment, voided_at) for _ in range(times)]


def room(
    unit: Unit,
    name: str,
    *,
    lacking: Iterable[str] = (),
    when: datetime = JAN,
    removed: bool = False,
    seq: int = 0,
) -> RoomEntry:
    equipment = {key: key not in set(lacking) for key in EQUIPMENT}
    return RoomEntry(unit.code, name, when, equipment, removed=removed, seq=seq)


def rooms_for(unit: Unit, count: int) -> list[RoomEntry]:
    return [room(unit, f"{n}号会议室") for n in range(1, count + 1)]


def staffed(
    unit: Unit, *, leaders: bool = True, staff: bool = True, when: datetime = JAN, seq: int = 0
) -> StaffingEntry:
    return StaffingEntry(
        unit.code,
        when,
        leaders=("张三",) if leaders else (),
        staff=("李四",) if staff else (),
        seq=seq,
    )


def complete_register(units: Iterable[Unit]) -> tuple[list[RoomEntry], list[StaffingEntry]]:
    """Rooms and staffing that cost nothing, so a test sees only the rule it is about."""
    units = list(units)
    rooms = [r for u in units if u.level == "county" for r in rooms_for(u, 3)]
    return rooms, [staffed(u) for u in units]


def score(
    *,
    rulebook: Rulebook = R2019,
    units: Iterable[Unit] = UNITS,
    incidents: Iterable[IncidentFact] = (),
    rooms: Iterable[RoomEntry] | None = None,
    staffing: Iterable[StaffingEntry] | None = None,
    as_of: datetime = YEAR_END,
) -> Standings:
    units = list(units)
    default_rooms, default_staffing = complete_register(units)
    return compute_standings(
        rulebook,
        units=units,
        type_counts=incident_counts(incidents, as_of=as_of),
        rooms=default_rooms if rooms is None else rooms,
        staffing=default_staffing if staffing is None else staffing,
        as_of=as_of,
    )


def city_of(standings: Standings, code: str = CITY.code) -> CityScore:
    return next(c for c in standings.cities if c.code == code)


def county_of(standings: Standings, code: str) -> UnitScore:
    return next(u for c in standings.cities for u in c.counties if u.code == code)


def item_of(items: Iterable[ItemScore], code: str) -> ItemScore:
    return next(i for i in items if i.code == code)


def rows(items: Iterable[ItemScore]) -> dict[str, tuple[str, str, int]]:
    return {i.code: (str(i.raw), str(i.capped), i.occurrences) for i in items}


def worked_example() -> Standings:
    incidents = [
        *seen(A, "roll_call.absent", 15),
        *seen(A, "roll_call.late", 4),
        *seen(B, "roll_call.late", 2),
        *seen(CITY, "roll_call.absent", 1),
        *seen(A, "conduct.sleeping", 3),
        *seen(A, "venue.lighting", 1),
        *seen(B, "conduct.phone", 2),
        *seen(B, "install.skipped_joint_debug", 1, when=at(6, 1)),
    ]
    rooms = [
        room(A, "1号会议室"),
        room(A, "2号会议室", lacking=["audio"]),
        room(A, "3号会议室", lacking=["hd_display", "cabling"]),
        room(B, "1号会议室"),
    ]
    staffing = [staffed(A), staffed(B, staff=False), staffed(CITY)]
    return score(incidents=incidents, rooms=rooms, staffing=staffing)


WORKED_CITY = {
    "roll_call": ("1.10", "1.00", 22),
    "venue_order": ("0.30", "0.30", 6),
    "hd_rooms": ("0.10", "0.10", 2),
    "room_equipment": ("0.30", "0.30", 3),
    "staffing": ("0.50", "0.50", 1),
    "install_cooperation": ("0.20", "0.20", 1),
    "leader_criticism": ("0.00", "0.00", 0),
}
WORKED_A = {
    "roll_call": ("0.95", "0.95", 19),
    "venue_order": ("0.20", "0.20", 4),
    "hd_rooms": ("0.00", "0.00", 0),
    "room_equipment": ("0.30", "0.30", 3),
    "staffing": ("0.00", "0.00", 0),
    "install_cooperation": ("0.00", "0.00", 0),
    "leader_criticism": ("0.00", "0.00", 0),
}
WORKED_B = {
    "roll_call": ("0.10", "0.10", 2),
    "venue_order": ("0.10", "0.10", 2),
    "hd_rooms": ("0.10", "0.10", 2),
    "room_equipment": ("0.00", "0.00", 0),
    "staffing": ("0.50", "0.50", 1),
    "install_cooperation": ("0.20", "0.20", 1),
    "leader_criticism": ("0.00", "0.00", 0),
}
WORKED_OWN = {
    "roll_call": ("0.05", "0.05", 1),
    "venue_order": ("0.00", "0.00", 0),
    "hd_rooms": ("0.00", "0.00", 0),
    "room_equipment": ("0.00", "0.00", 0),
    "staffing": ("0.00", "0.00", 0),
    "install_cooperation": ("0.00", "0.00", 0),
    "leader_criticism": ("0.00", "0.00", 0),
}


def test_worked_example_city_scores_7_60_after_deducting_2_40() -> None:
    city = city_of(worked_example())

    assert (city.code, city.name) == ("350400", "三明市")
    assert str(city.score) == "7.60"
    assert str(city.deduction) == "2.40"


def test_worked_example_city_items_match_the_table() -> None:
    assert rows(city_of(worked_example()).items) == WORKED_CITY


@pytest.mark.parametrize(
    ("code", "name", "deduction", "items"),
    [
        ("350402", "梅列区", "1.45", WORKED_A),
        ("350403", "三元区", "1.00", WORKED_B),
    ],
)
def test_worked_example_county_view_is_its_own(
    code: str, name: str, deduction: str, items: dict[str, tuple[str, str, int]]
) -> None:
    county = county_of(worked_example(), code)

    assert county.name == name
    assert str(county.deduction) == deduction
    assert rows(county.items) == items


def test_worked_example_city_own_venue_deducts_0_05() -> None:
    own = city_of(worked_example()).own

    assert own.code == CITY.code
    assert str(own.deduction) == "0.05"
    assert rows(own.items) == WORKED_OWN


def test_worked_example_lists_the_counties_of_the_city_in_code_order() -> None:
    city = city_of(worked_example())

    assert [c.code for c in city.counties] == ["350402", "350403"]
    assert [c.code for c in worked_example().cities] == ["350400"]


@pytest.mark.parametrize(
    ("criticisms", "extra", "deduction", "result"),
    [
        (21, [], "10.00", "0.00"),
        (20, [], "10.00", "0.00"),
        (19, [], "9.50", "0.50"),
        (20, [("roll_call.absent", 3)], "10.00", "0.00"),
        (19, [("roll_call.absent", 3)], "9.65", "0.35"),
    ],
)
def test_deduction_never_exceeds_full_marks(
    criticisms: int, extra: list[tuple[str, int]], deduction: str, result: str
) -> None:
    incidents = seen(CITY, "criticism.named_by_leader", criticisms)
    for type_code, times in extra:
        incidents += seen(CITY, type_code, times)

    city = city_of(score(incidents=incidents))

    assert str(city.deduction) == deduction
    assert str(city.score) == result


def test_21_criticisms_raw_10_50_capped_at_10_00() -> None:
    city = city_of(score(incidents=seen(CITY, "criticism.named_by_leader", 21)))

    assert rows(city.items)["leader_criticism"] == ("10.50", "10.00", 21)


PER_OCCURRENCE = {
    "2019": {
        "roll_call": ("0.05", ["roll_call.absent", "roll_call.late"]),
        "venue_order": (
            "0.05",
            [
                "venue.furniture",
                "venue.background",
                "venue.lighting",
                "venue.framing",
                "venue.poor_picture",
                "venue.tilted_picture",
                "venue.interference",
                "conduct.whispering",
                "conduct.sleeping",
                "conduct.smoking",
                "conduct.reading_book",
                "conduct.reading_newspaper",
                "conduct.phone",
            ],
        ),
        "install_cooperation": (
            "0.20",
            ["install.no_tech_staff", "install.poor_cooperation", "install.skipped_joint_debug"],
        ),
        "leader_criticism": ("0.50", ["criticism.named_by_leader"]),
    },
    "2017": {
        "roll_call": ("0.05", ["roll_call.absent", "roll_call.late"]),
        "venue_order": (
            "0.05",
            [
                "venue.furniture",
                "venue.background",
                "venue.lighting",
                "venue.framing",
                "venue.poor_picture",
                "venue.tilted_picture",
                "venue.picture_moved",
                "venue.picture_lost",
                "venue.interference",
                "conduct.whispering",
                "conduct.sleeping",
                "conduct.smoking",
                "conduct.reading_book",
                "conduct.reading_newspaper",
                "conduct.phone",
            ],
        ),
        "install_cooperation": ("0.50", ["install.no_tech_staff", "install.poor_cooperation"]),
    },
}


@pytest.mark.parametrize(
    ("edition", "type_code", "item_code", "points"),
    [
        pytest.param(edition, type_code, item_code, points, id=f"{edition}-{type_code}")
        for edition, items in PER_OCCURRENCE.items()
        for item_code, (points, types) in items.items()
        for type_code in types
    ],
)
def test_each_occurrence_costs_the_points_of_its_item(
    edition: str, type_code: str, item_code: str, points: str
) -> None:
    standings = score(rulebook=load_edition(edition), incidents=seen(A, type_code))
    county = county_of(standings, A.code)

    assert rows(county.items)[item_code] == (points, points, 1)
    assert str(county.deduction) == points
    assert str(city_of(standings).deduction) == points


@pytest.mark.parametrize(
    ("edition", "type_code"),
    [
        ("2019", "venue.picture_lost"),
        ("2019", "venue.picture_moved"),
        ("2017", "install.skipped_joint_debug"),
        ("2017", "criticism.named_by_leader"),
        ("2019", "roll_call.excused"),
    ],
)
def test_a_type_the_edition_does_not_list_is_rejected(edition: str, type_code: str) -> None:
    with pytest.raises(ValueError, match=rf"type '{type_code}' is not in edition {edition}"):
        score(rulebook=load_edition(edition), incidents=seen(A, type_code))


@pytest.mark.parametrize(
    ("edition", "type_code", "times", "item_code", "raw", "capped"),
    [
        ("2019", "roll_call.absent", 20, "roll_call", "1.00", "1.00"),
        ("2019", "roll_call.absent", 21, "roll_call", "1.05", "1.00"),
        ("2019", "conduct.phone", 40, "venue_order", "2.00", "2.00"),
        ("2019", "conduct.phone", 41, "venue_order", "2.05", "2.00"),
        ("2019", "install.no_tech_staff", 10, "install_cooperation", "2.00", "2.00"),
        ("2019", "install.no_tech_staff", 11, "install_cooperation", "2.20", "2.00"),
        ("2017", "install.no_tech_staff", 4, "install_cooperation", "2.00", "2.00"),
        ("2017", "install.no_tech_staff", 5, "install_cooperation", "2.50", "2.00"),
        ("2019", "criticism.named_by_leader", 20, "leader_criticism", "10.00", "10.00"),
        ("2019", "criticism.named_by_leader", 25, "leader_criticism", "12.50", "10.00"),
    ],
)
def test_an_item_is_capped_at_its_cap(
    edition: str, type_code: str, times: int, item_code: str, raw: str, capped: str
) -> None:
    standings = score(rulebook=load_edition(edition), incidents=seen(A, type_code, times))

    assert rows(county_of(standings, A.code).items)[item_code] == (raw, capped, times)
    assert rows(city_of(standings).items)[item_code] == (raw, capped, times)


def many_counties(count: int) -> list[Unit]:
    return [Unit(f"3504{n + 10:02d}", f"县{n}", "county", parent=CITY.code) for n in range(count)]


def test_hd_rooms_cap_at_1_00_across_counties() -> None:
    counties = many_counties(7)
    staffing = [staffed(u) for u in [CITY, *counties]]

    city = city_of(score(units=[CITY, *counties], rooms=[], staffing=staffing))

    assert rows(city.items)["hd_rooms"] == ("1.05", "1.00", 21)
    assert all(rows(c.items)["hd_rooms"] == ("0.15", "0.15", 3) for c in city.counties)


def test_room_equipment_caps_at_2_00() -> None:
    rooms = [room(A, f"{n}号会议室", lacking=EQUIPMENT) for n in range(1, 8)]
    standings = score(units=[CITY, A], rooms=rooms)

    assert rows(county_of(standings, A.code).items)["room_equipment"] == ("2.10", "2.00", 21)
    assert rows(city_of(standings).items)["room_equipment"] == ("2.10", "2.00", 21)


def test_staffing_caps_at_2_00() -> None:
    counties = many_counties(4)
    units = [CITY, *counties]
    rooms, _ = complete_register(units)

    city = city_of(score(units=units, rooms=rooms, staffing=[]))

    assert rows(city.items)["staffing"] == ("2.50", "2.00", 5)
    assert rows(city.own.items)["staffing"] == ("0.50", "0.50", 1)


@pytest.mark.parametrize(
    ("own", "in_a", "in_b", "raw", "capped"),
    [
        (0, 0, 0, "0.00", "0.00"),
        (1, 0, 0, "0.05", "0.05"),
        (0, 3, 0, "0.15", "0.15"),
        (1, 15, 4, "1.00", "1.00"),
        (1, 19, 2, "1.10", "1.00"),
        (2, 10, 10, "1.10", "1.00"),
    ],
)
def test_city_raw_is_its_own_plus_its_counties(
    own: int, in_a: int, in_b: int, raw: str, capped: str
) -> None:
    incidents = [
        *seen(CITY, "roll_call.late", own),
        *seen(A, "roll_call.late", in_a),
        *seen(B, "roll_call.late", in_b),
    ]

    city = city_of(score(incidents=incidents))

    assert rows(city.items)["roll_call"] == (raw, capped, own + in_a + in_b)


def test_county_view_is_capped_on_its_own() -> None:
    incidents = [*seen(A, "roll_call.absent", 25), *seen(B, "roll_call.absent", 15)]

    standings = score(incidents=incidents)

    assert rows(county_of(standings, A.code).items)["roll_call"] == ("1.25", "1.00", 25)
    assert rows(county_of(standings, B.code).items)["roll_call"] == ("0.75", "0.75", 15)
    assert rows(city_of(standings).items)["roll_call"] == ("2.00", "1.00", 40)
    assert str(county_of(standings, A.code).deduction) == "1.00"


def test_counties_of_another_city_do_not_count_against_this_one() -> None:
    other = Unit("350500", "泉州市", "city")
    other_county = Unit("350502", "鲤城区", "county", parent=other.code)
    units = [*UNITS, other, other_county]

    standings = score(units=units, incidents=seen(other_county, "conduct.phone", 4))

    assert str(city_of(standings).deduction) == "0.00"
    assert str(city_of(standings, other.code).deduction) == "0.20"
    assert [c.code for c in city_of(standings, other.code).counties] == [other_county.code]


@pytest.mark.parametrize(
    ("count", "raw", "occurrences"),
    [(0, "0.15", 3), (1, "0.10", 2), (2, "0.05", 1), (3, "0.00", 0), (4, "0.00", 0)],
)
def test_a_county_needs_three_hd_rooms(count: int, raw: str, occurrences: int) -> None:
    county = county_of(score(units=[CITY, A], rooms=rooms_for(A, count)), A.code)

    assert rows(county.items)["hd_rooms"] == (raw, raw, occurrences)


@pytest.mark.parametrize("count", [0, 1])
def test_the_city_own_unit_needs_no_hd_rooms(count: int) -> None:
    rooms = [*rooms_for(A, 3), *rooms_for(CITY, count)]

    city = city_of(score(units=[CITY, A], rooms=rooms))

    assert rows(city.own.items)["hd_rooms"] == ("0.00", "0.00", 0)
    assert rows(city.items)["hd_rooms"] == ("0.00", "0.00", 0)


def test_a_missing_room_counts_only_under_hd_rooms() -> None:
    standings = score(units=[CITY, A], rooms=[room(A, "1号会议室")])
    county = rows(county_of(standings, A.code).items)

    assert county["hd_rooms"] == ("0.10", "0.10", 2)
    assert county["room_equipment"] == ("0.00", "0.00", 0)


@pytest.mark.parametrize(
    ("equipment", "raw", "occurrences"),
    [
        ({"hd_display": True, "audio": True, "cabling": True}, "0.00", 0),
        ({"hd_display": True, "audio": False, "cabling": True}, "0.10", 1),
        ({"hd_display": False, "audio": True, "cabling": True}, "0.10", 1),
        ({"hd_display": True, "audio": True, "cabling": False}, "0.10", 1),
        ({"hd_display": False, "audio": True, "cabling": False}, "0.20", 2),
        ({"hd_display": False, "audio": False, "cabling": False}, "0.30", 3),
        ({"audio": True}, "0.20", 2),
        ({}, "0.30", 3),
    ],
)
def test_each_missing_equipment_item_costs_0_10(
    equipment: Mapping[str, bool], raw: str, occurrences: int
) -> None:
    rooms = [*rooms_for(A, 2), RoomEntry(A.code, "3号会议室", JAN, equipment)]

    county = county_of(score(units=[CITY, A], rooms=rooms), A.code)

    assert rows(county.items)["room_equipment"] == (raw, raw, occurrences)


def test_a_registered_room_of_the_city_needs_its_equipment_too() -> None:
    rooms = [*rooms_for(A, 3), room(CITY, "市政府1号会议室", lacking=["audio"])]

    city = city_of(score(units=[CITY, A], rooms=rooms))

    assert rows(city.own.items)["room_equipment"] == ("0.10", "0.10", 1)
    assert rows(city.own.items)["hd_rooms"] == ("0.00", "0.00", 0)


@pytest.mark.parametrize(
    ("as_of", "hd_rooms", "room_equipment"),
    [
        (at(5, 31, 23, 59), "0.00", "0.10"),
        (at(6, 1), "0.05", "0.00"),
        (at(8, 31), "0.05", "0.00"),
        (at(9, 1), "0.00", "0.00"),
        (YEAR_END, "0.00", "0.00"),
    ],
)
def test_a_removed_room_leaves_the_register_from_its_at(
    as_of: datetime, hd_rooms: str, room_equipment: str
) -> None:
    rooms = [
        room(A, "1号会议室"),
        room(A, "2号会议室"),
        room(A, "3号会议室", lacking=["audio"]),
        room(A, "3号会议室", when=at(6, 1), removed=True),
        room(A, "3号会议室", when=at(9, 1)),
    ]

    county = county_of(score(units=[CITY, A], rooms=rooms, as_of=as_of), A.code)

    assert str(item_of(county.items, "hd_rooms").raw) == hd_rooms
    assert str(item_of(county.items, "room_equipment").raw) == room_equipment


@pytest.mark.parametrize(
    ("as_of", "raw"),
    [
        (at(1, 9), "0.00"),
        (JAN, "0.10"),
        (at(6, 30, 23, 59), "0.10"),
        (at(7, 1), "0.00"),
        (at(10, 1), "0.20"),
        (YEAR_END, "0.20"),
    ],
)
def test_the_latest_room_entry_at_or_before_as_of_wins(as_of: datetime, raw: str) -> None:
    rooms = [
        *rooms_for(A, 2),
        room(A, "3号会议室", when=at(10, 1), lacking=["audio", "cabling"]),
        room(A, "3号会议室", when=at(7, 1)),
        room(A, "3号会议室", lacking=["audio"]),
    ]

    county = county_of(score(units=[CITY, A], rooms=rooms, as_of=as_of), A.code)

    assert str(item_of(county.items, "room_equipment").raw) == raw


def test_a_room_with_no_entry_yet_is_not_in_the_register() -> None:
    county = county_of(score(units=[CITY, A], rooms=rooms_for(A, 3), as_of=at(1, 9)), A.code)

    assert rows(county.items)["hd_rooms"] == ("0.15", "0.15", 3)
    assert rows(county.items)["room_equipment"] == ("0.00", "0.00", 0)


@pytest.mark.parametrize(
    ("first_seq", "second_seq", "raw"),
    [(1, 2, "0.00"), (2, 1, "0.10")],
)
def test_entries_at_the_same_moment_are_ordered_by_their_recording(
    first_seq: int, second_seq: int, raw: str
) -> None:
    rooms = [
        *rooms_for(A, 2),
        room(A, "3号会议室", lacking=["audio"], seq=first_seq),
        room(A, "3号会议室", seq=second_seq),
    ]

    county = county_of(score(units=[CITY, A], rooms=rooms), A.code)

    assert str(item_of(county.items, "room_equipment").raw) == raw


@pytest.mark.parametrize(
    ("leaders", "staff", "raw"),
    [
        (True, True, "0.00"),
        (True, False, "0.50"),
        (False, True, "0.50"),
        (False, False, "0.50"),
    ],
)
@pytest.mark.parametrize("unit", [CITY, A], ids=["city", "county"])
def test_a_unit_needs_a_leader_and_a_staff_member(
    unit: Unit, leaders: bool, staff: bool, raw: str
) -> None:
    staffing = [staffed(u) for u in UNITS if u != unit]
    staffing.append(staffed(unit, leaders=leaders, staff=staff))

    standings = score(staffing=staffing)
    scored = city_of(standings).own if unit == CITY else county_of(standings, unit.code)

    assert str(item_of(scored.items, "staffing").raw) == raw
    assert str(item_of(city_of(standings).items, "staffing").raw) == raw


@pytest.mark.parametrize("unit", [CITY, A, B], ids=["city", "county-a", "county-b"])
def test_a_unit_without_a_staffing_record_lacks_staffing(unit: Unit) -> None:
    staffing = [staffed(u) for u in UNITS if u != unit]

    city = city_of(score(staffing=staffing))

    assert rows(city.items)["staffing"] == ("0.50", "0.50", 1)


def test_staffing_costs_0_50_per_unit_lacking_it() -> None:
    city = city_of(score(staffing=[staffed(CITY, staff=False)]))

    assert rows(city.items)["staffing"] == ("1.50", "1.50", 3)
    assert rows(city.own.items)["staffing"] == ("0.50", "0.50", 1)


@pytest.mark.parametrize(
    ("as_of", "raw"),
    [
        (at(3, 1), "0.50"),
        (at(8, 1), "0.00"),
        (at(11, 1), "0.50"),
    ],
)
def test_the_latest_staffing_entry_at_or_before_as_of_wins(as_of: datetime, raw: str) -> None:
    staffing = [
        staffed(CITY),
        staffed(B),
        staffed(A, staff=False),
        staffed(A, when=at(8, 1)),
        staffed(A, leaders=False, when=at(11, 1)),
    ]

    county = county_of(score(staffing=staffing, as_of=as_of), A.code)

    assert str(item_of(county.items, "staffing").raw) == raw


@pytest.mark.parametrize(
    ("as_of", "counts"),
    [
        (at(3, 5, 9, 29), False),
        (at(3, 5, 9, 30), True),
        (at(3, 5, 9, 40), True),
        (at(3, 5, 9, 41) - timedelta(microseconds=1), True),
        (at(3, 5, 9, 41), False),
        (YEAR_END, False),
    ],
)
def test_a_void_counts_from_its_own_at_on(as_of: datetime, counts: bool) -> None:
    incidents = seen(A, "conduct.phone", when=at(3, 5, 9, 30), voided_at=at(3, 5, 9, 41))

    county = county_of(score(incidents=incidents, as_of=as_of), A.code)

    assert item_of(county.items, "venue_order").occurrences == (1 if counts else 0)


@pytest.mark.parametrize(
    ("as_of", "occurrences"),
    [
        (at(5, 31, 23, 59), 0),
        (at(6, 1, 10), 1),
        (at(6, 2), 1),
        (at(7, 1), 2),
    ],
)
def test_incidents_after_as_of_do_not_count(as_of: datetime, occurrences: int) -> None:
    incidents = [
        *seen(A, "install.no_tech_staff", when=at(6, 1, 10)),
        *seen(A, "install.no_tech_staff", when=at(7, 1)),
    ]

    county = county_of(score(incidents=incidents, as_of=as_of), A.code)

    assert item_of(county.items, "install_cooperation").occurrences == occurrences


def test_times_in_other_offsets_compare_as_instants() -> None:
    utc_as_of = datetime(2019, 3, 5, 1, 30, tzinfo=ZoneInfo("UTC"))
    incidents = seen(A, "conduct.phone", when=at(3, 5, 9, 30))

    counted = incident_counts(incidents, as_of=utc_as_of)
    earlier = incident_counts(incidents, as_of=utc_as_of - timedelta(seconds=1))

    assert counted[(A.code, "conduct.phone")] == 1
    assert earlier[(A.code, "conduct.phone")] == 0


@pytest.mark.parametrize("rulebook", [R2017, R2019], ids=["2017", "2019"])
def test_every_item_of_the_edition_appears_in_every_items_list(rulebook: Rulebook) -> None:
    standings = score(rulebook=rulebook, rooms=[], staffing=[])
    codes = [item.code for item in rulebook.items]
    city = city_of(standings)

    lists = [city.items, city.own.items, *(c.items for c in city.counties)]
    assert all([i.code for i in items] == codes for items in lists)
    assert [str(i.cap) for i in city.items] == [str(item.cap) for item in rulebook.items]
    quiet = rows(city_of(score(rulebook=rulebook)).items)
    assert quiet == dict.fromkeys(codes, ("0.00", "0.00", 0))


def figures(standings: Standings) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [("full_marks", standings.full_marks)]
    for city in standings.cities:
        found.append((f"{city.code}.score", city.score))
        units: list[CityScore | UnitScore] = [city, city.own, *city.counties]
        for unit in units:
            found.append((f"{unit.code}.deduction", unit.deduction))
            for item in unit.items:
                found += [
                    (f"{unit.code}.{item.code}.cap", item.cap),
                    (f"{unit.code}.{item.code}.raw", item.raw),
                    (f"{unit.code}.{item.code}.capped", item.capped),
                ]
    return found


def capped_city() -> Standings:
    return score(incidents=seen(CITY, "criticism.named_by_leader", 21))


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(worked_example, id="worked-example"),
        pytest.param(score, id="no-deductions"),
        pytest.param(capped_city, id="capped"),
    ],
)
def test_every_figure_is_a_decimal_with_two_places(scenario: Callable[[], Standings]) -> None:
    found = figures(scenario())

    assert len(found) > 1
    for where, value in found:
        assert isinstance(value, Decimal), where
        assert value.as_tuple().exponent == -2, where


def test_register_lines_read_as_the_county_sees_them() -> None:
    rooms = [*rooms_for(A, 1), room(A, "2号会议室", lacking=["audio"])]
    findings = unit_findings(R2019, A, rooms=rooms, staffing=[], as_of=YEAR_END)

    assert [f.line for f in findings] == [
        "缺少1间高清会议室 −0.05",
        "2号会议室缺音频设备 −0.10",
        "缺分管领导和视频会议专职人员 −0.50",
    ]


@pytest.mark.parametrize(
    ("unit", "lines"),
    [
        (A, ["2号会议室缺音频设备 −0.10", "3号会议室缺高清显示设备、网络综合布线 −0.20"]),
        (B, ["缺少2间高清会议室 −0.10", "缺视频会议专职人员 −0.50"]),
        (CITY, []),
    ],
)
def test_worked_example_register_lines(unit: Unit, lines: list[str]) -> None:
    rooms = [
        room(A, "1号会议室"),
        room(A, "2号会议室", lacking=["audio"]),
        room(A, "3号会议室", lacking=["hd_display", "cabling"]),
        room(B, "1号会议室"),
    ]
    staffing = [staffed(A), staffed(B, staff=False), staffed(CITY)]

    findings = unit_findings(R2019, unit, rooms=rooms, staffing=staffing, as_of=YEAR_END)

    assert [f.line for f in findings] == lines


@pytest.mark.parametrize(
    ("leaders", "staff", "line"),
    [
        (False, True, "缺分管领导 −0.50"),
        (True, False, "缺视频会议专职人员 −0.50"),
        (False, False, "缺分管领导和视频会议专职人员 −0.50"),
    ],
)
def test_staffing_line_names_what_is_lacking(leaders: bool, staff: bool, line: str) -> None:
    findings = register_findings(
        R2019, CITY, rooms=[], staffing=staffed(CITY, leaders=leaders, staff=staff)
    )

    assert [f.line for f in findings] == [line]


REGISTER_CASES = [
    pytest.param(rooms_for(A, 3), [staffed(A)], id="complete"),
    pytest.param([], [], id="nothing-registered"),
    pytest.param(
        [
            room(A, "1号会议室", lacking=EQUIPMENT),
            room(A, "2号会议室", lacking=["cabling"]),
        ],
        [staffed(A, leaders=False)],
        id="short-and-lacking",
    ),
    pytest.param(
        [room(A, f"{n}号会议室", lacking=["audio", "hd_display"]) for n in range(1, 13)],
        [staffed(A, staff=False)],
        id="over-the-cap",
    ),
]


@pytest.mark.parametrize(("rooms", "staffing"), REGISTER_CASES)
def test_register_lines_add_up_to_the_engine_items_3_to_5(
    rooms: list[RoomEntry], staffing: list[StaffingEntry]
) -> None:
    findings = unit_findings(R2019, A, rooms=rooms, staffing=staffing, as_of=YEAR_END)
    county = county_of(score(units=[CITY, A], rooms=rooms, staffing=staffing), A.code)

    for code in ("hd_rooms", "room_equipment", "staffing"):
        item = item_of(county.items, code)
        mine = [f for f in findings if f.item_code == code]
        assert sum((f.points for f in mine), Decimal("0.00")) == item.raw
        assert sum(f.occurrences for f in mine) == item.occurrences
    assert {f.item_code for f in findings} <= {"hd_rooms", "room_equipment", "staffing"}
