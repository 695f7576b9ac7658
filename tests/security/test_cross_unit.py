"""A county account sees and writes its own unit only: another unit's objects answer 404, as if
they did not exist, and nothing changes; listings hold its own unit only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.policy import COUNTY_IT, RULES
from app.db.engine import Database

from .conftest import OTHER_UNIT, OWN_UNIT, World
from .support import write_audit_count

UNIT_SCOPES = frozenset(
    {
        "unit_path",
        "incident_path",
        "objection_path",
        "evidence_path",
        "body_unit",
        "body_incident",
        "query_unit",
    }
)
EMPTY_REGISTER = {"rooms": [], "staffing": {"leaders": [], "staff": []}}
UNTAGGED_INCIDENT = "with-evidence"  # of OWN_UNIT, without an objection

Request = Callable[[World], dict[str, Any]]

# Every route that takes an object of a unit and that a county account may call, with a request
# that would succeed for the county owning the object (OWN_UNIT).
OBJECT_REQUESTS: dict[tuple[str, str], Request] = {
    ("GET", "/api/units/{code}"): lambda w: {"url": f"/api/units/{OWN_UNIT}"},
    ("GET", "/api/units/{code}/rooms"): lambda w: {"url": f"/api/units/{OWN_UNIT}/rooms"},
    ("GET", "/api/units/{code}/rooms/history"): lambda w: {
        "url": f"/api/units/{OWN_UNIT}/rooms/history"
    },
    ("GET", "/api/units/{code}/staffing"): lambda w: {"url": f"/api/units/{OWN_UNIT}/staffing"},
    ("GET", "/api/units/{code}/findings"): lambda w: {
        "url": f"/api/units/{OWN_UNIT}/findings?year=2019"
    },
    ("GET", "/api/units/{code}/register"): lambda w: {"url": f"/api/units/{OWN_UNIT}/register"},
    ("PUT", "/api/units/{code}/register"): lambda w: {
        "url": f"/api/units/{OWN_UNIT}/register",
        "json": EMPTY_REGISTER,
    },
    ("POST", "/api/units/{code}/register/preview"): lambda w: {
        "url": f"/api/units/{OWN_UNIT}/register/preview",
        "json": EMPTY_REGISTER,
    },
    ("GET", "/api/units/{code}/register/history"): lambda w: {
        "url": f"/api/units/{OWN_UNIT}/register/history"
    },
    ("POST", "/api/rooms"): lambda w: {
        "url": "/api/rooms",
        "json": {"unit": OWN_UNIT, "name": "会议室1", "removed": True},
    },
    ("POST", "/api/staffing"): lambda w: {
        "url": "/api/staffing",
        "json": {"unit": OWN_UNIT, "leaders": [], "staff": []},
    },
    ("GET", "/api/incidents/{key}"): lambda w: {"url": f"/api/incidents/{w.incident}"},
    ("GET", "/api/evidence/{name}"): lambda w: {"url": f"/api/evidence/{w.evidence}"},
    ("POST", "/api/objections"): lambda w: {
        "url": "/api/objections",
        "json": {"incident": UNTAGGED_INCIDENT, "reason": "不认可"},
    },
    ("GET", "/api/objections/{objection_id}"): lambda w: {"url": f"/api/objections/{w.objection}"},
    ("GET", "/api/charts/monthly"): lambda w: {
        "url": "/api/charts/monthly",
        "params": {"year": "2019", "unit": OWN_UNIT},
    },
}

# Writes naming another unit's object that a county account may not make at all.
FORBIDDEN_WRITES: dict[str, Request] = {
    "log an incident": lambda w: {
        "method": "POST",
        "url": "/api/incidents",
        "json": {"unit": OWN_UNIT, "type": "conduct.phone", "at": "2019-05-10T09:45:00+08:00"},
        "headers": {"Idempotency-Key": "intruder"},
    },
    "void an incident": lambda w: {
        "method": "POST",
        "url": f"/api/incidents/{w.incident}/void",
        "json": {"reason": "误标"},
    },
    "mark a roll call": lambda w: {
        "method": "PUT",
        "url": f"/api/meetings/m05/roll-call/half_day/{OWN_UNIT}",
        "json": {"status": "absent"},
    },
    "rule on an objection": lambda w: {
        "method": "POST",
        "url": f"/api/objections/{w.objection}/ruling",
        "json": {"decision": "uphold", "reason": "成立"},
    },
}


def state(admin: TestClient, db: Database) -> dict[str, Any]:
    """What a refused request must leave as it was."""

    def read(url: str, **params: Any) -> Any:
        response = admin.get(url, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    register = read(f"/api/units/{OWN_UNIT}/register")
    register.pop("as_of")  # the moment it was read
    return {
        "incidents": read("/api/incidents", limit=500),
        "objections": read("/api/objections", limit=500),
        "register": register,
        "register history": read(f"/api/units/{OWN_UNIT}/register/history"),
        "rooms": read(f"/api/units/{OWN_UNIT}/rooms/history"),
        "staffing": read(f"/api/units/{OWN_UNIT}/staffing"),
        "roll call": read("/api/meetings/m05/roll-call"),
        "audited writes": write_audit_count(db),
    }


def test_every_object_route_open_to_county_accounts_is_covered() -> None:
    scoped = {
        op for op, rule in RULES.items() if COUNTY_IT in rule.roles and rule.scope in UNIT_SCOPES
    }
    assert scoped == set(OBJECT_REQUESTS)


@pytest.mark.parametrize(("method", "path"), sorted(OBJECT_REQUESTS))
def test_another_units_object_is_not_found_and_nothing_changes(
    world: World, db: Database, method: str, path: str
) -> None:
    request = OBJECT_REQUESTS[(method, path)](world)
    before = state(world.admin, db)
    refused = world.other_county.request(method, **request)
    assert refused.status_code == 404, refused.text
    assert state(world.admin, db) == before
    owner = world.county.request(method, **request)
    assert owner.status_code in (200, 201), owner.text


@pytest.mark.parametrize("write", sorted(FORBIDDEN_WRITES))
def test_a_write_a_county_account_may_not_make_changes_nothing(
    world: World, db: Database, write: str
) -> None:
    before = state(world.admin, db)
    for client in (world.county, world.other_county):
        response = client.request(**FORBIDDEN_WRITES[write](world))
        assert response.status_code == 403, response.text
    assert state(world.admin, db) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/units/{unit}",
        "/api/units/{unit}/rooms",
        "/api/incidents/{incident}",
        "/api/objections/{objection}",
    ],
)
def test_another_units_object_looks_like_one_that_does_not_exist(world: World, url: str) -> None:
    theirs = url.format(unit=OWN_UNIT, incident=world.incident, objection=world.objection)
    missing = url.format(unit="999999", incident="no-such-incident", objection=2_000_000)
    refused = world.other_county.get(theirs)
    absent = world.other_county.get(missing)
    assert (refused.status_code, refused.json()) == (absent.status_code, absent.json())


def test_a_county_account_lists_only_its_own_incidents(world: World) -> None:
    page = world.other_county.get("/api/incidents", params={"limit": 500}).json()
    assert page["total"] > 0
    assert {item["unit"] for item in page["items"]} == {OTHER_UNIT}
    asked = world.other_county.get("/api/incidents", params={"unit": OWN_UNIT}).json()
    assert (asked["total"], asked["items"]) == (0, [])
    both = world.other_county.get(
        "/api/incidents", params={"unit": [OWN_UNIT, OTHER_UNIT], "limit": 500}
    ).json()
    assert {item["unit"] for item in both["items"]} == {OTHER_UNIT}
    assert both["total"] == page["total"]


def test_a_county_account_lists_only_its_own_objections(world: World) -> None:
    page = world.other_county.get("/api/objections").json()
    assert [item["id"] for item in page["items"]] == [world.other_objection]
    asked = world.other_county.get("/api/objections", params={"unit": OWN_UNIT}).json()
    assert (asked["total"], asked["items"]) == (0, [])
    both = world.other_county.get("/api/objections", params={"unit": [OWN_UNIT, OTHER_UNIT]})
    assert [item["id"] for item in both.json()["items"]] == [world.other_objection]


def test_a_county_account_lists_only_its_own_unit(world: World) -> None:
    units = world.other_county.get("/api/units").json()
    assert [unit["code"] for unit in units] == [OTHER_UNIT]


def test_a_county_account_sees_only_its_own_county_in_the_standings(world: World) -> None:
    response = world.other_county.get("/api/scores", params={"year": 2019})
    assert response.status_code == 200
    counties = [c["code"] for city in response.json()["cities"] for c in city["counties"]]
    assert counties == [OTHER_UNIT]
    assert OWN_UNIT not in response.text


def test_a_repeated_unit_filter_cannot_smuggle_in_another_unit(world: World) -> None:
    for units in ([OWN_UNIT, OTHER_UNIT], [OTHER_UNIT, OWN_UNIT]):
        response = world.other_county.get(
            "/api/charts/monthly", params={"year": "2019", "unit": units}
        )
        assert response.status_code in (200, 404), response.text
        if response.status_code == 200:
            assert response.json()["unit"] == OTHER_UNIT


def test_refusals_of_other_units_objects_are_audited(world: World) -> None:
    world.other_county.get(f"/api/incidents/{world.incident}")
    refusals = world.admin.get(
        "/api/audit", params={"action": "access.refused", "actor": "other-county"}
    ).json()
    assert [entry["entity_key"] for entry in refusals["items"]] == [
        f"GET /api/incidents/{world.incident}"
    ]
    assert refusals["items"][0]["after"]["status"] == 404


def test_server_owned_incident_fields_cannot_be_sent(world: World) -> None:
    body = {"unit": OWN_UNIT, "type": "conduct.phone", "at": "2019-05-10T09:50:00+08:00"}
    for field, value in {
        "points": "0.00",
        "logged_by": "someone-else",
        "logged_at": "2019-05-10T09:50:00+08:00",
        "voided": {"reason": "x", "at": "2019-05-10T09:51:00+08:00"},
        "item": "roll_call",
        "key": "chosen",
        "period": 2018,
    }.items():
        response = world.controller.post(
            "/api/incidents",
            json=body | {field: value},
            headers={"Idempotency-Key": f"owned-{field}"},
        )
        assert response.status_code == 422, field
        assert field in {".".join(map(str, e["loc"][1:])) for e in response.json()["detail"]}
    listed = world.admin.get("/api/incidents", params={"unit": OWN_UNIT, "limit": 500}).json()
    assert not [i for i in listed["items"] if i["key"].startswith("owned-")]


def test_server_owned_objection_and_account_fields_cannot_be_sent(world: World) -> None:
    filed = world.county.post(
        "/api/objections",
        json={"incident": UNTAGGED_INCIDENT, "reason": "不认可", "status": "upheld"},
    )
    assert filed.status_code == 422
    filed = world.county.post(
        "/api/objections",
        json={"incident": UNTAGGED_INCIDENT, "reason": "不认可", "filed_by": "admin"},
    )
    assert filed.status_code == 422
    ruled = world.reviewer.post(
        f"/api/objections/{world.objection}/ruling",
        json={"decision": "reject", "reason": "不成立", "ruled_by": "admin"},
    )
    assert ruled.status_code == 422
    patched = world.admin.patch(
        "/api/accounts/controller", json={"password_hash": "$argon2id$forged"}
    )
    assert patched.status_code == 422
    room = world.county.post(
        "/api/rooms", json={"unit": OWN_UNIT, "name": "会议室9", "recorded_by": "admin"}
    )
    assert room.status_code == 422


def test_a_county_account_cannot_add_a_room_to_another_unit(world: World, db: Database) -> None:
    before = state(world.admin, db)
    response = world.county.post(
        "/api/rooms", json={"unit": OTHER_UNIT, "name": "会议室X", "equipment": {"audio": True}}
    )
    assert response.status_code == 404
    assert state(world.admin, db) == before
    other_rooms = world.admin.get(f"/api/units/{OTHER_UNIT}/rooms").json()
    assert "会议室X" not in {room["name"] for room in other_rooms}


@pytest.mark.parametrize("spelling", ["{id}.0", "{id}.00", " {id}", "+{id}", "0{id}", "{id} "])
def test_another_way_of_writing_an_id_does_not_reach_another_units_objection(
    world: World, spelling: str
) -> None:
    url = f"/api/objections/{spelling.format(id=world.objection)}"
    response = world.other_county.get(url)
    assert response.status_code in (404, 422), response.text
    assert "已到会" not in response.text


def test_a_county_account_bound_to_no_unit_sees_no_unit(world: World, login: Any) -> None:
    unbound = login(COUNTY_IT, username="unbound")  # only possible by writing the table directly
    assert unbound.get("/api/units").json() == []
    assert unbound.get("/api/incidents").json()["total"] == 0
    assert unbound.get("/api/objections").json()["total"] == 0
    assert unbound.get("/api/scores", params={"year": 2019}).json()["cities"] == []
    assert unbound.get(f"/api/units/{OWN_UNIT}").status_code == 404
