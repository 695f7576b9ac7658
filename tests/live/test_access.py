"""Who may open a meeting's socket, what closes it, and that it closes when its session ends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.settings import Settings
from tests.conftest import Login

from .support import MEETING, close_code, console, logged, next_events, receive, replay

POLICY_VIOLATION = 1008
UNKNOWN_MEETING = 4404


def refusal(client: TestClient, meeting: str = MEETING, **headers: str) -> int:
    """The close code of a socket the server will not let follow the meeting."""
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        console(client, meeting, headers=headers) as ws,
    ):
        receive(ws, skip_heartbeats=False)
    return refused.value.code


def refused_in_handshake(client: TestClient, **headers: str) -> int:
    """The close code of a socket refused before it was accepted."""
    accepted = False
    with pytest.raises(WebSocketDisconnect) as refused, console(client, headers=headers):
        accepted = True
    assert not accepted
    return refused.value.code


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "http://testserver.evil.example"},
        {"origin": "http://testserver:8080"},
        {"origin": "null"},
        {},
    ],
    ids=["other-site", "suffix", "other-port", "null", "none"],
)
def test_a_foreign_or_missing_origin_is_refused_in_the_handshake(
    imported: TestClient, headers: dict[str, str]
) -> None:
    assert refused_in_handshake(imported, **headers) == POLICY_VIOLATION


def test_the_allow_list_decides_when_it_is_set(
    imported: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "allowed_origins", ["https://vcwatch.example.gov.cn"])
    assert refused_in_handshake(imported, origin="http://testserver") == POLICY_VIOLATION
    with console(imported, headers={"origin": "https://vcwatch.example.gov.cn"}) as ws:
        assert replay(ws) == ([], 0)


def test_without_a_session_the_socket_is_refused(
    imported: TestClient, anonymous: TestClient
) -> None:
    assert refusal(anonymous, origin="http://testserver") == POLICY_VIOLATION
    anonymous.cookies.set("vcwatch_session", "not-a-session-token")
    assert refusal(anonymous, origin="http://testserver") == POLICY_VIOLATION


@pytest.mark.parametrize(
    ("role", "unit", "allowed"),
    [
        ("admin", None, True),
        ("controller", None, True),
        ("reviewer", None, True),
        ("county_it", "350402", False),
    ],
)
def test_consoles_are_for_controllers_admins_and_reviewers(
    imported: TestClient, login: Login, role: str, unit: str | None, allowed: bool
) -> None:
    user: TestClient = login(role, unit=unit)
    if allowed:
        with console(user) as ws:
            assert replay(ws) == ([], 0)
    else:
        assert refusal(user, origin="http://testserver") == POLICY_VIOLATION


def test_an_unknown_meeting_is_refused(imported: TestClient) -> None:
    assert refusal(imported, "no-such-meeting", origin="http://testserver") == UNKNOWN_MEETING


def test_a_message_over_the_size_limit_closes_the_socket(
    imported: TestClient, settings: Settings
) -> None:
    with console(imported) as ws:
        replay(ws)
        ws.send_text('{"type": "ping"}' + " " * (settings.ws_max_message_bytes - 16))
        assert receive(ws) == {"type": "pong"}
        ws.send_text('{"type": "ping"}' + " " * (settings.ws_max_message_bytes - 15))
        assert close_code(ws) == POLICY_VIOLATION


def test_a_binary_message_closes_the_socket(imported: TestClient) -> None:
    with console(imported) as ws:
        replay(ws)
        ws.send_bytes(b'{"type": "ping"}')
        assert close_code(ws) == POLICY_VIOLATION


def test_too_many_messages_a_second_close_the_socket(
    imported: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "ws_messages_per_second", 5)
    with console(imported) as ws:
        replay(ws)
        for _ in range(100):
            ws.send_json({"type": "ping"})
        assert close_code(ws) == POLICY_VIOLATION


def test_logging_out_closes_the_sessions_consoles_at_once(
    hourly_session_checks: None, imported: TestClient
) -> None:
    client = imported
    with console(client) as ws, console(client, "m06") as other:
        replay(ws)
        replay(other)
        assert client.delete("/api/session").status_code == 204
        assert close_code(ws) == POLICY_VIOLATION
        assert close_code(other) == POLICY_VIOLATION
    assert refusal(client, origin="http://testserver") == POLICY_VIOLATION


def test_logging_out_leaves_other_sessions_consoles_open(
    hourly_session_checks: None, imported: TestClient, login: Login
) -> None:
    controller: TestClient = login("controller")
    with console(controller) as staying, console(imported) as leaving:
        replay(staying)
        replay(leaving)
        assert imported.delete("/api/session").status_code == 204
        assert close_code(leaving) == POLICY_VIOLATION
        logged(controller, "after-logout")
        (event,) = next_events(staying, 1)
        assert event["data"]["key"] == "after-logout"


def test_a_disabled_account_loses_its_consoles_within_the_check_interval(
    settings: Settings, imported: TestClient, login: Login
) -> None:
    assert settings.ws_session_check_seconds <= 0.1, "the live tests check sessions quickly"
    controller: TestClient = login("controller", username="duty-controller")
    with console(controller) as ws:
        replay(ws)
        response = imported.patch("/api/accounts/duty-controller", json={"disabled": True})
        assert response.status_code == 200, response.text
        assert close_code(ws) == POLICY_VIOLATION
    assert refusal(controller, origin="http://testserver") == POLICY_VIOLATION
