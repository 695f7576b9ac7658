"""Assessment periods and the rulebook editions they are bound to."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import ITEMS_2019, assert_refused, period_public

ITEMS_2017 = {
    "roll_call": ("0.05", "1.00"),
    "venue_order": ("0.05", "2.00"),
    "hd_rooms": ("0.05", "1.00"),
    "room_equipment": ("0.10", "2.00"),
    "staffing": ("0.50", "2.00"),
    "install_cooperation": ("0.50", "2.00"),
}


def test_a_period_is_created_and_read_back(client: TestClient) -> None:
    response = client.put("/api/periods/2020", json={"edition": "2019"})

    assert response.status_code == 200
    assert response.json() == period_public(2020, "2019")
    assert client.get("/api/periods/2020").json() == period_public(2020, "2019")
    assert client.get("/api/periods").json() == [{**period_public(2020, "2019"), "incidents": 0}]


def test_putting_a_period_again_is_idempotent(client: TestClient) -> None:
    client.put("/api/periods/2020", json={"edition": "2019"})

    response = client.put("/api/periods/2020", json={"edition": "2019"})

    assert response.status_code == 200
    assert client.get("/api/periods").json() == [{**period_public(2020, "2019"), "incidents": 0}]


def test_the_edition_may_change_while_no_incident_needs_the_old_one(client: TestClient) -> None:
    client.put("/api/periods/2018", json={"edition": "2019"})

    response = client.put("/api/periods/2018", json={"edition": "2017"})

    assert response.json() == period_public(2018, "2017")
    assert client.get("/api/periods/2018/rulebook").json()["edition"] == "2017"


def test_the_edition_cannot_change_when_incidents_would_lose_their_type(
    imported: TestClient,
) -> None:
    body = {"edition": "2017", "force": True, "reason": "改用2017版"}
    response = imported.put("/api/periods/2019", json=body)

    assert_refused(response, 422, "edition")
    assert "install.skipped_joint_debug" in response.json()["detail"][0]["msg"]
    assert imported.get("/api/periods/2019").json()["edition"] == "2019"


@pytest.mark.parametrize(
    ("year", "body", "status", "field"),
    [
        ("2020", {"edition": "2018"}, 422, "edition"),
        ("2020", {"edition": "nineteen"}, 422, "edition"),
        ("2020", {}, 422, "edition"),
        ("2020", {"edition": "2019", "title": "x"}, 422, "title"),
        ("1989", {"edition": "2019"}, 422, "year"),
        ("2101", {"edition": "2019"}, 422, "year"),
        ("this", {"edition": "2019"}, 422, "year"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(
    client: TestClient, year: str, body: dict[str, Any], status: int, field: str
) -> None:
    response = client.put(f"/api/periods/{year}", json=body)

    assert_refused(response, status, field)
    assert client.get("/api/periods").json() == []


def test_an_unknown_period_is_not_found(client: TestClient) -> None:
    assert_refused(client.get("/api/periods/2020"), 404, "year")
    assert_refused(client.get("/api/periods/2020/rulebook"), 404, "year")


@pytest.mark.parametrize(("edition", "items"), [("2017", ITEMS_2017), ("2019", ITEMS_2019)])
def test_a_rulebook_lists_its_items_with_points_and_caps(
    client: TestClient, edition: str, items: dict[str, tuple[str, str]]
) -> None:
    response = client.get(f"/api/rulebooks/{edition}")

    assert response.status_code == 200
    body = response.json()
    assert (body["edition"], body["full_marks"]) == (edition, "10.00")
    assert {i["code"]: (i["points"], i["cap"]) for i in body["items"]} == items
    assert [i["code"] for i in body["items"]] == list(items)
    derived = {i["code"]: i["derived"] for i in body["items"] if i["derived"]}
    assert derived == {
        "hd_rooms": "hd_rooms",
        "room_equipment": "room_equipment",
        "staffing": "staffing",
    }


@pytest.mark.parametrize(
    ("edition", "item", "present", "absent"),
    [
        ("2017", "venue_order", {"venue.picture_moved", "venue.picture_lost"}, set()),
        ("2019", "venue_order", set(), {"venue.picture_moved", "venue.picture_lost"}),
        ("2017", "install_cooperation", set(), {"install.skipped_joint_debug"}),
        ("2019", "install_cooperation", {"install.skipped_joint_debug"}, set()),
        ("2019", "leader_criticism", {"criticism.named_by_leader"}, set()),
    ],
)
def test_the_editions_differ_as_the_design_says(
    client: TestClient, edition: str, item: str, present: set[str], absent: set[str]
) -> None:
    body = client.get(f"/api/rulebooks/{edition}").json()

    (rule,) = [i for i in body["items"] if i["code"] == item]
    types = {t["code"] for t in rule["types"]}
    assert present <= types
    assert not absent & types


@pytest.mark.parametrize(("edition", "name"), [("2017", "摄像头位置"), ("2019", "视频会场图像")])
def test_framing_is_named_by_each_edition(client: TestClient, edition: str, name: str) -> None:
    body = client.get(f"/api/rulebooks/{edition}").json()

    names = {t["code"]: t["name"] for i in body["items"] for t in i["types"]}
    assert name in names["venue.framing"]


@pytest.mark.parametrize(
    ("edition", "status"), [("2018", 404), ("1999", 404), ("19", 422), ("abcd", 422)]
)
def test_an_unknown_edition_is_refused(client: TestClient, edition: str, status: int) -> None:
    assert_refused(client.get(f"/api/rulebooks/{edition}"), status, "edition")


def test_a_periods_rulebook_is_its_editions(imported: TestClient) -> None:
    assert (
        imported.get("/api/periods/2019/rulebook").json()
        == imported.get("/api/rulebooks/2019").json()
    )
