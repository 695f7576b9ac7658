"""What a console receives: the events it missed, in order and once, then `ready`, then the live
ones; the same tag sent twice is one incident and one event; every console sees every event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database
from app.schemas.records import IncidentCreate
from app.services.context import Actor
from app.services.incidents import log_incident

from .support import (
    MEETING,
    as_stored,
    console,
    kinds,
    logged,
    next_events,
    receive,
    replay,
    seqs,
    stored,
    tag,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_new_console_gets_the_log_then_ready_then_live_events(imported: TestClient) -> None:
    client = imported
    for n in range(1, 4):
        logged(client, f"before-{n}")
    with console(client) as ws:
        events, ready = replay(ws)
        assert (seqs(events), ready) == ([1, 2, 3], 3)
        assert [as_stored(e) for e in events] == stored(client)
        live = logged(client, "live")
        (event,) = next_events(ws, 1)
        assert (event["seq"], event["kind"], event["data"]) == (4, "incident.logged", live)


def test_a_reconnecting_console_gets_exactly_what_it_missed(imported: TestClient) -> None:
    client = imported
    with console(client, after=0) as ws:
        assert replay(ws) == ([], 0)
        logged(client, "seen-1")
        logged(client, "seen-2")
        seen = next_events(ws, 2)
    last_seen = seen[-1]["seq"]

    missed = [logged(client, f"missed-{n}") for n in range(1, 6)]
    with console(client, after=last_seen) as ws:
        events, ready = replay(ws)
        assert seqs(events) == [3, 4, 5, 6, 7]
        assert [e["data"] for e in events] == missed
        assert ready == 7
        live = [logged(client, f"live-{n}") for n in range(1, 3)]
        events = next_events(ws, 2)
        assert seqs(events) == [8, 9]
        assert [e["data"] for e in events] == live


def test_a_console_that_says_it_has_seen_everything_gets_only_live_events(
    imported: TestClient,
) -> None:
    client = imported
    for n in range(1, 4):
        logged(client, f"before-{n}")
    with console(client, after=3) as ws:
        assert replay(ws) == ([], 3)
        logged(client, "live")
        assert seqs(next_events(ws, 1)) == [4]


def test_the_same_tag_sent_twice_is_one_incident_and_one_event(imported: TestClient) -> None:
    client = imported
    with console(client) as ws:
        assert replay(ws) == ([], 0)
        first = tag(client, "tablet-7f3a", note="第一排玩手机")
        again = tag(client, "tablet-7f3a", note="第一排玩手机")
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        sentinel = logged(client, "sentinel")

        tagged, after_it = next_events(ws, 2)
        assert (tagged["seq"], tagged["data"]) == (1, first.json())
        assert (after_it["seq"], after_it["data"]) == (2, sentinel)

    assert kinds(stored(client)) == ["incident.logged", "incident.logged"]
    listing = client.get("/api/incidents", params={"meeting": MEETING}).json()
    assert [i["key"] for i in listing["items"]].count("tablet-7f3a") == 1


def test_a_void_reaches_every_console(imported: TestClient) -> None:
    client = imported
    logged(client, "tag-1")
    with console(client, after=0) as first, console(client, after=1) as second:
        assert seqs(replay(first)[0]) == [1]
        assert replay(second) == ([], 1)
        response = client.post("/api/incidents/tag-1/void", json={"reason": "画面是录像"})
        assert response.status_code == 200, response.text
        for ws in (first, second):
            (event,) = next_events(ws, 1)
            assert (event["seq"], event["kind"]) == (2, "incident.voided")
            assert event["data"] == response.json()


def test_consoles_of_other_meetings_get_nothing(imported: TestClient) -> None:
    client = imported
    with console(client, "m06") as other, console(client) as own:
        assert replay(other) == ([], 0)
        assert replay(own) == ([], 0)
        logged(client, "in-m05")
        logged(client, "in-m06", meeting="m06")
        assert next_events(own, 1)[0]["data"]["key"] == "in-m05"
        (event,) = next_events(other, 1)
        assert (event["meeting"], event["seq"], event["data"]["key"]) == ("m06", 1, "in-m06")


def test_a_quiet_console_gets_heartbeats_with_the_last_seq(imported: TestClient) -> None:
    client = imported
    with console(client) as ws:
        assert replay(ws) == ([], 0)
        assert receive(ws, skip_heartbeats=False) == {"type": "heartbeat", "seq": 0}
        logged(client, "tag-1")
        logged(client, "tag-2")
        assert seqs(next_events(ws, 2)) == [1, 2]
        message = receive(ws, skip_heartbeats=False)
        while message.get("seq") != 2:
            assert message["type"] == "heartbeat"
            message = receive(ws, skip_heartbeats=False)
        assert message == {"type": "heartbeat", "seq": 2}


def test_pings_are_answered_and_other_messages_refused(imported: TestClient) -> None:
    with console(imported) as ws:
        replay(ws)
        ws.send_json({"type": "ping"})
        assert receive(ws) == {"type": "pong"}
        ws.send_json({"type": "tag", "note": "consoles tag over HTTP"})
        assert receive(ws)["type"] == "error"
        ws.send_text("not json")
        assert receive(ws)["type"] == "error"
        ws.send_json({"type": "ping"})
        assert receive(ws) == {"type": "pong"}


WRITERS = 16
TAGS_PER_WRITER = 5


@pytest.mark.parametrize("console_first", [True, False], ids=["live", "replayed"])
def test_concurrent_writers_make_one_gap_free_sequence(
    imported: TestClient, db: Database, console_first: bool
) -> None:
    """Writers in many threads, released together: seq 1..N, none missing, none twice — in the
    log, on a console connected throughout, and on one that connects afterwards."""
    client = imported
    actor = Actor(username="controller", role="admin")
    start = threading.Barrier(WRITERS)
    total = WRITERS * TAGS_PER_WRITER

    def write(writer: int) -> list[str]:
        start.wait()
        keys = []
        for n in range(TAGS_PER_WRITER):
            key = f"w{writer:02d}-{n}"
            payload = IncidentCreate(
                unit="350402",
                type="conduct.phone",
                meeting=MEETING,
                at=datetime(2019, 6, 10, 9, tzinfo=SHANGHAI) + timedelta(minutes=n),
                note=key,
            )
            assert log_incident(db, actor=actor, key=key, payload=payload).created
            keys.append(key)
        return keys

    def write_all() -> set[str]:
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            return {key for keys in pool.map(write, range(WRITERS)) for key in keys}

    if console_first:
        with console(client) as ws:
            assert replay(ws) == ([], 0)
            keys = write_all()
            events = next_events(ws, total)
    else:
        keys = write_all()
        with console(client) as ws:
            events, ready = replay(ws)
            assert ready == total

    assert seqs(events) == list(range(1, total + 1))
    assert {e["data"]["key"] for e in events} == keys
    log = stored(client)
    assert seqs(log) == list(range(1, total + 1))
    assert [as_stored(e) for e in events] == log
