"""The session cookie, and every way a session ends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from app.api.pages import PAGES
from app.api.session_cookie import COOKIE
from app.db.engine import Database
from app.db.tables import Account, LoginSession
from app.roles import COUNTY_IT, ROLES
from app.settings import Settings
from tests.conftest import TEST_PASSWORD

URL_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,}$")


def session_cookie(response: Response) -> Any:
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE)]
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(header)
    return cookie[COOKIE]


def log_in(client: TestClient, username: str, password: str = TEST_PASSWORD) -> Response:
    return client.post("/api/session", json={"username": username, "password": password})


@pytest.fixture
def https(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def holding(app: FastAPI, token: str) -> TestClient:
    """A client that sends the given session cookie (the login's own client may have dropped it)."""
    test_client = TestClient(app)
    test_client.cookies.set(COOKIE, token)
    return test_client


def age_sessions(db: Database, username: str, **moments: datetime) -> None:
    with db.write() as tx:
        account_id = tx.session.scalar(select(Account.id).where(Account.username == username))
        tx.session.execute(
            update(LoginSession).where(LoginSession.account_id == account_id).values(**moments)
        )


def test_the_cookie_is_http_only_lax_and_site_wide(login: Any, anonymous: TestClient) -> None:
    login("reviewer", username="rita")
    response = log_in(anonymous, "rita")
    assert response.status_code == 201
    cookie = session_cookie(response)
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]
    assert int(cookie["max-age"]) > 0


def test_the_cookie_is_secure_over_https(login: Any, https: TestClient) -> None:
    login("reviewer", username="rita")
    response = log_in(https, "rita")
    assert response.status_code == 201
    cookie = session_cookie(response)
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert https.get("/api/session").status_code == 200


def test_every_login_gets_a_new_long_random_token(
    login: Any, anonymous: TestClient, db: Database
) -> None:
    login("reviewer", username="rita")
    planted = "A" * 43
    anonymous.cookies.set(COOKIE, planted)
    tokens = [session_cookie(log_in(anonymous, "rita")).value for _ in range(3)]
    assert all(URL_SAFE_TOKEN.match(token) for token in tokens)
    assert len(set(tokens)) == 3
    assert planted not in tokens
    with db.read() as session:
        stored = set(session.scalars(select(LoginSession.token_hash)))
    assert not stored & set(tokens)


def test_logout_ends_the_session(app: FastAPI, login: Any) -> None:
    client = login("controller", username="carl")
    token = client.cookies[COOKIE]
    response = client.delete("/api/session")
    assert response.status_code == 204
    cleared = session_cookie(response)
    assert cleared.value in ("", '""')
    assert int(cleared["max-age"] or 0) == 0
    assert client.get("/api/session").status_code == 401
    with holding(app, token) as replay:
        assert replay.get("/api/session").status_code == 401
        assert replay.get("/api/incidents").status_code == 401


def test_logout_ends_only_that_session(app: FastAPI, login: Any, anonymous: TestClient) -> None:
    client = login("controller", username="carl")
    assert log_in(anonymous, "carl").status_code == 201
    client.delete("/api/session")
    assert anonymous.get("/api/session").status_code == 200


def test_disabling_an_account_ends_its_sessions_at_once(
    app: FastAPI, client: TestClient, login: Any, anonymous: TestClient
) -> None:
    carl = login("controller", username="carl")
    token = carl.cookies[COOKIE]
    assert client.patch("/api/accounts/carl", json={"disabled": True}).status_code == 200
    assert carl.get("/api/session").status_code == 401
    assert log_in(anonymous, "carl").status_code == 401
    assert client.patch("/api/accounts/carl", json={"disabled": False}).status_code == 200
    with holding(app, token) as replay:
        assert replay.get("/api/session").status_code == 401
    assert log_in(anonymous, "carl").status_code == 201


def test_a_role_change_ends_the_sessions(client: TestClient, login: Any) -> None:
    carl = login("controller", username="carl")
    assert client.patch("/api/accounts/carl", json={"role": "reviewer"}).status_code == 200
    assert carl.get("/api/session").status_code == 401


def test_a_unit_change_ends_the_sessions(client: TestClient, login: Any) -> None:
    client.post(
        "/api/units", json={"code": "350400", "name": "三明市", "level": "city"}
    ).raise_for_status()
    client.post(
        "/api/units",
        json={"code": "350402", "name": "梅列区", "level": "county", "parent": "350400"},
    ).raise_for_status()
    county = login("county_it", unit="350402", username="cora")
    assert client.patch("/api/accounts/cora", json={"unit": "350400"}).status_code == 200
    assert county.get("/api/session").status_code == 401


def test_a_password_reset_ends_the_sessions(
    client: TestClient, login: Any, anonymous: TestClient
) -> None:
    carl = login("controller", username="carl")
    reset = client.put("/api/accounts/carl/password", json={"password": "a-Brand-new-secret"})
    assert reset.status_code == 204
    assert carl.get("/api/session").status_code == 401
    assert log_in(anonymous, "carl").status_code == 401
    assert log_in(anonymous, "carl", "a-Brand-new-secret").status_code == 201


def test_an_idle_session_ends(login: Any, db: Database, settings: Settings) -> None:
    carl = login("controller", username="carl")
    idle = timedelta(minutes=settings.session_idle_minutes)
    age_sessions(db, "carl", last_seen_at=datetime.now(UTC) - idle - timedelta(seconds=5))
    assert carl.get("/api/session").status_code == 401


def test_activity_keeps_a_session_alive(login: Any, db: Database, settings: Settings) -> None:
    carl = login("controller", username="carl")
    idle = timedelta(minutes=settings.session_idle_minutes)
    nearly = datetime.now(UTC) - idle + timedelta(minutes=1)
    age_sessions(db, "carl", last_seen_at=nearly)
    assert carl.get("/api/session").status_code == 200
    with db.read() as session:
        (seen,) = session.scalars(select(LoginSession.last_seen_at))
    assert seen > nearly + timedelta(minutes=1)
    assert carl.get("/api/session").status_code == 200


def test_a_shorter_idle_limit_applies_to_open_sessions(login: Any, settings: Settings) -> None:
    carl = login("controller", username="carl")
    settings.session_idle_minutes = 0
    assert carl.get("/api/session").status_code == 401


def test_a_session_ends_at_its_absolute_limit_however_active(login: Any, db: Database) -> None:
    carl = login("controller", username="carl")
    age_sessions(db, "carl", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert carl.get("/api/session").status_code == 401


def test_the_absolute_limit_comes_from_the_settings(
    login: Any, settings: Settings, anonymous: TestClient
) -> None:
    login("controller", username="carl")
    settings.session_absolute_hours = 0
    assert log_in(anonymous, "carl").status_code == 201
    assert anonymous.get("/api/session").status_code == 401


def test_the_session_expiry_is_reported(login: Any, settings: Settings) -> None:
    carl = login("controller", username="carl")
    expires_at = datetime.fromisoformat(carl.get("/api/session").json()["expires_at"])
    remaining = expires_at - datetime.now(UTC)
    assert timedelta(0) < remaining <= timedelta(hours=settings.session_absolute_hours)


@pytest.mark.parametrize(
    "token", ["", "x", "A" * 43, "A" * 300, "%00", "' OR 1=1 --"], ids=lambda t: repr(t[:8])
)
def test_a_made_up_cookie_is_not_a_session(app: FastAPI, token: str) -> None:
    with holding(app, token) as forged:
        assert forged.get("/api/session").status_code == 401


def test_the_session_lists_the_pages_its_role_opens_and_where_it_starts(
    imported: TestClient, login: Any
) -> None:
    """The header's navigation and the login's landing come from the session's answer: exactly
    the pages the server serves that role, in navigation order, and one of them to start on."""
    for role in ROLES:
        person = login(role, unit="350402" if role == COUNTY_IT else None)
        answer = person.get("/api/session").json()
        opened = [path for path in PAGES if person.get(path).status_code == 200]
        assert answer["pages"] == opened, role
        assert answer["home"] in opened, role
