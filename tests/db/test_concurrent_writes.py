"""Many writers at once: every transaction succeeds (no "database is locked" on SQLite, where
writers queue on `BEGIN IMMEDIATE`), an incident key never counts twice (on PostgreSQL the losing
writer meets the unique key and answers as for a retry), and the meeting's events stay numbered
without gaps."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from app.db.engine import Database
from app.db.tables import AuditEntry, Incident, Meeting, MeetingEvent
from app.schemas.records import IncidentCreate
from app.services.context import Actor
from app.services.incidents import Logged, log_incident
from app.services.records import import_records, parse_records
from app.services.scores import get_standings
from tests.fixtures import WORKED_EXAMPLE

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTROLLER = Actor(username="controller", role="admin")
WRITERS = 50
INCIDENTS_PER_WRITER = 4
T = TypeVar("T")


@pytest.fixture
def worked_example(db: Database) -> Database:
    data = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    import_records(db, actor=CONTROLLER, file=parse_records(data))
    return db


def all_at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(0) … work(count - 1)` in as many threads, released together."""
    start = threading.Barrier(count)

    def run(index: int) -> T:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(run, index) for index in range(count)]
        return [future.result() for future in futures]


def phone_in_meeting(minute: int, *, note: str) -> IncidentCreate:
    return IncidentCreate(
        unit="350402",
        type="conduct.phone",
        meeting="m05",
        at=datetime(2019, 6, 10, 9, 30, tzinfo=SHANGHAI) + timedelta(minutes=minute),
        note=note,
    )


def keys_stored(db: Database, prefix: str) -> Counter[str]:
    with db.read() as session:
        keys = session.exec(select(Incident.key).where(col(Incident.key).startswith(prefix)))
        return Counter(keys)


def logged_audit_entries(db: Database, prefix: str) -> Counter[str | None]:
    with db.read() as session:
        keys = session.exec(
            select(AuditEntry.entity_key).where(
                AuditEntry.action == "incident.logged",
                col(AuditEntry.entity_key).startswith(prefix),
            )
        )
        return Counter(keys)


def meeting_events(db: Database, meeting: str) -> list[tuple[int, str, str]]:
    """(seq, kind, incident key) of every event of the meeting, in order."""
    with db.read() as session:
        events = session.exec(
            select(MeetingEvent)
            .join(Meeting, col(MeetingEvent.meeting_id) == col(Meeting.id))
            .where(Meeting.key == meeting)
            .order_by(col(MeetingEvent.seq))
        )
        return [(e.seq, e.kind, e.data["key"]) for e in events]


def assert_gap_free(events: list[tuple[int, str, str]]) -> None:
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))


def county_venue_order(db: Database, code: str) -> int:
    standings = get_standings(db, year=2019, as_of=None)
    county = next(c for city in standings.cities for c in city.counties if c.code == code)
    return next(i.occurrences for i in county.items if i.code == "venue_order")


def test_fifty_writers_all_succeed_and_each_incident_is_stored_once(
    worked_example: Database,
) -> None:
    db = worked_example
    before = county_venue_order(db, "350402")

    def writer(index: int) -> list[Logged]:
        return [
            log_incident(
                db,
                actor=CONTROLLER,
                key=f"conc-{index:02d}-{n}",
                payload=phone_in_meeting(n, note=f"writer {index}"),
            )
            for n in range(INCIDENTS_PER_WRITER)
        ]

    results = [logged for batch in all_at_once(WRITERS, writer) for logged in batch]

    expected = {f"conc-{i:02d}-{n}" for i in range(WRITERS) for n in range(INCIDENTS_PER_WRITER)}
    assert all(logged.created for logged in results)
    assert {logged.incident.key for logged in results} == expected
    assert keys_stored(db, "conc-") == Counter(expected)
    assert logged_audit_entries(db, "conc-") == Counter(expected)
    assert county_venue_order(db, "350402") == before + len(expected)
    events = meeting_events(db, "m05")
    assert_gap_free(events)
    logged = Counter(key for _, kind, key in events if kind == "incident.logged")
    assert logged == Counter(expected)


def test_same_key_from_many_writers_is_one_incident(worked_example: Database) -> None:
    db = worked_example
    before = county_venue_order(db, "350402")
    payload = phone_in_meeting(7, note="前排有人低头玩手机")

    results = all_at_once(
        WRITERS, lambda _index: log_incident(db, actor=CONTROLLER, key="dup-1", payload=payload)
    )

    assert sum(logged.created for logged in results) == 1
    assert all(logged.incident == results[0].incident for logged in results)
    assert keys_stored(db, "dup-") == Counter({"dup-1": 1})
    assert logged_audit_entries(db, "dup-") == Counter({"dup-1": 1})
    assert county_venue_order(db, "350402") == before + 1
    events = meeting_events(db, "m05")
    assert_gap_free(events)
    assert [(kind, key) for _, kind, key in events] == [("incident.logged", "dup-1")]
