"""The event log of a meeting (DESIGN §5): each change that concerns the meeting is stored as an
event in the write's own transaction, numbered 1, 2, 3, … without gaps; a write that fails
leaves neither an event nor a hole; the events API reads the log back in order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.repositories import events as event_repo

from .support import MEETING, Message, as_stored, console, logged, next_events, replay, stored, tag

ROLL_CALL = f"/api/meetings/{MEETING}/roll-call/two_hours/350402"


@pytest.fixture
def current_period(imported: TestClient) -> TestClient:
    """A period for this year and the next: roll-call marks log their incidents at the present."""
    year = datetime.now(UTC).year
    for each in (year - 1, year, year + 1):
        response = imported.put(f"/api/periods/{each}", json={"edition": "2019"})
        assert response.status_code == 200, response.text
    return imported


class Log:
    """The meeting's log as the events API shows it, read step by step."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.seq = 0

    def new(self, *expected_kinds: str) -> list[Message]:
        """The events stored since the last step: exactly these kinds, numbered next."""
        events = stored(self.client, after=self.seq)
        assert [e["kind"] for e in events] == list(expected_kinds)
        assert [e["seq"] for e in events] == list(
            range(self.seq + 1, self.seq + 1 + len(expected_kinds))
        )
        for event in events:
            assert event["meeting"] == MEETING
            assert event["actor"] == "admin"
            assert datetime.fromisoformat(event["at"]).utcoffset() is not None
        self.seq += len(events)
        return events


def put_mark(client: TestClient, status: str) -> dict[str, Any]:
    response = client.put(ROLL_CALL, json={"status": status})
    assert response.status_code == 200, response.text
    mark: dict[str, Any] = response.json()
    return mark


def test_every_change_to_a_meeting_is_stored_as_the_next_event(
    current_period: TestClient,
) -> None:
    client = current_period
    log = Log(client)
    log.new()

    incident = logged(client, "tag-1")
    (event,) = log.new("incident.logged")
    assert event["data"] == incident

    response = client.post("/api/incidents/tag-1/void", json={"reason": "看错了会场"})
    assert response.status_code == 200, response.text
    (event,) = log.new("incident.voided")
    assert event["data"] == response.json()
    assert event["data"]["voided"]["reason"] == "看错了会场"

    assert tag(client, "outside-any-meeting", meeting=None).status_code == 201
    log.new()

    # The worked example has the venue absent at this checkpoint (imported): the first mark
    # replaces that live deduction, whichever path made it.
    mark = put_mark(client, "present")
    voided_import, event = log.new("incident.voided", "roll_call.marked")
    assert voided_import["data"]["type"].startswith("roll_call.")
    assert event["data"] == mark

    mark = put_mark(client, "late")
    logged_late, marked = log.new("incident.logged", "roll_call.marked")
    assert logged_late["data"]["key"] == mark["incident"]
    assert logged_late["data"]["type"] == "roll_call.late"
    assert marked["data"] == mark

    mark = put_mark(client, "absent")
    voided_late, logged_absent, marked = log.new(
        "incident.voided", "incident.logged", "roll_call.marked"
    )
    assert voided_late["data"]["key"] == logged_late["data"]["key"]
    assert voided_late["data"]["voided"] is not None
    assert logged_absent["data"]["key"] == mark["incident"]
    assert logged_absent["data"]["type"] == "roll_call.absent"
    assert marked["data"] == mark

    put_mark(client, "absent")
    log.new()

    logged(client, "tag-2")
    log.new("incident.logged")
    response = client.post("/api/objections", json={"incident": "tag-2", "reason": "当时在记笔记"})
    assert response.status_code == 201, response.text
    (event,) = log.new("objection.filed")
    assert event["data"] == response.json()

    objection = response.json()["id"]
    response = client.post(
        f"/api/objections/{objection}/ruling", json={"decision": "reject", "reason": "录像清楚"}
    )
    assert response.status_code == 200, response.text
    (event,) = log.new("objection.ruled")
    assert event["data"] == response.json()
    assert event["data"]["status"] == "rejected"

    logged(client, "tag-3")
    log.new("incident.logged")
    response = client.post("/api/objections", json={"incident": "tag-3", "reason": "不是本县会场"})
    assert response.status_code == 201, response.text
    log.new("objection.filed")
    objection = response.json()["id"]
    response = client.post(
        f"/api/objections/{objection}/ruling", json={"decision": "uphold", "reason": "核实属实"}
    )
    assert response.status_code == 200, response.text
    voided, ruled = log.new("incident.voided", "objection.ruled")
    assert voided["data"]["key"] == "tag-3"
    assert voided["data"]["voided"] is not None
    assert ruled["data"] == response.json()
    assert ruled["data"]["status"] == "upheld"


def test_refused_writes_store_no_event(current_period: TestClient) -> None:
    client = current_period
    logged(client, "tag-1")
    assert client.post("/api/incidents/tag-1/void", json={"reason": "x"}).status_code == 200
    log = Log(client)
    log.seq = 2

    refusals = [
        client.post("/api/incidents/tag-1/void", json={"reason": "again"}),
        client.post("/api/objections", json={"incident": "tag-1", "reason": "已作废"}),
        tag(client, "unknown-type", type_code="conduct.juggling"),
        tag(client, "tag-1", note="another incident under a used key"),
        client.put(ROLL_CALL, json={"status": "excused"}),  # without a reason
    ]
    assert [r.status_code for r in refusals] == [409, 409, 422, 409, 422]
    log.new()
    logged(client, "tag-2")
    log.new("incident.logged")


def test_a_write_that_fails_after_its_events_leaves_no_event_and_no_gap(
    current_period: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = current_period
    put_mark(client, "late")
    log = Log(client)
    log.new("incident.voided", "incident.logged", "roll_call.marked")  # replaces the imported one

    with console(client, after=log.seq) as ws:
        assert replay(ws) == ([], 3)

        # Changing the mark stores three events; the transaction fails after the second.
        append = event_repo.append
        appended: list[str] = []

        def failing_append(session: Any, **fields: Any) -> event_repo.Event:
            event = append(session, **fields)
            appended.append(event.kind)
            if len(appended) == 2:
                raise RuntimeError("the disk is full")
            return event

        with monkeypatch.context() as patch, pytest.raises(RuntimeError, match="disk is full"):
            patch.setattr(event_repo, "append", failing_append)
            client.put(ROLL_CALL, json={"status": "absent"})
        assert appended == ["incident.voided", "incident.logged"]

        log.new()
        (mark,) = client.get(f"/api/meetings/{MEETING}/roll-call").json()
        assert mark["status"] == "late"
        assert client.get(f"/api/incidents/{mark['incident']}").json()["voided"] is None

        mark = put_mark(client, "absent")
        written = log.new("incident.voided", "incident.logged", "roll_call.marked")
        assert [e["seq"] for e in written] == [4, 5, 6]
        received = next_events(ws, 3)
        assert [as_stored(e) for e in received] == written


def test_events_after_n_are_read_back_in_order(imported: TestClient) -> None:
    client = imported
    incidents = [logged(client, f"tag-{n}", note=f"第{n}条") for n in range(1, 8)]
    everything = stored(client)
    assert [e["seq"] for e in everything] == list(range(1, 8))
    assert [e["data"] for e in everything] == incidents
    for after in (0, 3, 6, 7, 50):
        assert stored(client, after=after) == everything[after:]

    response = client.get(f"/api/meetings/{MEETING}/events", params={"after": 2, "limit": 3})
    assert response.status_code == 200
    assert response.json() == everything[2:5]
    assert client.get("/api/meetings/no-such-meeting/events").status_code == 404
    assert stored(client, meeting="m06") == []
