"""Consoles of a meeting in tests: open `/ws/meetings/{key}` and read what it sends.

Every wait is bounded without timing assertions: heartbeats are made to come every few
milliseconds, so reading skips them until the awaited message arrives or a generous deadline
passes. "Nothing else arrived" is shown by a sentinel write: events come in `seq` order, so a
duplicate or a stray event would arrive before the sentinel's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

MEETING = "m05"  # 2019-06-10 09:00 in the worked example, with no live events yet
ORIGIN = {"origin": "http://testserver"}
WAIT_SECONDS = 20.0

Message = dict[str, Any]


@contextmanager
def console(
    client: TestClient,
    meeting: str = MEETING,
    *,
    after: int | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[WebSocketTestSession]:
    url = f"/ws/meetings/{meeting}" + (f"?after={after}" if after is not None else "")
    with client.websocket_connect(url, headers=dict(ORIGIN if headers is None else headers)) as ws:
        yield ws


def receive(ws: WebSocketTestSession, *, skip_heartbeats: bool = True) -> Message:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        message: Message = ws.receive_json()
        if not (skip_heartbeats and message["type"] == "heartbeat"):
            return message
        assert time.monotonic() < deadline, "nothing arrived in time"


def replay(ws: WebSocketTestSession) -> tuple[list[Message], int]:
    """The events replayed on connecting, and the seq of the `ready` that ends them."""
    events: list[Message] = []
    while True:
        message = receive(ws, skip_heartbeats=False)
        if message["type"] == "ready":
            return events, int(message["seq"])
        assert message["type"] == "event", message
        events.append(message)


def next_events(ws: WebSocketTestSession, count: int) -> list[Message]:
    events = []
    for _ in range(count):
        message = receive(ws)
        assert message["type"] == "event", message
        events.append(message)
    return events


def close_code(ws: WebSocketTestSession) -> int:
    """Read until the server closes the socket; its close code."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            ws.receive_json()
        except WebSocketDisconnect as closed:
            return closed.code
    raise AssertionError("the socket stayed open")


def seqs(events: list[Message]) -> list[int]:
    return [int(e["seq"]) for e in events]


def kinds(events: list[Message]) -> list[str]:
    return [str(e["kind"]) for e in events]


def tag(
    client: TestClient,
    key: str,
    *,
    meeting: str | None = MEETING,
    type_code: str = "conduct.phone",
    note: str | None = None,
) -> Response:
    """Log an incident seen during the meeting (a console's "tag")."""
    body: dict[str, Any] = {
        "unit": "350402",
        "type": type_code,
        "meeting": meeting,
        "at": "2019-06-10T09:30:00+08:00",
    }
    if note is not None:
        body["note"] = note
    response: Response = client.post("/api/incidents", json=body, headers={"Idempotency-Key": key})
    return response


def logged(client: TestClient, key: str, **fields: Any) -> dict[str, Any]:
    response = tag(client, key, **fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def stored(client: TestClient, *, after: int = 0, meeting: str = MEETING) -> list[Message]:
    response = client.get(f"/api/meetings/{meeting}/events", params={"after": after})
    assert response.status_code == 200, response.text
    events: list[Message] = response.json()
    return events


def as_stored(message: Message) -> Message:
    """A socket's event message in the shape of the events API."""
    return {k: v for k, v in message.items() if k != "type"}
