"""The access policy against the app's own route table, and against the product's intent."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response

from app.api.policy import (
    ADMIN,
    CONTROLLER,
    COUNTY_IT,
    REVIEWER,
    RULES,
    Rule,
    authorize,
    routes_without_rules,
)

from .conftest import MEETING, OWN_UNIT, World
from .support import encoded, load_worked_example

ROLES = (ADMIN, CONTROLLER, COUNTY_IT, REVIEWER)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Required query parameters, so that an allowed call reaches its handler with valid input.
QUERIES = {
    "/api/scores": {"year": "2019"},
    "/api/records": {"year": "2019"},
    "/api/charts/monthly": {"year": "2019", "unit": OWN_UNIT},
    "/api/exports/standings.xlsx": {"year": "2019"},
    "/api/exports/incidents.csv": {"year": "2019"},
}


def api_operations(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app serves under /api/, from its route table."""
    operations = {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    # Logging out ends the caller's session: keep it for the end.
    return sorted(operations, key=lambda op: (op == ("DELETE", "/api/session"), op))


def concrete_path(path: str, world: World) -> str:
    """The path with valid-looking values of the objects of `world` (all of unit OWN_UNIT)."""
    values = {
        "{code}": OWN_UNIT,
        "{unit}": OWN_UNIT,
        "{username}": "controller",
        "{year}": "2019",
        "{edition}": "2019",
        "{checkpoint}": "half_day",
        "{objection_id}": str(world.objection),
        "{name}": world.evidence,
    }
    values["{key}"] = MEETING if path.startswith("/api/meetings/") else world.incident
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    # Any other parameter is taken to be a numeric id.
    return re.sub(r"\{[a-z_]+\}", "1", path)


def call(client: TestClient, method: str, path: str, world: World) -> Response:
    """The route called with an empty JSON object as body: an allowed caller gets past the
    policy and is at worst refused by validation."""
    url = concrete_path(path, world)
    body = {"json": {}} if method in BODY_METHODS else {}
    return client.request(method, url, params=QUERIES.get(path), **body)


def test_every_api_route_has_a_rule(app: FastAPI) -> None:
    assert routes_without_rules(app.routes) == []


def test_the_policy_has_no_rule_without_a_route(app: FastAPI) -> None:
    assert set(RULES) == set(api_operations(app))


def unruled_router() -> APIRouter:
    router = APIRouter()

    @router.api_route("/api/unruled", methods=["GET", "POST"])
    def unruled() -> dict[str, bool]:
        return {"ok": True}

    return router


@pytest.mark.own_app
def test_a_new_route_without_a_rule_is_reported(app: FastAPI) -> None:
    app.include_router(unruled_router(), dependencies=[Depends(authorize)])
    assert routes_without_rules(app.routes) == [("GET", "/api/unruled"), ("POST", "/api/unruled")]


@pytest.mark.own_app
def test_a_route_added_straight_to_the_app_is_reported_too(app: FastAPI) -> None:
    app.add_api_route("/api/unruled", lambda: None, methods=["PUT"])
    assert routes_without_rules(app.routes) == [("PUT", "/api/unruled")]


@pytest.mark.own_app
def test_a_route_without_a_rule_is_refused_even_to_the_admin(
    app: FastAPI, client: TestClient
) -> None:
    app.include_router(unruled_router(), dependencies=[Depends(authorize)])
    assert client.get("/api/unruled").status_code == 403
    assert client.post("/api/unruled").status_code == 403


def answered_as_the_rule_says(rule: Rule, role: str, status: int) -> bool:
    """Anonymous: 401 unless public; a role outside the rule: 403; inside: past the policy."""
    if rule.public:
        return status not in (401, 403)
    if role == "anonymous":
        return status == 401
    if role in rule.roles:
        return status not in (401, 403)
    return status == 403


@pytest.mark.parametrize("role", (*ROLES, "anonymous"))
def test_each_caller_gets_what_the_rules_give_it(
    app: FastAPI, world: World, anonymous: TestClient, role: str
) -> None:
    client = anonymous if role == "anonymous" else world.client_of(role)
    wrong = {}
    for method, path in api_operations(app):
        status = call(client, method, path, world).status_code
        if not answered_as_the_rule_says(RULES[(method, path)], role, status):
            wrong[(method, path)] = status
    assert wrong == {}


# What the product means each role to do, written by hand: the policy table must agree.
# controller: logs roll calls and meeting incidents (with evidence), voids its mistakes, edits
# and cancels meetings;
# county_it: its own unit's register and staffing, its own incidents, files objections;
# reviewer: reads everything, records installation and criticism findings, rules on
# objections, exports; admin: everything.
INTENT: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/api/incidents"): frozenset({ADMIN, CONTROLLER, REVIEWER}),
    ("POST", "/api/incidents/{key}/void"): frozenset({ADMIN, CONTROLLER, REVIEWER}),
    ("PATCH", "/api/meetings/{key}"): frozenset({ADMIN, CONTROLLER}),
    ("POST", "/api/meetings/{key}/cancel"): frozenset({ADMIN, CONTROLLER}),
    ("PUT", "/api/meetings/{key}/roll-call/{checkpoint}/{unit}"): frozenset({ADMIN, CONTROLLER}),
    ("POST", "/api/evidence"): frozenset({ADMIN, CONTROLLER, REVIEWER}),
    ("POST", "/api/meetings"): frozenset({ADMIN, CONTROLLER}),
    ("POST", "/api/objections"): frozenset({ADMIN, COUNTY_IT}),
    ("POST", "/api/objections/{objection_id}/ruling"): frozenset({ADMIN, REVIEWER}),
    ("POST", "/api/rooms"): frozenset({ADMIN, COUNTY_IT}),
    ("POST", "/api/staffing"): frozenset({ADMIN, COUNTY_IT}),
    ("POST", "/api/records"): frozenset({ADMIN}),
    ("GET", "/api/records"): frozenset({ADMIN, REVIEWER}),
    ("POST", "/api/units"): frozenset({ADMIN}),
    ("PUT", "/api/periods/{year}"): frozenset({ADMIN}),
    ("GET", "/api/accounts"): frozenset({ADMIN}),
    ("POST", "/api/accounts"): frozenset({ADMIN}),
    ("PATCH", "/api/accounts/{username}"): frozenset({ADMIN}),
    ("PUT", "/api/accounts/{username}/password"): frozenset({ADMIN}),
    ("GET", "/api/audit"): frozenset({ADMIN}),
}
ADMIN_ONLY_READS = {
    ("GET", "/api/accounts"),
    ("GET", "/api/audit"),
    ("GET", "/api/audit/people"),
    ("GET", "/api/audit/export.csv"),
    ("GET", "/api/audit/export.xlsx"),
}


@pytest.mark.parametrize(("method", "path"), sorted(INTENT))
def test_the_policy_gives_each_sensitive_write_to_the_intended_roles(
    method: str, path: str
) -> None:
    assert RULES[(method, path)].roles == INTENT[(method, path)]
    assert not RULES[(method, path)].public


def test_the_reviewer_reads_everything_but_accounts_and_audit() -> None:
    unreadable = {
        op
        for op, rule in RULES.items()
        if op[0] == "GET" and REVIEWER not in rule.roles and op not in ADMIN_ONLY_READS
    }
    assert unreadable == set()


def test_only_the_login_is_public() -> None:
    assert [op for op, rule in RULES.items() if rule.public] == [("POST", "/api/session")]


def test_the_admin_may_call_every_route() -> None:
    assert [op for op, rule in RULES.items() if not rule.public and ADMIN not in rule.roles] == []


@dataclass(frozen=True)
class Write:
    """A sensitive write with a valid request, made afresh for each caller."""

    method: str
    path: str
    request: Callable[[World, int], dict[str, Any]]  # (world, a fresh number) → request
    succeeded: int


def _fresh_incident(world: World, suffix: int) -> str:
    key = f"fresh-{suffix}"
    response = world.admin.post(
        "/api/incidents",
        json={"unit": OWN_UNIT, "type": "conduct.sleeping", "at": "2019-07-10T09:30:00+08:00"},
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 201, response.text
    return key


def _fresh_objection(world: World, suffix: int) -> int:
    response = world.county.post(
        "/api/objections", json={"incident": _fresh_incident(world, suffix), "reason": "误标"}
    )
    assert response.status_code == 201, response.text
    objection_id: int = response.json()["id"]
    return objection_id


def _fresh_meeting(world: World, suffix: int) -> str:
    key = f"fresh-meeting-{suffix}"
    response = world.admin.post(
        "/api/meetings",
        json={"key": key, "title": "全省会议", "starts_at": "2019-09-02T09:00:00+08:00"},
    )
    assert response.status_code == 201, response.text
    return key


WRITES = [
    Write(
        "PATCH",
        "/api/meetings/{key}",
        lambda w, s: {
            "url": f"/api/meetings/{_fresh_meeting(w, s)}",
            "json": {"title": "全省会议（更正）"},
        },
        200,
    ),
    Write(
        "POST",
        "/api/meetings/{key}/cancel",
        lambda w, s: {
            "url": f"/api/meetings/{_fresh_meeting(w, s)}/cancel",
            "json": {"reason": "会议延期"},
        },
        200,
    ),
    Write(
        "POST",
        "/api/incidents",
        lambda w, s: {
            "url": "/api/incidents",
            "json": {"unit": OWN_UNIT, "type": "conduct.phone", "at": "2019-05-10T09:35:00+08:00"},
            "headers": {"Idempotency-Key": f"new-{s}"},
        },
        201,
    ),
    Write(
        "POST",
        "/api/incidents/{key}/void",
        lambda w, s: {
            "url": f"/api/incidents/{_fresh_incident(w, s)}/void",
            "json": {"reason": "误标"},
        },
        200,
    ),
    Write(
        "PUT",
        "/api/meetings/{key}/roll-call/{checkpoint}/{unit}",
        lambda w, s: {
            "url": f"/api/meetings/{MEETING}/roll-call/half_day/{OWN_UNIT}",
            "json": {"status": "present"},
        },
        200,
    ),
    Write(
        "POST",
        "/api/evidence",
        lambda w, s: {
            "url": "/api/evidence",
            "content": encoded(".png"),
            "headers": {"Content-Type": "image/png"},
        },
        201,
    ),
    Write(
        "POST",
        "/api/meetings",
        lambda w, s: {
            "url": "/api/meetings",
            "json": {
                "key": f"new-{s}",
                "title": "全省会议",
                "starts_at": "2019-09-01T09:00:00+08:00",
            },
        },
        201,
    ),
    Write(
        "POST",
        "/api/objections",
        lambda w, s: {
            "url": "/api/objections",
            "json": {"incident": _fresh_incident(w, s), "reason": "已到会"},
        },
        201,
    ),
    Write(
        "POST",
        "/api/objections/{objection_id}/ruling",
        lambda w, s: {
            "url": f"/api/objections/{_fresh_objection(w, s)}/ruling",
            "json": {"decision": "reject", "reason": "证据充分"},
        },
        200,
    ),
    Write(
        "POST",
        "/api/rooms",
        lambda w, s: {
            "url": "/api/rooms",
            "json": {"unit": OWN_UNIT, "name": f"会议室-{s}", "equipment": {"audio": True}},
        },
        201,
    ),
    Write(
        "POST",
        "/api/staffing",
        lambda w, s: {
            "url": "/api/staffing",
            "json": {"unit": OWN_UNIT, "leaders": ["张三"], "staff": [f"李四{s}"]},
        },
        201,
    ),
    Write(
        "POST",
        "/api/records",
        lambda w, s: {"url": "/api/records", "json": load_worked_example()},
        201,
    ),
    Write("GET", "/api/records", lambda w, s: {"url": "/api/records?year=2019"}, 200),
    Write(
        "POST",
        "/api/units",
        lambda w, s: {
            "url": "/api/units",
            "json": {
                "code": f"3504{60 + s}",
                "name": f"新区{s}",
                "level": "county",
                "parent": "350400",
            },
        },
        201,
    ),
    Write(
        "PUT",
        "/api/periods/{year}",
        lambda w, s: {"url": "/api/periods/2020", "json": {"edition": "2019"}},
        200,
    ),
    Write("GET", "/api/accounts", lambda w, s: {"url": "/api/accounts"}, 200),
    Write(
        "POST",
        "/api/accounts",
        lambda w, s: {
            "url": "/api/accounts",
            "json": {
                "username": f"new-{s}",
                "display_name": "新用户",
                "role": "reviewer",
                "password": "a-Long-enough-secret",
            },
        },
        201,
    ),
    Write(
        "PATCH",
        "/api/accounts/{username}",
        lambda w, s: {"url": "/api/accounts/reviewer", "json": {"display_name": f"审核{s}"}},
        200,
    ),
    Write(
        "PUT",
        "/api/accounts/{username}/password",
        lambda w, s: {
            "url": f"/api/accounts/{_fresh_account(w, s)}/password",
            "json": {"password": "another-Long-secret"},
        },
        204,
    ),
    Write("GET", "/api/audit", lambda w, s: {"url": "/api/audit"}, 200),
]


def _fresh_account(world: World, suffix: int) -> str:
    username = f"target-{suffix}"
    response = world.admin.post(
        "/api/accounts",
        json={
            "username": username,
            "display_name": "目标",
            "role": "controller",
            "password": "a-Long-enough-secret",
        },
    )
    assert response.status_code == 201, response.text
    return username


def test_the_hand_written_table_covers_every_write_it_names() -> None:
    assert {(w.method, w.path) for w in WRITES} == set(INTENT)


@pytest.mark.parametrize("write", WRITES, ids=lambda w: f"{w.method} {w.path}")
def test_each_role_may_do_exactly_the_intended_sensitive_writes(
    world: World, anonymous: TestClient, write: Write
) -> None:
    allowed = INTENT[(write.method, write.path)]
    outcomes = {}
    for number, role in enumerate((*ROLES, "anonymous")):
        client = anonymous if role == "anonymous" else world.client_of(role)
        arguments = write.request(world, number)
        response = client.request(write.method, **arguments)
        outcomes[role] = response.status_code
    expected = {role: write.succeeded if role in allowed else 403 for role in ROLES} | {
        "anonymous": 401
    }
    assert outcomes == expected
