"""The last enabled admin can neither be demoted nor disabled: someone must manage the accounts."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


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
