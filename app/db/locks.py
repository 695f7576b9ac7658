"""Process-wide claims: work that exactly one server process may do at a time."""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db.engine import Database


def claim(db: Database, name: str) -> Connection | None:
    """Claim `name` for this process for as long as the returned connection stays open.

    SQLite serves one process, which always holds the claim (no connection is needed); on
    PostgreSQL a session advisory lock decides, and closing the connection gives it up.
    """
    if db.is_sqlite:
        return None
    connection = db.engine.connect()
    key = zlib.crc32(name.encode())
    if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
        connection.commit()
        return connection
    connection.close()
    raise LookupError(name)
