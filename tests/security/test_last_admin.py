"""The last enabled admin can neither be demoted nor disabled: someone must manage the accounts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database
from app.services import accounts
from app.services.context import Actor
from app.services.errors import Conflict


def codes(response: Any) -> list[str]:
    return [d["code"] for d in response.json()["detail"]]


@pytest.mark.parametrize("change", [{"role": "reviewer"}, {"role": "controller"}])
def test_the_last_admin_cannot_demote_themself(client: TestClient, change: dict[str, str]) -> None:
    response = client.patch("/api/accounts/admin", json=change)
    assert response.status_code == 409, response.text
    assert codes(response) == ["account.last_admin"]
    listed = {a["username"]: a for a in client.get("/api/accounts").json()}
    assert listed["admin"]["role"] == "admin"


def test_a_disabled_admin_does_not_count(client: TestClient, login: Any) -> None:
    login("admin", username="ada")
    assert client.patch("/api/accounts/ada", json={"disabled": True}).status_code == 200
    response = client.patch("/api/accounts/admin", json={"role": "reviewer"})
    assert response.status_code == 409
    assert codes(response) == ["account.last_admin"]


def test_an_admin_may_step_down_while_another_remains(client: TestClient, login: Any) -> None:
    other = login("admin", username="ada")
    assert other.patch("/api/accounts/admin", json={"role": "reviewer"}).status_code == 200
    response = other.patch("/api/accounts/ada", json={"role": "reviewer"})
    assert response.status_code == 409
    assert codes(response) == ["account.last_admin"]


def test_two_admins_demoting_each_other_at_once_leave_one(
    client: TestClient, login: Any, db: Database
) -> None:
    login("admin", username="ada")
    start = threading.Barrier(2)

    def demote(actor_name: str, target: str) -> str:
        actor = Actor(username=actor_name, role="admin", address="192.0.2.1")
        start.wait()
        try:
            accounts.update_account(db, actor=actor, username=target, role="reviewer")
        except Conflict as refused:
            return refused.code
        return "done"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(demote, ["admin", "ada"], ["ada", "admin"]))
    assert outcomes == ["account.last_admin", "done"]
    roles = [account.role for account in accounts.list_accounts(db)]
    assert roles.count("admin") == 1
