"""The embedded SQLite database: every connection is set up for safe concurrent writing."""

from __future__ import annotations

import os
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.db.engine import Database
from app.db.tables import RollCallMark

pytestmark = pytest.mark.skipif(
    os.environ.get("VCWATCH_TEST_DATABASE", "sqlite") != "sqlite",
    reason="SQLite only; the run uses PostgreSQL",
)

CONNECTIONS = 12


def pragmas(connection: Connection) -> dict[str, object]:
    return {
        name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def assert_safe(settings: dict[str, object]) -> None:
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == 1  # NORMAL, as SQLite advises with WAL
    assert settings["foreign_keys"] == 1
    assert isinstance(settings["busy_timeout"], int)
    assert settings["busy_timeout"] > 0


def test_every_pooled_connection_has_the_pragmas(db: Database) -> None:
    with ExitStack() as stack:
        connections = [stack.enter_context(db.engine.connect()) for _ in range(CONNECTIONS)]
        raw = {id(c.connection.dbapi_connection) for c in connections}
        assert len(raw) == CONNECTIONS
        for connection in connections:
            assert_safe(pragmas(connection))


def test_read_and_write_sessions_have_the_pragmas(db: Database) -> None:
    with db.read() as session:
        assert_safe(pragmas(session.connection()))
    with db.write() as tx:
        assert_safe(pragmas(tx.session.connection()))


def test_a_fresh_engine_on_the_file_has_the_pragmas(database_url: str) -> None:
    other = Database(database_url)
    try:
        with other.engine.connect() as connection:
            assert_safe(pragmas(connection))
    finally:
        other.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as tx:
        tx.session.add(
            RollCallMark(
                meeting_id=999,
                unit_id=999,
                checkpoint="half_day",
                status="absent",
                marked_at=datetime(2019, 3, 5, 1, tzinfo=UTC),
            )
        )
    with db.read() as session:
        assert session.exec(select(RollCallMark)).all() == []
