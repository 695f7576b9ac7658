"""Standings (`GET /api/scores`): the DESIGN §4 shape and the worked example's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import ITEMS_2019, assert_refused, city_of, log_incident, standings, unit_score


def _items(**occurrences: int) -> list[dict[str, Any]]:
    """Every item of the 2019 edition in order, zeros included, for a unit's own view."""
    items = []
    for code, (points, cap) in ITEMS_2019.items():
        count = occurrences.get(code, 0)
        raw = Decimal(points) * count
        capped = min(raw, Decimal(cap))
        items.append(
            {
                "code": code,
                "cap": cap,
                "raw": f"{raw:.2f}",
                "capped": f"{capped:.2f}",
                "occurrences": count,
            }
        )
    return items


def test_standings_of_the_worked_example_are_exactly_the_design_figures(
    imported: TestClient,
) -> None:
    assert standings(imported) == {
        "year": 2019,
        "edition": "2019",
        "full_marks": "10.00",
        "register_at": "2019-12-31T23:59:59+08:00",
        "final": False,
        "finalized_at": None,
        "finalized_by": None,
        "cities": [
            {
                "code": "350400",
                "name": "三明市",
                "score": "7.60",
                "deduction": "2.40",
                "items": _items(
                    roll_call=22,
                    venue_order=6,
                    hd_rooms=2,
                    room_equipment=3,
                    staffing=1,
                    install_cooperation=1,
                ),
                "counties": [
                    {
                        "code": "350402",
                        "name": "梅列区",
                        "deduction": "1.45",
                        "items": _items(roll_call=19, venue_order=4, room_equipment=3),
                    },
                    {
                        "code": "350403",
                        "name": "三元区",
                        "deduction": "1.00",
                        "items": _items(
                            roll_call=2,
                            venue_order=2,
                            hd_rooms=2,
                            staffing=1,
                            install_cooperation=1,
                        ),
                    },
                ],
                "own": {
                    "code": "350400",
                    "name": "三明市",
                    "deduction": "0.05",
                    "items": _items(roll_call=1),
                },
            }
        ],
    }


def test_the_city_item_is_capped_while_its_raw_figure_is_kept(imported: TestClient) -> None:
    (roll_call, *_) = city_of(standings(imported))["items"]

    assert roll_call == {
        "code": "roll_call",
        "cap": "1.00",
        "raw": "1.10",
        "capped": "1.00",
        "occurrences": 22,
    }


# as_of → city score, city deduction, 梅列区, 三元区, 三明市's own venue.
AS_OF = [
    pytest.param("2019-01-04T00:00:00+08:00", "8.20", "1.80", "0.65", "0.65", "0.50", id="empty"),
    pytest.param(
        "2019-01-10T06:59:59+08:00", "9.10", "0.90", "0.30", "0.60", "0.00", id="register"
    ),
    pytest.param(
        "2019-01-10T07:00:00+08:00", "8.70", "1.30", "0.55", "0.70", "0.05", id="first-day"
    ),
    pytest.param(
        "2019-06-30T23:59:59+08:00", "7.80", "2.20", "1.15", "1.00", "0.05", id="mid-year"
    ),
    pytest.param(
        "2019-12-31T23:59:59+08:00", "7.60", "2.40", "1.45", "1.00", "0.05", id="year-end"
    ),
]


@pytest.mark.parametrize(("as_of", "score", "deduction", "a", "b", "own"), AS_OF)
def test_as_of_gives_the_state_at_that_moment(
    imported: TestClient, as_of: str, score: str, deduction: str, a: str, b: str, own: str
) -> None:
    body = standings(imported, as_of=as_of)

    city = city_of(body)
    assert body["as_of"] == as_of
    assert (city["score"], city["deduction"]) == (score, deduction)
    assert unit_score(body, "350402")["deduction"] == a
    assert unit_score(body, "350403")["deduction"] == b
    assert city["own"]["deduction"] == own


def test_as_of_in_another_offset_is_the_same_moment(imported: TestClient) -> None:
    shanghai = standings(imported, as_of="2019-06-30T23:59:59+08:00")
    utc = standings(imported, as_of="2019-06-30T15:59:59Z")

    assert utc == shanghai


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [
        ("2019-05-01T09:59:59+08:00", 0),
        ("2019-05-01T10:00:00+08:00", 1),
        ("2019-05-02T23:59:59+08:00", 1),
        ("2019-05-03T10:00:00+08:00", 0),
        ("2019-12-31T23:59:59+08:00", 0),
    ],
)
def test_a_void_counts_from_its_own_time_on(imported: TestClient, as_of: str, counted: int) -> None:
    voided = {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "incidents": [
            {
                "key": "v1",
                "unit": "350402",
                "type": "criticism.named_by_leader",
                "at": "2019-05-01T10:00:00+08:00",
                "voided": {"reason": "误报", "at": "2019-05-03T10:00:00+08:00"},
            }
        ],
    }
    assert imported.post("/api/records", json=voided).status_code == 201

    criticism = unit_score(standings(imported, as_of=as_of), "350402")["items"][-1]

    assert criticism["code"] == "leader_criticism"
    assert criticism["occurrences"] == counted


def test_deductions_stop_at_full_marks(imported: TestClient) -> None:
    for n in range(21):
        response = log_incident(
            imported,
            f"crit-{n}",
            unit="350403",
            type="criticism.named_by_leader",
            at="2019-09-01T10:00:00+08:00",
        )
        assert response.status_code == 201

    city = city_of(standings(imported))

    criticism = city["items"][-1]
    assert (criticism["raw"], criticism["capped"], criticism["occurrences"]) == (
        "10.50",
        "10.00",
        21,
    )
    assert (city["score"], city["deduction"]) == ("0.00", "10.00")
    assert unit_score(standings(imported), "350403")["deduction"] == "10.00"


def test_a_city_without_incidents_or_counties_loses_only_its_staffing(
    imported: TestClient,
) -> None:
    response = imported.post(
        "/api/units", json={"code": "350100", "name": "福州市", "level": "city"}
    )
    assert response.status_code == 201

    body = standings(imported)

    assert [c["code"] for c in body["cities"]] == ["350100", "350400"]
    fuzhou = city_of(body, "350100")
    assert (fuzhou["score"], fuzhou["deduction"], fuzhou["counties"]) == ("9.50", "0.50", [])
    assert fuzhou["items"] == fuzhou["own"]["items"] == _items(staffing=1)


def test_standings_of_a_year_without_period_are_refused(imported: TestClient) -> None:
    assert_refused(imported.get("/api/scores", params={"year": 2018}), 422, "year")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "year"),
        ({"year": "1989"}, "year"),
        ({"year": "2019", "as_of": "2019-06-30T23:59:59"}, "as_of"),
        ({"year": "2019", "as_of": "yesterday"}, "as_of"),
    ],
)
def test_standings_need_a_sane_year_and_an_aware_moment(
    imported: TestClient, params: dict[str, str], field: str
) -> None:
    assert_refused(imported.get("/api/scores", params=params), 422, field)
