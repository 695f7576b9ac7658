"""Editing a unit's register as a whole: explanation lines, versions, history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.timezone import assessment_year

DERIVED = ("hd_rooms", "room_equipment", "staffing")
YEAR = assessment_year(datetime.now(UTC))


@pytest.fixture
def world(imported: TestClient) -> TestClient:
    assert imported.put(f"/api/periods/{YEAR}", json={"edition": "2019"}).status_code == 200
    return imported


def register_now(client: TestClient, code: str) -> tuple[str, dict[str, Any]]:
    """The unit's register at this moment, and the moment: asked again `at` it answers the same
    (its `as_of` is the moment asked for, which "now" would move on). A later write still shows:
    the `version` counts every record of the unit, whatever the moment."""
    at = datetime.now(UTC).isoformat()
    return at, register_at(client, code, at)


def register_at(client: TestClient, code: str, at: str) -> dict[str, Any]:
    response = client.get(f"/api/units/{code}/register", params={"as_of": at})
    assert response.status_code == 200, response.text
    register: dict[str, Any] = response.json()
    return register


def unit_items(client: TestClient, code: str) -> dict[str, Decimal]:
    city = client.get("/api/scores", params={"year": YEAR}).json()["cities"][0]
    unit = (
        city["own"]
        if city["own"]["code"] == code
        else next(c for c in city["counties"] if c["code"] == code)
    )
    return {i["code"]: Decimal(i["raw"]) for i in unit["items"] if i["code"] in DERIVED}


@pytest.mark.parametrize("code", ["350400", "350402", "350403"])
def test_explanation_lines_add_up_to_the_engines_items_3_to_5(world: TestClient, code: str) -> None:
    findings = world.get(f"/api/units/{code}/register").json()["findings"]
    totals = dict.fromkeys(DERIVED, Decimal("0.00"))
    for finding in findings:
        totals[finding["item"]] += Decimal(finding["points"])
        assert finding["line"].endswith(f"−{finding['points']}")
    assert totals == unit_items(world, code)


def test_preview_shows_the_new_deduction_without_saving(world: TestClient) -> None:
    at, before = register_now(world, "350403")
    body = {
        "rooms": [
            {"name": "会议室1", "equipment": {"hd_display": True, "audio": True, "cabling": True}},
            {"name": "2号会议室", "equipment": {"hd_display": True}},
        ],
        "staffing": {"leaders": ["王五"], "staff": []},
    }
    lines = [f["line"] for f in world.post("/api/units/350403/register/preview", json=body).json()]
    assert "缺少1间高清会议室 −0.05" in lines
    assert "2号会议室缺音频设备、网络综合布线 −0.20" in lines
    assert register_at(world, "350403", at) == before


def test_a_stale_save_is_refused_and_nothing_is_written(world: TestClient) -> None:
    opened = world.get("/api/units/350403/register")
    version = opened.json()["version"]
    assert opened.headers["etag"] == f'"{version}"'
    first = {"rooms": [], "staffing": {"leaders": ["王五"], "staff": ["钱七"]}}
    assert (
        world.put(
            "/api/units/350403/register", json=first, headers={"If-Match": f'"{version}"'}
        ).status_code
        == 200
    )
    at, after_first = register_now(world, "350403")
    second = {"rooms": [{"name": "新会议室"}], "staffing": {"leaders": [], "staff": []}}
    stale = world.put(
        "/api/units/350403/register", json=second, headers={"If-Match": f'"{version}"'}
    )
    assert stale.status_code == 412
    assert stale.json()["detail"][0]["loc"] == ["If-Match"]
    assert "reload" in stale.json()["detail"][0]["msg"]
    assert register_at(world, "350403", at) == after_first


def test_history_shows_every_change_with_who_and_before_after(world: TestClient) -> None:
    version = world.get("/api/units/350402/register").json()["version"]
    body = {
        "rooms": [
            {"name": "会议室1", "equipment": {"hd_display": True, "audio": True, "cabling": True}},
            {"name": "会议室2", "equipment": {"hd_display": True, "audio": True, "cabling": True}},
            {"name": "三号厅", "renamed_from": "会议室3", "equipment": {"audio": True}},
        ],
        "staffing": {"leaders": [{"name": "张三", "phone": "0598-8888888"}], "staff": ["李四"]},
        "source": "onsite_inspection",
    }
    saved = world.put("/api/units/350402/register", json=body, headers={"If-Match": f'"{version}"'})
    assert saved.status_code == 200
    names = [room["name"] for room in saved.json()["rooms"]]
    assert sorted(names) == ["三号厅", "会议室1", "会议室2"]
    history = world.get("/api/units/350402/register/history").json()
    admin_changes = [
        c for c in history if c["recorded_by"] == "admin" and c["at"].startswith(str(YEAR))
    ]
    by_name = {(c["kind"], c["name"]): c for c in admin_changes}
    fixed = by_name[("room", "会议室2")]
    assert fixed["before"]["equipment"]["audio"] is False
    assert fixed["after"]["equipment"]["audio"] is True
    assert fixed["source"] == "onsite_inspection"
    assert by_name[("room", "会议室3")]["after"]["removed"] is True
    assert by_name[("room", "三号厅")]["before"] is None
    staffing = by_name[("staffing", None)]
    assert staffing["after"]["leaders"] == [{"name": "张三", "phone": "0598-8888888"}]
    assert ("room", "会议室1") not in by_name  # unchanged rooms write nothing


def test_two_rooms_with_one_name_are_refused(world: TestClient) -> None:
    body = {"rooms": [{"name": "A"}, {"name": "A"}], "staffing": {}}
    response = world.put("/api/units/350403/register", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["rooms[1]", "name"]
