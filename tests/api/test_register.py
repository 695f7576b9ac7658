"""The room register and staffing (items 3-5): append-only history, state at a moment, findings."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import assert_refused, dotted, item_of, now_in_shanghai, standings, unit_score

FULL = {"hd_display": True, "audio": True, "cabling": True}
DERIVED = ("hd_rooms", "room_equipment", "staffing")


def _room(client: TestClient, **body: Any) -> Any:
    return client.post("/api/rooms", json=body)


def test_a_room_entry_is_recorded_in_the_interchange_shape(imported: TestClient) -> None:
    response = _room(
        imported,
        unit="350403",
        name="会议室2",
        at="2019-03-01T00:00:00+08:00",
        equipment={"hd_display": True, "audio": True},
        details={"camera": "HD-100", "notes": "二楼"},
        source="onsite_inspection",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["unit"], body["name"], body["at"], body["removed"]) == (
        "350403",
        "会议室2",
        "2019-03-01T00:00:00+08:00",
        False,
    )
    assert body["equipment"] == {"hd_display": True, "audio": True, "cabling": False}
    assert body["details"]["camera"] == "HD-100"
    assert body["source"] == "onsite_inspection"


def test_a_room_entry_without_time_takes_effect_now(imported: TestClient) -> None:
    before = now_in_shanghai().replace(microsecond=0)

    body = _room(imported, unit="350403", name="会议室2", equipment=FULL).json()

    assert datetime.fromisoformat(body["at"]) >= before
    names = {r["name"] for r in imported.get("/api/units/350403/rooms").json()}
    assert names == {"会议室1", "会议室2"}


def test_the_register_shows_the_latest_entry_of_each_room_and_drops_removed_rooms(
    imported: TestClient,
) -> None:
    _room(imported, unit="350402", name="会议室2", at="2019-05-01T00:00:00+08:00", equipment=FULL)
    _room(imported, unit="350402", name="会议室3", at="2019-06-01T00:00:00+08:00", removed=True)

    current = imported.get("/api/units/350402/rooms").json()
    history = imported.get("/api/units/350402/rooms/history").json()
    in_april = imported.get(
        "/api/units/350402/rooms", params={"as_of": "2019-04-01T00:00:00+08:00"}
    ).json()

    assert {r["name"]: r["equipment"] for r in current} == {"会议室1": FULL, "会议室2": FULL}
    assert [(r["name"], r["at"][:10], r["removed"]) for r in history] == [
        ("会议室1", "2019-01-05", False),
        ("会议室2", "2019-01-05", False),
        ("会议室3", "2019-01-05", False),
        ("会议室2", "2019-05-01", False),
        ("会议室3", "2019-06-01", True),
    ]
    assert {r["name"]: r["equipment"]["audio"] for r in in_april} == {
        "会议室1": True,
        "会议室2": False,
        "会议室3": True,
    }


def test_register_changes_move_items_3_and_4_from_their_time_on(imported: TestClient) -> None:
    _room(imported, unit="350403", name="会议室2", at="2019-07-01T00:00:00+08:00", equipment=FULL)
    _room(
        imported,
        unit="350403",
        name="会议室3",
        at="2019-07-01T00:00:00+08:00",
        equipment={"hd_display": True},
    )
    _room(imported, unit="350402", name="会议室3", at="2019-08-01T00:00:00+08:00", removed=True)

    june = standings(imported, as_of="2019-06-30T23:59:59+08:00")
    year_end = standings(imported)

    def figures(body: dict[str, Any], unit: str) -> tuple[str, ...]:
        items = unit_score(body, unit)["items"]
        return tuple(item_of(items, code)["raw"] for code in ("hd_rooms", "room_equipment"))

    assert figures(june, "350403") == ("0.10", "0.00")
    assert figures(year_end, "350403") == ("0.00", "0.20")
    assert figures(june, "350402") == ("0.00", "0.30")
    assert figures(year_end, "350402") == ("0.05", "0.10")


def test_a_staffing_entry_replaces_the_units_lists_from_its_time_on(imported: TestClient) -> None:
    response = imported.post(
        "/api/staffing",
        json={
            "unit": "350403",
            "at": "2019-07-01T00:00:00+08:00",
            "leaders": ["王五"],
            "staff": [{"name": "孙八", "phone": "0598-8888888"}],
        },
    )

    assert response.status_code == 201
    assert (response.json()["leaders"], response.json()["staff"]) == (
        [{"name": "王五", "phone": None}],
        [{"name": "孙八", "phone": "0598-8888888"}],
    )
    history = imported.get("/api/units/350403/staffing").json()
    assert [(s["at"], len(s["leaders"]), len(s["staff"])) for s in history] == [
        ("2019-01-05T00:00:00+08:00", 1, 0),
        ("2019-07-01T00:00:00+08:00", 1, 1),
    ]
    june = standings(imported, as_of="2019-06-30T23:59:59+08:00")
    assert item_of(unit_score(june, "350403")["items"], "staffing")["raw"] == "0.50"
    assert item_of(unit_score(standings(imported), "350403")["items"], "staffing")["raw"] == "0.00"
    assert standings(imported)["cities"][0]["deduction"] == "1.90"


def test_a_staffing_entry_without_time_takes_effect_now(imported: TestClient) -> None:
    response = imported.post("/api/staffing", json={"unit": "350400", "leaders": ["赵六"]})

    assert response.status_code == 201
    assert int(response.json()["at"][:4]) >= now_in_shanghai().year
    assert imported.get("/api/units/350400/staffing").json()[-1]["staff"] == []


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/rooms", {"unit": "350499", "name": "x"}, 404, "unit"),
        ("/api/rooms", {"unit": "350402"}, 422, "name"),
        ("/api/rooms", {"unit": "350402", "name": "   "}, 422, "name"),
        (
            "/api/rooms",
            {"unit": "350402", "name": "x", "equipment": {"mcu": True}},
            422,
            "equipment.mcu",
        ),
        ("/api/rooms", {"unit": "350402", "name": "x", "at": "2019-01-01T00:00:00"}, 422, "at"),
        ("/api/rooms", {"unit": "350402", "name": "x", "source": "rumour"}, 422, "source"),
        ("/api/staffing", {"unit": "350499"}, 404, "unit"),
        ("/api/staffing", {"unit": "350402", "leaders": [""]}, 422, "leaders[0]"),
        ("/api/staffing", {"unit": "350402", "leaders": ["甲"] * 21}, 422, "leaders"),
        ("/api/staffing", {"unit": "350402", "staff": "李四"}, 422, "staff"),
    ],
)
def test_a_bad_register_entry_is_refused_naming_the_field(
    imported: TestClient, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    response = imported.post(path, json=body)

    assert_refused(response, status, field)
    assert len(imported.get("/api/units/350402/rooms/history").json()) == 3
    assert len(imported.get("/api/units/350402/staffing").json()) == 1


@pytest.mark.parametrize("path", ["rooms", "rooms/history", "staffing", "findings"])
def test_the_register_of_an_unknown_unit_is_not_found(imported: TestClient, path: str) -> None:
    response = imported.get(f"/api/units/350499/{path}", params={"year": "2019"})

    assert_refused(response, 404, "unit")


@pytest.mark.parametrize(
    ("unit", "as_of", "lines"),
    [
        pytest.param(
            "350402",
            None,
            ["会议室2缺音频设备 −0.10", "会议室3缺高清显示设备、网络综合布线 −0.20"],
            id="county-with-incomplete-rooms",
        ),
        pytest.param(
            "350403",
            None,
            ["缺少2间高清会议室 −0.10", "缺视频会议专职人员 −0.50"],
            id="county-short-of-rooms-and-staff",
        ),
        pytest.param("350400", None, [], id="city-needs-no-rooms"),
        pytest.param(
            "350403",
            "2019-01-04T00:00:00+08:00",
            ["缺少3间高清会议室 −0.15", "缺分管领导和视频会议专职人员 −0.50"],
            id="county-before-its-register",
        ),
        pytest.param(
            "350400",
            "2019-01-04T00:00:00+08:00",
            ["缺分管领导和视频会议专职人员 −0.50"],
            id="city-before-its-staffing",
        ),
    ],
)
def test_findings_explain_items_3_to_5_and_add_up_to_the_standings(
    imported: TestClient, unit: str, as_of: str | None, lines: list[str]
) -> None:
    params = {"year": "2019"} | ({"as_of": as_of} if as_of else {})

    response = imported.get(f"/api/units/{unit}/findings", params=params)

    assert response.status_code == 200
    findings = response.json()
    assert [f["line"] for f in findings] == lines
    items = unit_score(standings(imported, **({"as_of": as_of} if as_of else {})), unit)["items"]
    for code in DERIVED:
        mine = [f for f in findings if f["item"] == code]
        item = item_of(items, code)
        assert sum((Decimal(f["points"]) for f in mine), Decimal("0.00")) == Decimal(item["raw"])
        assert sum(f["occurrences"] for f in mine) == item["occurrences"]
    for finding in findings:
        assert finding["line"] == f"{finding['text']} −{finding['points']}"


def test_findings_of_a_year_without_period_are_refused(imported: TestClient) -> None:
    assert_refused(imported.get("/api/units/350402/findings", params={"year": "2018"}), 422, "year")


def _ahead(delta: timedelta) -> str:
    return (now_in_shanghai() + delta).isoformat()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/api/rooms", {"unit": "350403", "name": "会议室9"}, id="room"),
        pytest.param("/api/staffing", {"unit": "350403", "leaders": ["王五"]}, id="staffing"),
    ],
)
def test_nobody_dates_a_register_entry_in_the_future(
    imported: TestClient, path: str, body: dict[str, Any]
) -> None:
    scores = standings(imported)
    history = imported.get("/api/units/350403/register/history").json()

    response = imported.post(path, json=body | {"at": _ahead(timedelta(minutes=5))})

    assert_refused(response, 422, "at")
    assert response.json()["detail"][0]["code"] == "register.future"
    assert imported.get("/api/units/350403/register/history").json() == history
    assert standings(imported) == scores


def test_a_register_save_dated_ahead_is_refused_but_clock_skew_is_tolerated(
    imported: TestClient,
) -> None:
    body = {"rooms": [{"name": "会议室1", "equipment": FULL}], "staffing": {"staff": ["钱七"]}}

    ahead = imported.put(
        "/api/units/350403/register", json=body | {"at": _ahead(timedelta(days=200))}
    )
    skewed = imported.put(
        "/api/units/350403/register", json=body | {"at": _ahead(timedelta(seconds=20))}
    )

    assert_refused(ahead, 422, "at")
    assert ahead.json()["detail"][0]["code"] == "register.future"
    assert skewed.status_code == 200, skewed.json()


def test_an_import_dating_the_register_in_the_future_is_refused_whole(
    imported: TestClient, worked_example: dict[str, Any]
) -> None:
    later = _ahead(timedelta(days=1))
    data = worked_example | {
        "rooms": [*worked_example["rooms"], {"unit": "350403", "name": "新厅", "at": later}],
    }

    response = imported.post("/api/records", json=data)

    assert response.status_code == 422
    fields = [dotted(e["loc"]) for e in response.json()["detail"]]
    assert fields == [f"rooms[{len(worked_example['rooms'])}].at"]
    assert response.json()["detail"][0]["code"] == "register.future"
    names = {r["name"] for r in imported.get("/api/units/350403/rooms/history").json()}
    assert "新厅" not in names


def test_a_room_entry_goes_through_the_register_save_and_writes_only_a_change(
    imported: TestClient,
) -> None:
    first = _room(imported, unit="350403", name="会议室2", equipment=FULL)
    again = _room(imported, unit="350403", name="会议室2", equipment=FULL)
    history = imported.get("/api/units/350403/rooms/history").json()
    audit = imported.get("/api/audit", params={"entity": "register"}).json()["items"]

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["at"] == first.json()["at"]
    assert [r["name"] for r in history].count("会议室2") == 1
    assert any(e["action"] == "register.saved" and e["entity_key"] == "350403" for e in audit)


def test_taking_out_a_room_that_is_not_there_is_not_found(imported: TestClient) -> None:
    response = _room(imported, unit="350403", name="不存在的厅", removed=True)

    assert_refused(response, 404, "name")
    assert response.json()["detail"][0]["code"] == "register.no_room"
