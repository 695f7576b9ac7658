"""Events written by another process (another server, the CLI, the sampler) reach this process's
consoles: with PostgreSQL through its notices, with SQLite by looking for new events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database
from app.live import postgres
from app.schemas.records import IncidentCreate
from app.services.context import Actor
from app.services.incidents import log_incident
from tests.conftest import BACKEND

from .support import console, next_events, replay

ELSEWHERE = Actor(username="sampler", role="admin")


@pytest.fixture
def other_process(database_url: str) -> Iterator[Database]:
    """The same database as another process sees it: its commits reach no hub of ours."""
    other = Database(database_url)
    yield other
    other.dispose()


def tag_elsewhere(other: Database, key: str) -> dict[str, Any]:
    payload = IncidentCreate(
        unit="350402",
        type="venue.poor_picture",
        meeting="m05",
        at=datetime(2019, 6, 10, 9, 40, tzinfo=ZoneInfo("Asia/Shanghai")),
        source="online_monitoring",
    )
    logged = log_incident(other, actor=ELSEWHERE, key=key, payload=payload)
    return logged.incident.model_dump(mode="json")


def test_events_written_by_another_process_reach_the_console(
    imported: TestClient, other_process: Database
) -> None:
    with console(imported) as ws:
        assert replay(ws) == ([], 0)
        incidents = [tag_elsewhere(other_process, f"elsewhere-{n}") for n in range(3)]
        events = next_events(ws, 3)
        assert [e["seq"] for e in events] == [1, 2, 3]
        assert [e["data"] for e in events] == incidents
        assert {e["actor"] for e in events} == {"sampler"}


class Gate:
    """Keeps the event listener from connecting until opened."""

    open = False


@pytest.fixture
def closed_gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    gate = Gate()
    connect = psycopg.AsyncConnection.connect

    async def connect_when_open(*args: Any, **kwargs: Any) -> psycopg.AsyncConnection[Any]:
        if not gate.open:
            raise psycopg.OperationalError("the database is out of reach")
        return await connect(*args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncConnection, "connect", connect_when_open)
    monkeypatch.setattr(postgres, "MAX_BACKOFF_SECONDS", 0.2)
    return gate


@pytest.mark.skipif(BACKEND != "postgresql", reason="the notice listener is PostgreSQL's")
def test_a_listener_that_connects_late_still_delivers_what_was_written_before(
    closed_gate: Gate, imported: TestClient, other_process: Database
) -> None:
    with console(imported) as ws:
        assert replay(ws) == ([], 0)
        before = tag_elsewhere(other_process, "before-the-listener")
        closed_gate.open = True
        (event,) = next_events(ws, 1)
        assert (event["seq"], event["data"]) == (1, before)
        after = tag_elsewhere(other_process, "after-the-listener")
        (event,) = next_events(ws, 1)
        assert (event["seq"], event["data"]) == (2, after)
