"""Guessing passwords blocks the guessing source (an address, or an address for one account),
never the account for its owner; and every login outcome, logout
and refusal is in the audit log, which only an admin may browse."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from app.db.engine import Database
from app.db.tables import LoginLimit
from app.services import accounts, login_limits
from app.settings import Settings
from tests.conftest import TEST_PASSWORD

ADDRESS = "testclient"  # what the test client reports as its address


def log_in(client: TestClient, username: str, password: str = TEST_PASSWORD) -> Response:
    return client.post("/api/session", json={"username": username, "password": password})


def assert_throttled(response: Response, settings: Settings) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= settings.login_window_minutes * 60 + 1
    assert "set-cookie" not in response.headers


def audit(admin: TestClient, action: str, **params: Any) -> list[dict[str, Any]]:
    """The entries of exactly this action (the filter itself matches a prefix)."""
    response = admin.get("/api/audit", params={"limit": 500, "action": action, **params})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["action"] == action]


def test_too_many_failures_block_that_source_for_that_account(
    login: Any, anonymous: TestClient, settings: Settings
) -> None:
    login("controller", username="carl")
    for _ in range(settings.login_failures_per_account):
        assert log_in(anonymous, "carl", "not-the-password").status_code == 401
    assert_throttled(log_in(anonymous, "carl"), settings)
    assert_throttled(log_in(anonymous, "carl", "not-the-password"), settings)


def test_an_attacker_cannot_lock_the_owner_out(
    app: FastAPI, login: Any, anonymous: TestClient, settings: Settings
) -> None:
    login("admin", username="ada")
    for _ in range(settings.login_failures_per_account * 3):
        assert log_in(anonymous, "ada", "not-the-password").status_code in (401, 429)
    assert log_in(anonymous, "ada").status_code == 429
    with TestClient(app, client=("203.0.113.7", 50000)) as owner:
        assert log_in(owner, "ada").status_code == 201


def test_one_source_blocked_leaves_the_other_accounts_alone(
    login: Any, anonymous: TestClient, settings: Settings
) -> None:
    login("controller", username="carl")
    login("reviewer", username="rita")
    for _ in range(settings.login_failures_per_account):
        log_in(anonymous, "carl", "not-the-password")
    assert log_in(anonymous, "carl").status_code == 429
    assert log_in(anonymous, "rita").status_code == 201


def test_the_block_lifts_when_the_window_has_passed(
    login: Any, anonymous: TestClient, settings: Settings, db: Database
) -> None:
    login("controller", username="carl")
    for _ in range(settings.login_failures_per_account):
        log_in(anonymous, "carl", "not-the-password")
    assert log_in(anonymous, "carl").status_code == 429
    window = timedelta(minutes=settings.login_window_minutes, seconds=1)
    with db.write() as tx:
        for counter in tx.session.scalars(select(LoginLimit)):
            counter.window_started_at -= window
    assert log_in(anonymous, "carl").status_code == 201


def test_too_many_failures_from_one_address_block_every_account_from_it(
    login: Any, anonymous: TestClient, settings: Settings
) -> None:
    settings.login_failures_per_address = 4
    settings.login_failures_per_account = 100
    names = [f"user{n}" for n in range(5)]
    for name in names:
        login("reviewer", username=name)
    for name in names[:4]:
        assert log_in(anonymous, name, "not-the-password").status_code == 401
    assert_throttled(log_in(anonymous, names[4]), settings)
    assert_throttled(log_in(anonymous, "nobody-at-all"), settings)


def test_a_successful_login_does_not_count_against_its_address(
    login: Any, anonymous: TestClient, settings: Settings
) -> None:
    settings.login_failures_per_address = 3
    login("reviewer", username="rita")
    for _ in range(10):
        assert log_in(anonymous, "rita").status_code == 201


def test_many_sources_against_one_account_leave_only_its_known_addresses_in(
    app: FastAPI, login: Any, settings: Settings
) -> None:
    settings.login_failures_per_account_everywhere = 6
    login("admin", username="ada")  # logs in from the test client's address: a known one
    for n in range(4):
        with TestClient(app, client=(f"198.51.100.{n}", 50000)) as attacker:
            for _ in range(2):
                log_in(attacker, "ada", "not-the-password")
    with TestClient(app, client=("198.51.100.99", 50000)) as stranger:
        assert_throttled(log_in(stranger, "ada"), settings)
    with TestClient(app) as owner:
        assert log_in(owner, "ada").status_code == 201


def test_parallel_guesses_are_counted_before_the_password_is_checked(
    login: Any, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 wrong passwords at once: no more than the limit reach the password hash."""
    login("controller", username="carl")
    checked: list[str] = []
    lock = threading.Lock()
    real_verify = accounts.verify_password

    def counting_verify(password: str, password_hash: str | None) -> bool:
        with lock:
            checked.append(password)
        time.sleep(0.05)  # hold the race window open, as argon2 would
        return real_verify(password, password_hash)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)

    def attempt(n: int) -> str:
        try:
            accounts.login(
                db, settings=settings, username="carl", password=f"guess-{n}", address="192.0.2.1"
            )
        except login_limits.TooManyAttempts:
            return "throttled"
        except accounts.LoginRefused:
            return "refused"
        return "opened"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    assert len(checked) <= settings.login_failures_per_account
    assert outcomes.count("refused") == len(checked)
    assert outcomes.count("throttled") == 40 - len(checked)


def test_unknown_usernames_count_as_failures(
    login: Any, anonymous: TestClient, settings: Settings
) -> None:
    settings.login_failures_per_address = 2
    login("reviewer", username="rita")
    assert log_in(anonymous, "nobody-1").status_code == 401
    assert log_in(anonymous, "nobody-2").status_code == 401
    assert log_in(anonymous, "rita").status_code == 429


def test_an_unknown_username_and_a_wrong_password_look_the_same(
    login: Any, anonymous: TestClient
) -> None:
    login("reviewer", username="rita")
    unknown = log_in(anonymous, "nobody")
    wrong = log_in(anonymous, "rita", "not-the-password")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())


def test_failed_logins_logins_and_logouts_are_audited_with_actor_and_address(
    client: TestClient, login: Any, anonymous: TestClient
) -> None:
    carl = login("controller", username="carl")
    log_in(anonymous, "carl", "not-the-password")
    log_in(anonymous, "nobody", "not-the-password")
    carl.delete("/api/session")

    failed = audit(client, "session.login_failed")
    assert {(e["actor"], e["address"], e["entity_key"]) for e in failed} == {
        ("carl", ADDRESS, "carl"),
        ("nobody", ADDRESS, "nobody"),
    }
    logins = audit(client, "session.login", actor="carl")
    assert [(e["actor"], e["address"]) for e in logins] == [("carl", ADDRESS)]
    logouts = audit(client, "session.logout")
    assert [(e["actor"], e["address"]) for e in logouts] == [("carl", ADDRESS)]
    assert all(TEST_PASSWORD not in str(e) for e in failed + logins)
    assert all("not-the-password" not in str(e) for e in failed)


def test_refused_authorizations_are_audited_with_actor_and_address(
    client: TestClient, login: Any, anonymous: TestClient
) -> None:
    rita = login("reviewer", username="rita")
    assert rita.post("/api/records", json={}).status_code == 403
    assert rita.get("/api/accounts").status_code == 403
    refused = audit(client, "access.refused", actor="rita")
    assert {(e["entity_key"], e["address"], e["after"]["status"]) for e in refused} == {
        ("POST /api/records", ADDRESS, 403),
        ("GET /api/accounts", ADDRESS, 403),
    }


@pytest.mark.parametrize("role", ["controller", "county_it", "reviewer"])
def test_only_an_admin_browses_the_audit_log(
    login: Any, client: TestClient, anonymous: TestClient, role: str
) -> None:
    if role == "county_it":
        client.post(
            "/api/units", json={"code": "350400", "name": "三明市", "level": "city"}
        ).raise_for_status()
    other = login(role, unit="350400" if role == "county_it" else None)
    assert other.get("/api/audit").status_code == 403
    assert anonymous.get("/api/audit").status_code == 401
    assert client.get("/api/audit").status_code == 200
