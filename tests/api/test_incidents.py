"""Incidents: idempotent logging, the period's edition, voiding, listing and paging."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import (
    ITEMS_2019,
    assert_refused,
    city_of,
    incident_total,
    log_incident,
    now_in_shanghai,
    standings,
)

PHONE = {
    "unit": "350402",
    "type": "conduct.phone",
    "meeting": "m03",
    "at": "2019-04-10T09:40:00+08:00",
    "note": "前排有人玩手机",
}

TYPES_2019 = {
    "roll_call.absent": "roll_call",
    "roll_call.late": "roll_call",
    "venue.furniture": "venue_order",
    "venue.background": "venue_order",
    "venue.lighting": "venue_order",
    "venue.framing": "venue_order",
    "venue.poor_picture": "venue_order",
    "venue.tilted_picture": "venue_order",
    "venue.interference": "venue_order",
    "conduct.whispering": "venue_order",
    "conduct.sleeping": "venue_order",
    "conduct.smoking": "venue_order",
    "conduct.reading_book": "venue_order",
    "conduct.reading_newspaper": "venue_order",
    "conduct.phone": "venue_order",
    "install.no_tech_staff": "install_cooperation",
    "install.poor_cooperation": "install_cooperation",
    "install.skipped_joint_debug": "install_cooperation",
    "criticism.named_by_leader": "leader_criticism",
}


def test_a_new_incident_is_created_with_its_item_and_points(imported: TestClient) -> None:
    response = log_incident(imported, "k-1", **PHONE)

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("key", "unit", "type", "item", "points", "meeting")} == {
        "key": "k-1",
        "unit": "350402",
        "type": "conduct.phone",
        "item": "venue_order",
        "points": "0.05",
        "meeting": "m03",
    }
    assert (body["at"], body["note"], body["checkpoint"]) == (
        "2019-04-10T09:40:00+08:00",
        "前排有人玩手机",
        None,
    )
    assert (body["source"], body["evidence"], body["voided"]) == ("online_monitoring", None, None)
    assert imported.get("/api/incidents/k-1").json() == body | {"objections": []}


@pytest.mark.parametrize(("type_code", "item"), sorted(TYPES_2019.items()))
def test_every_type_of_the_2019_edition_deducts_its_items_points(
    imported: TestClient, type_code: str, item: str
) -> None:
    checkpoint = meeting = None
    if item == "roll_call":
        # A roll-call incident names its meeting and checkpoint.
        checkpoint, meeting = "half_day", "t-meeting"
        body = {"key": meeting, "title": "全省会议", "starts_at": "2019-08-02T09:00:00+08:00"}
        assert imported.post("/api/meetings", json=body).status_code == 201
    response = log_incident(
        imported,
        "t-1",
        unit="350403",
        type=type_code,
        meeting=meeting,
        checkpoint=checkpoint,
        at="2019-08-01T10:00:00+08:00",
    )

    assert response.status_code == 201
    assert (response.json()["item"], response.json()["points"]) == (item, ITEMS_2019[item][0])


def test_the_same_key_and_payload_again_returns_the_first_record(imported: TestClient) -> None:
    first = log_incident(imported, "k-1", **PHONE)

    again = log_incident(imported, "k-1", **PHONE)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_a_repeated_key_is_never_counted_twice(imported: TestClient) -> None:
    payload = {
        "unit": "350403",
        "type": "criticism.named_by_leader",
        "at": "2019-09-01T10:00:00+08:00",
    }
    statuses = [log_incident(imported, "crit-1", **payload).status_code for _ in range(3)]

    city = city_of(standings(imported))
    assert statuses == [201, 200, 200]
    assert city["items"][-1]["occurrences"] == 1
    assert (city["score"], city["deduction"]) == ("7.10", "2.90")
    assert incident_total(imported) == 30


def test_a_repeat_without_time_matches_the_first_logged_now(
    imported: TestClient, this_year: int
) -> None:
    payload = {"unit": "350402", "type": "conduct.sleeping"}
    first = log_incident(imported, "now-1", **payload)
    assert first.status_code == 201
    assert int(first.json()["at"][:4]) in (this_year, this_year + 1)

    again = log_incident(imported, "now-1", **payload)

    assert again.status_code == 200
    assert again.json() == first.json()


@pytest.mark.parametrize(
    "change",
    [
        {"type": "conduct.sleeping"},
        {"unit": "350403"},
        {"meeting": "m04"},
        {"note": "另一条备注"},
        {"source": "onsite_inspection"},
        {"at": "2019-04-10T09:41:00+08:00"},
    ],
)
def test_the_same_key_with_another_payload_is_a_conflict(
    imported: TestClient, change: dict[str, Any]
) -> None:
    assert log_incident(imported, "k-1", **PHONE).status_code == 201

    response = log_incident(imported, "k-1", **(PHONE | change))

    assert_refused(response, 409, "Idempotency-Key")
    assert imported.get("/api/incidents/k-1").json()["type"] == "conduct.phone"
    assert incident_total(imported) == 30


def test_an_incident_needs_an_idempotency_key(imported: TestClient) -> None:
    response = imported.post("/api/incidents", json=PHONE)

    assert_refused(response, 422, "idempotency-key")
    assert incident_total(imported) == 29


def test_an_idempotency_key_must_be_a_plain_token(imported: TestClient) -> None:
    response = log_incident(imported, "-no good", **PHONE)

    assert_refused(response, 422, "idempotency-key")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        pytest.param({"type": "venue.picture_lost"}, 422, "type", id="2017-only-type"),
        pytest.param({"type": "conduct.dancing"}, 422, "type", id="unknown-type"),
        pytest.param({"type": "phone"}, 422, "type", id="malformed-type"),
        pytest.param({"unit": "350499"}, 404, "unit", id="unknown-unit"),
        pytest.param({"unit": "3504"}, 422, "unit", id="malformed-unit"),
        pytest.param({"meeting": "m99"}, 422, "meeting", id="unknown-meeting"),
        pytest.param({"at": "2015-04-10T09:40:00+08:00"}, 422, "at", id="year-without-period"),
        pytest.param({"at": "2019-04-10T09:40:00"}, 422, "at", id="time-without-offset"),
        pytest.param({"at": "1980-04-10T09:40:00+08:00"}, 422, "at", id="time-out-of-range"),
        pytest.param({"checkpoint": "half_day"}, 422, "checkpoint", id="checkpoint-on-conduct"),
        pytest.param({"checkpoint": "noon"}, 422, "checkpoint", id="unknown-checkpoint"),
        pytest.param({"source": "rumour"}, 422, "source", id="unknown-source"),
        pytest.param({"note": "a\x00b"}, 422, "note", id="control-character"),
        pytest.param({"colour": "red"}, 422, "colour", id="unknown-field"),
    ],
)
def test_an_invalid_incident_is_refused_naming_the_field(
    imported: TestClient, change: dict[str, Any], status: int, field: str
) -> None:
    response = log_incident(imported, "bad-1", **(PHONE | change))

    assert_refused(response, status, field)
    assert imported.get("/api/incidents/bad-1").status_code == 404


def test_a_type_is_judged_by_the_edition_of_its_period(imported: TestClient) -> None:
    assert imported.put("/api/periods/2017", json={"edition": "2017"}).status_code == 200
    at = "2017-05-01T10:00:00+08:00"

    lost_2017 = log_incident(imported, "e-1", unit="350402", type="venue.picture_lost", at=at)
    install_2017 = log_incident(imported, "e-2", unit="350402", type="install.no_tech_staff", at=at)
    criticism_2017 = log_incident(
        imported, "e-3", unit="350402", type="criticism.named_by_leader", at=at
    )

    assert lost_2017.status_code == 201
    assert (lost_2017.json()["item"], lost_2017.json()["points"]) == ("venue_order", "0.05")
    assert install_2017.json()["points"] == "0.50"
    assert_refused(criticism_2017, 422, "type")


def test_voiding_keeps_the_incident_and_takes_its_points_off(
    imported: TestClient, this_year: int
) -> None:
    before = city_of(standings(imported, this_year))
    logged = log_incident(imported, "crit-1", unit="350403", type="criticism.named_by_leader")
    counted = city_of(standings(imported, this_year))

    response = imported.post("/api/incidents/crit-1/void", json={"reason": " 误标 "})

    assert response.status_code == 200
    voided = response.json()["voided"]
    assert voided["reason"] == "误标"
    assert voided["at"] >= logged.json()["at"]
    assert isinstance(voided["by"], str)
    assert imported.get("/api/incidents/crit-1").json()["voided"] == voided
    after = city_of(standings(imported, this_year))
    assert (before["deduction"], counted["deduction"], after["deduction"]) == (
        "0.90",
        "1.40",
        "0.90",
    )
    assert after["items"][-1]["occurrences"] == 0


def test_voiding_twice_is_a_conflict(imported: TestClient) -> None:
    assert imported.post("/api/incidents/w23/void", json={"reason": "误标"}).status_code == 200

    response = imported.post("/api/incidents/w23/void", json={"reason": "again"})

    assert_refused(response, 409, "key")
    assert imported.get("/api/incidents/w23").json()["voided"]["reason"] == "误标"


@pytest.mark.parametrize(
    ("key", "body", "status", "field"),
    [
        ("w23", {}, 422, "reason"),
        ("w23", {"reason": "   "}, 422, "reason"),
        ("w23", {"reason": "x", "by": "me"}, 422, "by"),
        ("nope", {"reason": "x"}, 404, "key"),
    ],
)
def test_a_void_needs_a_known_incident_and_a_reason(
    imported: TestClient, key: str, body: dict[str, Any], status: int, field: str
) -> None:
    response = imported.post(f"/api/incidents/{key}/void", json=body)

    assert_refused(response, status, field)
    assert imported.get("/api/incidents/w23").json()["voided"] is None


def test_an_unknown_incident_is_not_found(imported: TestClient) -> None:
    assert_refused(imported.get("/api/incidents/nope"), 404, "key")


def _keys(*numbers: int) -> set[str]:
    return {f"w{n}" for n in numbers}


LIST_FILTERS = [
    pytest.param({}, _keys(*range(1, 30)), id="all"),
    pytest.param({"year": "2019"}, _keys(*range(1, 30)), id="year"),
    pytest.param({"unit": "350403"}, _keys(20, 21, 27, 28, 29), id="unit"),
    pytest.param({"unit": ["350403", "350400"]}, _keys(20, 21, 22, 27, 28, 29), id="units"),
    pytest.param({"item": "venue_order"}, _keys(23, 24, 25, 26, 27, 28), id="item"),
    pytest.param({"type": "roll_call.late"}, _keys(16, 17, 18, 19, 20, 21), id="type"),
    pytest.param({"meeting": "m00"}, _keys(1, 16, 20, 22, 23, 26, 27), id="meeting"),
    pytest.param({"source": "onsite_inspection"}, _keys(29), id="source"),
    pytest.param(
        {"from": "2019-06-01T10:00:00+08:00"}, _keys(6, 7, 8, 9, 10, 11, 12, 29), id="from"
    ),
    pytest.param({"to": "2019-01-10T07:00:00+08:00"}, set(), id="to-is-exclusive"),
    pytest.param(
        {"from": "2019-01-10T07:00:00+08:00", "to": "2019-01-10T07:00:01+08:00"},
        _keys(1, 13, 16, 20, 22, 23, 26, 27),
        id="from-to",
    ),
    pytest.param(
        {"unit": "350402", "item": "roll_call", "to": "2019-02-11T00:00:00+08:00"},
        _keys(1, 2, 13, 14, 16, 17),
        id="combined",
    ),
    pytest.param({"voided": "true"}, _keys(23, 28), id="voided"),
    pytest.param({"voided": "false"}, _keys(*range(1, 30)) - _keys(23, 28), id="live"),
]


@pytest.mark.parametrize(("params", "keys"), LIST_FILTERS)
def test_the_list_filters_incidents(
    imported: TestClient, params: dict[str, Any], keys: set[str]
) -> None:
    for key in ("w23", "w28"):
        assert (
            imported.post(f"/api/incidents/{key}/void", json={"reason": "误标"}).status_code == 200
        )

    response = imported.get("/api/incidents", params={**params, "limit": "500"})

    assert response.status_code == 200
    body = response.json()
    assert {i["key"] for i in body["items"]} == keys
    assert body["total"] == len(keys)


def test_the_list_pages_through_every_incident_once_newest_first(imported: TestClient) -> None:
    pages = [
        imported.get("/api/incidents", params={"limit": "10", "offset": str(offset)}).json()
        for offset in (0, 10, 20, 30)
    ]

    assert [(p["total"], p["limit"], p["offset"], len(p["items"])) for p in pages] == [
        (29, 10, 0, 10),
        (29, 10, 10, 10),
        (29, 10, 20, 9),
        (29, 10, 30, 0),
    ]
    listed = [i for p in pages for i in p["items"]]
    assert sorted(i["key"] for i in listed) == sorted(f"w{n}" for n in range(1, 30))
    times = [i["at"] for i in listed]
    assert times == sorted(times, reverse=True)


def test_the_list_has_a_default_page_size(imported: TestClient) -> None:
    body = imported.get("/api/incidents").json()

    assert (body["limit"], body["offset"], body["total"]) == (50, 0, 29)


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"year": "2018"}, 422, "year"),
        ({"limit": "0"}, 422, "limit"),
        ({"limit": "501"}, 422, "limit"),
        ({"offset": "-1"}, 422, "offset"),
        ({"unit": "35040"}, 422, "unit[0]"),
        ({"voided": "perhaps"}, 422, "voided"),
        ({"from": "2019-01-01"}, 422, "from"),
        ({"item": "Roll Call"}, 422, "item"),
    ],
)
def test_the_list_refuses_bad_filters(
    imported: TestClient, params: dict[str, str], status: int, field: str
) -> None:
    assert_refused(imported.get("/api/incidents", params=params), status, field)


def test_an_incident_shows_its_objections(imported: TestClient) -> None:
    filed = imported.post("/api/objections", json={"incident": "w27", "reason": "当时在记录会议"})
    assert filed.status_code == 201

    detail = imported.get("/api/incidents/w27").json()

    assert detail["objections"] == [filed.json()]
    assert detail["objections"][0]["status"] == "open"


def test_logged_now_the_incident_carries_the_current_time(
    imported: TestClient, this_year: int
) -> None:
    response = log_incident(imported, "now-2", unit="350402", type="venue.lighting")

    assert response.status_code == 201
    assert int(response.json()["at"][:4]) in (this_year, this_year + 1)
    assert datetime.fromisoformat(response.json()["at"]) <= now_in_shanghai()
