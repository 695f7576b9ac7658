"""Misuse of a meeting's socket ends in a clean close, never a server error with a traceback."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from .support import MEETING, ORIGIN, close_code, console, receive, replay

POLICY_VIOLATION = 1008


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("nested", ["[" * 30000, '{"type": ' * 10000, "[" * 5000 + "]" * 5000])
def test_deeply_nested_json_closes_the_socket_cleanly(
    imported: TestClient, caplog: pytest.LogCaptureFixture, nested: str
) -> None:
    with console(imported) as ws:
        replay(ws)
        ws.send_text(nested)
        assert close_code(ws) == POLICY_VIOLATION
    assert no_tracebacks(caplog) == []


def test_a_socket_still_answers_pings_after_ordinary_bad_json(imported: TestClient) -> None:
    with console(imported) as ws:
        replay(ws)
        ws.send_text("not json")
        assert receive(ws)["type"] == "error"
        ws.send_text('{"type": "ping"}')
        assert receive(ws) == {"type": "pong"}


@pytest.mark.parametrize("after", [2**63, 2**64, 10**30, -1, "x"])
def test_an_impossible_after_is_refused_cleanly(
    imported: TestClient, caplog: pytest.LogCaptureFixture, after: object
) -> None:
    url = f"/ws/meetings/{MEETING}?after={after}"
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        imported.websocket_connect(url, headers=ORIGIN) as ws,
    ):
        ws.receive_json()
    assert closed.value.code == POLICY_VIOLATION
    assert no_tracebacks(caplog) == []
