"""A console that cannot keep up is cut off (4408) rather than buffered without bound, and the
reconnect it then makes with `after=` the last seq it saw gets everything, once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.live import hub as live_hub

from .support import console, logged, next_events, receive, replay, seqs, stored

TOO_SLOW = 4408


def test_an_overflowing_console_is_cut_off_and_resyncs_exactly_once(
    imported: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_hub, "QUEUE_LIMIT", 1)
    client = imported
    seen: list[int] = []
    with console(client) as ws:
        assert replay(ws) == ([], 0)
        logged(client, "tag-1")
        response = client.post("/api/objections", json={"incident": "tag-1", "reason": "误判"})
        assert response.status_code == 201, response.text
        seen += seqs(next_events(ws, 2))

        # Upholding the objection voids the incident: two events offered at once, one too many.
        objection = response.json()["id"]
        response = client.post(
            f"/api/objections/{objection}/ruling", json={"decision": "uphold", "reason": "属实"}
        )
        assert response.status_code == 200, response.text
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                message = receive(ws)
                assert message["type"] == "event", message
                seen.append(message["seq"])
        assert closed.value.code == TOO_SLOW

    with console(client, after=seen[-1]) as ws:
        missed, ready = replay(ws)
        seen += seqs(missed)
        assert ready == 4
        logged(client, "sentinel")
        seen += seqs(next_events(ws, 1))

    assert seen == [1, 2, 3, 4, 5]
    assert seqs(stored(client)) == seen
