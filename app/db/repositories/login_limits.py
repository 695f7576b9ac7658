"""Counters of failed logins per source and window, incremented atomically in the database.

One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL alike)
increments the counter and reads it back, so parallel requests — in one process or in several
workers — each see a distinct count and no more than the limit ever get past it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.db.tables import LoginLimit


def count_attempt(
    session: Session, *, key: str, now: datetime, window_since: datetime
) -> tuple[int, datetime]:
    """Add one attempt to the source's counter; (attempts in its window, window start).

    A counter whose window started at or before `window_since` starts afresh."""
    table = LoginLimit.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    expired = table.c.window_started_at <= window_since
    statement = (
        insert(table)
        .values(key=key, window_started_at=now, attempts=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((expired, 1), else_=table.c.attempts + 1),
                "window_started_at": case((expired, now), else_=table.c.window_started_at),
            },
        )
        .returning(table.c.attempts, table.c.window_started_at)
    )
    attempts, started = session.execute(statement).one()
    return int(attempts), started


def refund(session: Session, *, key: str) -> None:
    """Take back one attempt (it turned out to be a successful login)."""
    session.execute(
        update(LoginLimit)
        .where(col(LoginLimit.key) == key, col(LoginLimit.attempts) > 0)
        .values(attempts=col(LoginLimit.attempts) - 1)
    )


def forget(session: Session, *, key: str) -> None:
    session.execute(delete(LoginLimit).where(col(LoginLimit.key) == key))
