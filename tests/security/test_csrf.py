"""A state-changing request needs the session's CSRF token in `X-CSRF-Token`, beside the cookie."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database

from .conftest import OWN_UNIT, World
from .support import write_audit_count

INCIDENT = {"unit": OWN_UNIT, "type": "conduct.phone", "at": "2019-05-10T09:40:00+08:00"}


def incident_keys(world: World) -> set[str]:
    page = world.admin.get("/api/incidents", params={"limit": 500}).json()
    return {item["key"] for item in page["items"]}


def without_token(client: TestClient) -> dict[str, str]:
    """The client's headers with its CSRF token taken out (cookies stay)."""
    token = client.headers.pop("X-CSRF-Token")
    return {"X-CSRF-Token": token}


@pytest.mark.parametrize(
    "sent",
    [None, "", "wrong-token", "x" * 43],
    ids=["missing", "empty", "wrong", "wrong-same-length"],
)
def test_a_write_without_the_right_token_is_refused_and_writes_nothing(
    world: World, db: Database, sent: str | None
) -> None:
    before = (incident_keys(world), write_audit_count(db))
    own = without_token(world.controller)
    headers = {"Idempotency-Key": "csrf-probe"}
    if sent is not None:
        headers["X-CSRF-Token"] = sent
    response = world.controller.post("/api/incidents", json=INCIDENT, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"][0]["loc"] == ["X-CSRF-Token"]
    assert (incident_keys(world), write_audit_count(db)) == before

    world.controller.headers.update(own)
    accepted = world.controller.post("/api/incidents", json=INCIDENT, headers=headers | own)
    assert accepted.status_code == 201
    assert "csrf-probe" in incident_keys(world)


def test_another_sessions_token_does_not_do(world: World) -> None:
    others = world.admin.headers["X-CSRF-Token"]
    without_token(world.controller)
    response = world.controller.post(
        "/api/incidents",
        json=INCIDENT,
        headers={"Idempotency-Key": "csrf-other", "X-CSRF-Token": others},
    )
    assert response.status_code == 403
    assert "csrf-other" not in incident_keys(world)


WRITES: dict[str, dict[str, Any]] = {
    "void": {"method": "POST", "url": "/api/incidents/{incident}/void", "json": {"reason": "误标"}},
    "account": {
        "method": "PATCH",
        "url": "/api/accounts/controller",
        "json": {"disabled": True},
    },
    "password": {
        "method": "PUT",
        "url": "/api/accounts/controller/password",
        "json": {"password": "a-Brand-new-secret"},
    },
    "import": {"method": "POST", "url": "/api/records", "json": {}},
    "logout": {"method": "DELETE", "url": "/api/session"},
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_kind_of_write_checks_the_token(world: World, db: Database, write: str) -> None:
    request = dict(WRITES[write])
    request["url"] = request["url"].format(incident=world.incident)
    before = write_audit_count(db)
    without_token(world.admin)
    assert world.admin.request(**request).status_code == 403
    assert write_audit_count(db) == before
    # The session and the account are untouched: the same admin still reads, the controller
    # still logs in.
    assert world.admin.get("/api/session").status_code == 200
    assert world.controller.get("/api/session").status_code == 200


def test_reads_need_no_token(world: World) -> None:
    without_token(world.reviewer)
    assert world.reviewer.get("/api/incidents").status_code == 200
    assert world.reviewer.get("/api/session").status_code == 200


def test_the_token_is_given_at_login_and_by_the_session(world: World) -> None:
    token = world.reviewer.headers["X-CSRF-Token"]
    assert len(token) >= 22
    assert world.reviewer.get("/api/session").json()["csrf_token"] == token
