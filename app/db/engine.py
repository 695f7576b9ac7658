"""Engines and transactions: the one place that begins, commits and rolls back.

On SQLite every connection runs in WAL mode with `synchronous=NORMAL` (SQLite's advice for WAL: a
commit survives a crash of the process; a power cut may roll back the last commits before it but
never corrupts the file; PostgreSQL is the backend where every commit must reach the disk), with
foreign keys and a busy timeout. A write transaction takes the write lock up front (`BEGIN
IMMEDIATE`), so concurrent writers queue on the lock instead of failing half-way with "database is
locked". Within one process the writers first queue on a lock of their own: SQLite's busy handler
polls with sleeps of up to 100 ms, which under a steady stream of writes turns a queue of a few
milliseconds into seconds; the busy timeout is left for writers of other processes (the sampler,
the CLI).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=8,
            max_overflow=16,
        )
        _prepare_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)


class Database:
    """An engine and the transactions made on it.

    `on_events`, when set, receives the meeting events of each write transaction after it has
    committed (never for one that rolled back).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.on_events: Callable[[list[Any]], None] | None = None
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._writers = threading.Lock() if self.is_sqlite else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write transaction: commits when the block ends, rolls back if it raises."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            transaction = Transaction(session)
            with self._writers:
                with session.begin():
                    yield transaction
                # Still one writer at a time: events leave in the order they were committed.
                events = session.info.pop("events", None)
                if events and self.on_events is not None:
                    self.on_events(events)

    def dispose(self) -> None:
        self.engine.dispose()


class Transaction:
    def __init__(self, session: Session) -> None:
        self.session = session
