"""The domain's rules of the year: the two moments, units with dates, roll-call checkpoints and
the monthly chart — pure, the moments given."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.domain.charts import monthly_totals
from app.domain.counting import moments_of
from app.domain.facts import IncidentFact, RoomEntry, StaffingEntry, Unit
from app.domain.roll_call import checkpoint_at, fits_meeting_year
from app.domain.rulebook import load_edition
from app.domain.scoring import compute_standings
from app.domain.units import exists_at, exists_during, parent_at, parents_during

SHANGHAI = ZoneInfo("Asia/Shanghai")
R2019 = load_edition("2019")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


CITY = Unit("350400", "三明市", "city")
FUZHOU = Unit("350100", "福州市", "city")
OLD = Unit("350402", "梅列区", "county", parent="350400", abolished=date(2021, 3, 1))
NEW = Unit("350404", "三元区", "county", parent="350400", established=date(2021, 3, 1))
MOVED = Unit(
    "350421", "明溪县", "county", parent="350400", parent_changes=((date(2021, 7, 1), "350100"),)
)


@pytest.mark.parametrize(
    ("as_of", "register_at"),
    [
        ("2019-06-30T12:00:00", "2019-06-30T12:00:00"),
        ("2020-01-20T10:00:00", "2019-12-31T23:59:59"),
    ],
)
def test_the_register_is_read_at_the_earlier_of_as_of_and_the_years_end(
    as_of: str, register_at: str
) -> None:
    assert moments_of(2019, as_of=moment(as_of)).register_at == moment(register_at)


@pytest.mark.parametrize(
    ("year", "at", "voided_at", "counts"),
    [
        (2019, "2019-12-01T10:00:00", None, True),
        (2019, "2019-12-01T10:00:00", "2020-01-20T10:00:00", False),  # upheld in January
        (2019, "2019-12-01T10:00:00", "2020-01-20T10:00:01", True),  # not yet
        (2020, "2019-12-31T21:00:00", None, False),  # charged to its meeting's year, 2020
        (2019, "2020-01-21T10:00:00", None, False),  # after as_of
    ],
)
def test_an_incident_counts_by_its_year_and_as_of(
    year: int, at: str, voided_at: str | None, counts: bool
) -> None:
    moments = moments_of(2019, as_of=moment("2020-01-20T10:00:00"))

    voided = moment(voided_at) if voided_at else None
    assert moments.counts(year=year, at=moment(at), voided_at=voided) is counts


def test_a_unit_exists_from_its_established_day_up_to_its_abolished_day() -> None:
    assert exists_at(OLD, moment("2021-02-28T23:59:59"))
    assert not exists_at(OLD, moment("2021-03-01T00:00:00"))
    assert not exists_at(NEW, moment("2021-02-28T23:59:59"))
    assert exists_at(NEW, moment("2021-03-01T00:00:00"))
    assert not exists_during(NEW, moment("2019-01-01T00:00:00"), moment("2019-12-31T23:59:59"))
    assert exists_during(OLD, moment("2021-01-01T00:00:00"), moment("2021-12-31T23:59:59"))


def test_a_unit_belongs_to_the_parent_of_its_latest_change() -> None:
    assert parent_at(MOVED, moment("2021-06-30T23:59:59")) == "350400"
    assert parent_at(MOVED, moment("2021-07-01T00:00:00")) == "350100"
    year = (moment("2021-01-01T00:00:00"), moment("2021-12-31T23:59:59"))
    assert parents_during(MOVED, *year) == ["350400", "350100"]
    assert parents_during(MOVED, moment("2022-01-01T00:00:00"), moment("2022-12-31T23:59:59")) == [
        "350100"
    ]


def test_roll_call_checkpoints_are_before_the_meetings_start() -> None:
    starts = moment("2020-01-01T09:00:00")

    assert checkpoint_at(starts, "half_day") == moment("2019-12-31T21:00:00")
    assert checkpoint_at(starts, "two_hours") == moment("2020-01-01T07:00:00")
    assert fits_meeting_year(moment("2019-12-31T21:00:00"), starts_at=starts)
    assert not fits_meeting_year(moment("2019-12-30T21:00:00"), starts_at=starts)


def test_standings_follow_units_with_dates() -> None:
    incidents = [
        IncidentFact("350421", "install.no_tech_staff", moment("2021-03-10T10:00:00")),
        IncidentFact("350421", "install.no_tech_staff", moment("2021-09-10T10:00:00")),
        IncidentFact("350402", "install.no_tech_staff", moment("2021-01-10T10:00:00")),
    ]
    moments = moments_of(2021, as_of=moment("2022-03-01T00:00:00"))

    standings = compute_standings(
        R2019,
        units=[CITY, FUZHOU, OLD, NEW, MOVED],
        type_counts={("350402", "install.no_tech_staff"): 1},
        moved=[i for i in incidents if i.unit == "350421"],
        rooms=[],
        staffing=[],
        moments=moments,
    )

    cities = {c.code: c for c in standings.cities}
    sanming = {c.code: c for c in cities["350400"].counties}
    fuzhou = {c.code: c for c in cities["350100"].counties}
    assert set(sanming) == {"350402", "350404", "350421"}
    assert set(fuzhou) == {"350421"}

    def count(score: object, item: str) -> int:
        return next(i.occurrences for i in score.items if i.code == item)  # type: ignore[attr-defined]

    assert count(sanming["350402"], "install_cooperation") == 1
    assert count(sanming["350402"], "hd_rooms") == 0  # abolished before register_at
    assert count(sanming["350404"], "hd_rooms") == 3
    assert count(sanming["350421"], "install_cooperation") == 1
    assert count(sanming["350421"], "staffing") == 0
    assert count(fuzhou["350421"], "install_cooperation") == 1
    assert count(fuzhou["350421"], "staffing") == 1


def test_the_monthly_chart_counts_what_the_standings_count() -> None:
    county = Unit("350402", "梅列区", "county", parent="350400")
    incidents = [
        IncidentFact("350402", "conduct.phone", moment("2019-03-05T09:40:00"), year=2019),
        IncidentFact(
            "350402",
            "conduct.phone",
            moment("2019-04-05T09:40:00"),
            voided_at=moment("2019-04-06T00:00:00"),
            year=2019,
        ),
        IncidentFact("350402", "conduct.phone", moment("2019-08-05T09:40:00"), year=2019),
    ]
    rooms = [RoomEntry("350402", "一号室", moment("2019-01-05T00:00:00"), {"audio": True})]
    staffing = [StaffingEntry("350402", moment("2019-01-05T00:00:00"), ("张",), ("李",))]

    totals = monthly_totals(
        R2019,
        unit=CITY,
        members=[CITY, county],
        incidents=incidents,
        rooms=rooms,
        staffing=staffing,
        moments=moments_of(2019, as_of=moment("2019-06-15T00:00:00")),
    )

    assert totals["venue_order"][2] == Decimal("0.05")
    assert totals["venue_order"][3] == Decimal("0.00")  # voided before as_of
    assert totals["venue_order"][7] == Decimal("0.00")  # after as_of: not known yet
    assert totals["hd_rooms"][:6] == [Decimal("0.10")] * 6
    assert totals["hd_rooms"][6:] == [Decimal("0.00")] * 6
    assert totals["room_equipment"][0] == Decimal("0.20")
    assert totals["staffing"][0] == Decimal("0.50")  # the city's own venue has nobody
