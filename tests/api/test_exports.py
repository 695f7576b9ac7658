"""Exports: the annual XLSX table and the incident CSV say exactly what the API says."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import Login

from .support import ITEMS_2019, standings

CENT = Decimal("0.01")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NANPING, YANPING, SHAOWU = "350700", "350702", "350781"
MIDYEAR = "2019-06-30T23:59:59+08:00"
AWKWARD_NOTE = '灯光"偏暗", 背景 <未挂> 会标 & 横幅\r\n第二排有人低头 '


def cents(value: Any) -> Decimal:
    """A cell or an API figure as exact hundredths (a workbook hands numbers back as floats)."""
    return Decimal(str(value)).quantize(CENT)


def nanping() -> dict[str, Any]:
    """A second city for 2019: 21 criticisms of 延平区 (10.50, capped at 10.00, so the city scores
    0.00), a voided incident, one after mid-year, and a note that CSV must quote."""
    incidents: list[dict[str, Any]] = [
        {
            "key": f"np-crit-{n:02d}",
            "unit": YANPING,
            "type": "criticism.named_by_leader",
            "at": f"2019-{n % 12 + 1:02d}-{n % 27 + 1:02d}T10:00:00+08:00",
        }
        for n in range(21)
    ]
    incidents += [
        {
            "key": "np-note",
            "unit": SHAOWU,
            "type": "venue.lighting",
            "at": "2019-03-05T09:40:00+08:00",
            "note": AWKWARD_NOTE,
            "source": "onsite_inspection",
        },
        {
            "key": "np-void",
            "unit": SHAOWU,
            "type": "conduct.phone",
            "at": "2019-04-05T09:40:00+08:00",
            "voided": {"reason": "误标", "at": "2019-04-05T09:45:00+08:00"},
        },
        {
            "key": "np-late",
            "unit": NANPING,
            "type": "roll_call.late",
            "meeting": "np-0905",  # a roll-call incident names its meeting and checkpoint
            "checkpoint": "two_hours",
            "at": "2019-09-05T07:10:00+08:00",
        },
    ]
    return {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "units": [
            {"code": NANPING, "name": "南平市", "level": "city"},
            {"code": YANPING, "name": "延平区", "level": "county", "parent": NANPING},
            {"code": SHAOWU, "name": "邵武市", "level": "county", "parent": NANPING},
        ],
        "meetings": [
            {"key": "np-0905", "title": "全省会议", "starts_at": "2019-09-05T09:00:00+08:00"}
        ],
        "incidents": incidents,
        "rooms": [
            {
                "unit": SHAOWU,
                "name": "会议室1",
                "at": "2019-01-08T00:00:00+08:00",
                "equipment": {"hd_display": True, "audio": False, "cabling": True},
            },
        ],
        "staffing": [
            {
                "unit": NANPING,
                "at": "2019-01-08T00:00:00+08:00",
                "leaders": ["陈明"],
                "staff": ["林海"],
            },
        ],
    }


@pytest.fixture
def two_cities(imported: TestClient) -> TestClient:
    response = imported.post("/api/records", json=nanping())
    assert response.status_code == 201, response.text
    return imported


def api_incidents(client: TestClient, year: int = 2019) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = client.get(
            "/api/incidents", params={"year": year, "limit": 500, "offset": len(found)}
        )
        assert page.status_code == 200, page.text
        found += page.json()["items"]
        if len(found) >= page.json()["total"]:
            return found


def workbook(client: TestClient, **params: str) -> Any:
    response = client.get("/api/exports/standings.xlsx", params={"year": "2019", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert 'filename="vcwatch-2019-standings.xlsx"' in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("as_of", [None, MIDYEAR], ids=["year-end", "mid-year"])
def test_the_workbook_holds_the_standings_figure_for_figure(
    two_cities: TestClient, as_of: str | None
) -> None:
    params = {"as_of": as_of} if as_of else {}
    expected = standings(two_cities, **params)
    book = workbook(two_cities, **params)
    cities = expected["cities"]
    assert book.sheetnames == ["视频会议考核", *(c["name"] for c in cities), "扣分明细"]

    # The indicator sheet: an item per row, a city per column, then the totals and the scores.
    indicator = rows_of(book["视频会议考核"])
    if as_of:  # without one the standings are known "now", a moment that moves
        assert expected["as_of"] in indicator[0][0]
    assert indicator[1][4:] == [f"{c['name']} 扣分" for c in cities]
    item_rows = indicator[2 : 2 + len(ITEMS_2019)]
    for row, (code, (points, cap)) in zip(item_rows, ITEMS_2019.items(), strict=True):
        assert row[:2] == ["信息化应用绩效", "视频会议（10分）"]
        assert f"扣{points}分" in row[2]
        assert cents(row[3]) == cents(cap)
        for cell, city in zip(row[4:], cities, strict=True):
            (item,) = [i for i in city["items"] if i["code"] == code]
            assert cents(cell) == cents(item["capped"]), (code, city["code"])
    deductions, scores = indicator[2 + len(ITEMS_2019) :]
    assert [cents(v) for v in deductions[4:]] == [cents(c["deduction"]) for c in cities]
    assert [cents(v) for v in scores[4:]] == [cents(c["score"]) for c in cities]

    # A sheet per city: its own venue, each county (own view), then the city's capped total.
    for city in cities:
        rows = rows_of(book[city["name"]])
        assert city["code"] in rows[0][0]
        units = [city["own"], *city["counties"]]
        body, total = rows[2 : 2 + len(units)], rows[2 + len(units)]
        assert len(rows) == 3 + len(units)
        for row, unit in zip(body, units, strict=True):
            assert row[0] == unit["code"]
            assert unit["name"] in row[1]
            assert cents(row[2]) == cents(unit["deduction"])
            assert [cents(v) for v in row[3:]] == [cents(i["capped"]) for i in unit["items"]]
        assert cents(total[2]) == cents(city["deduction"])
        assert [cents(v) for v in total[3:]] == [cents(i["capped"]) for i in city["items"]]

    # The incident sheet: every incident of the year, voided ones with their void.
    incident_rows = rows_of(book["扣分明细"])
    header = incident_rows[0]
    listed = {
        row[header.index("key")]: dict(zip(header, row, strict=True)) for row in incident_rows[1:]
    }
    from_api = {i["key"]: i for i in api_incidents(two_cities)}
    assert listed.keys() == from_api.keys()
    for key, incident in from_api.items():
        row = listed[key]
        assert (row["unit"], row["type"], row["item"]) == (
            incident["unit"],
            incident["type"],
            incident["item"],
        )
        assert cents(row["points"]) == cents(incident["points"])
        assert bool(row["voided_at"]) == (incident["voided"] is not None)
        assert (row["note"] or None) == incident["note"]


def test_the_figures_cover_the_edge_cases(two_cities: TestClient) -> None:
    """The export is checked against the API above; here the API and the workbook against the
    rules, so the comparison is not between two wrong answers: a city over 10.00 scores 0.00, and
    standings at mid-year see only what had happened by then."""
    cities = standings(two_cities)["cities"]
    column = 4 + [c["code"] for c in cities].index(NANPING)
    south = cities[column - 4]
    assert (south["score"], south["deduction"]) == ("0.00", "10.00")
    (criticism,) = [i for i in south["items"] if i["code"] == "leader_criticism"]
    assert (criticism["raw"], criticism["capped"]) == ("10.50", "10.00")
    *_, deductions, scores = rows_of(workbook(two_cities)["视频会议考核"])
    assert (cents(deductions[column]), cents(scores[column])) == (Decimal("10.00"), Decimal("0.00"))

    at_midyear = next(
        c for c in standings(two_cities, as_of=MIDYEAR)["cities"] if c["code"] == NANPING
    )
    assert at_midyear["deduction"] != south["deduction"]  # the later criticisms are not yet seen


def test_the_csv_round_trips_to_the_incident_list(two_cities: TestClient) -> None:
    response = two_cities.get("/api/exports/incidents.csv", params={"year": 2019})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="vcwatch-2019-incidents.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # so spreadsheets read it as UTF-8

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    from_api = api_incidents(two_cities)
    assert len(rows) == len(from_api)
    as_csv = {
        r["key"]: (r["unit"], r["type"], r["item"], r["points"], r["voided_at"] != "") for r in rows
    }
    as_api = {
        i["key"]: (i["unit"], i["type"], i["item"], i["points"], i["voided"] is not None)
        for i in from_api
    }
    assert as_csv == as_api
    by_key = {r["key"]: r for r in rows}
    assert by_key["np-note"]["note"] == AWKWARD_NOTE
    assert (by_key["np-note"]["unit_name"], by_key["np-note"]["type_name"]) == ("邵武市", "照明")
    assert by_key["np-void"]["void_reason"] == "误标"
    assert by_key["w1"]["checkpoint"] == "two_hours"


@pytest.mark.parametrize(
    "path",
    ["/api/exports/standings.xlsx", "/api/exports/incidents.csv", "/api/records"],
)
@pytest.mark.parametrize("year", ["2030", "1800", "soon"])
def test_a_year_without_a_period_is_refused(imported: TestClient, path: str, year: str) -> None:
    response = imported.get(path, params={"year": year})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"][0]["loc"][-1] == "year"


@pytest.mark.parametrize(
    "path",
    [
        "/api/exports/standings.xlsx?year=2019",
        "/api/exports/incidents.csv?year=2019",
        "/api/records?year=2019",
    ],
)
@pytest.mark.parametrize(
    ("role", "unit", "status"),
    [
        ("reviewer", None, 200),
        ("admin", None, 200),
        ("controller", None, 403),
        ("county_it", "350402", 403),
    ],
)
def test_reviewers_may_export_controllers_and_counties_may_not(
    imported: TestClient, login: Login, path: str, role: str, unit: str | None, status: int
) -> None:
    response = login(role, unit=unit).get(path)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.content
