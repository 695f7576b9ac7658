from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import Meeting


def by_key(session: Session, key: str) -> Meeting | None:
    return session.scalars(select(Meeting).where(col(Meeting.key) == key)).one_or_none()


def keys_to_ids(session: Session) -> dict[str, int]:
    return {key: id_ for id_, key in session.execute(select(col(Meeting.id), col(Meeting.key)))}


def starts_by_key(session: Session) -> dict[str, tuple[int, datetime]]:
    """Every meeting's id and start by its key."""
    rows = session.execute(select(col(Meeting.key), col(Meeting.id), col(Meeting.starts_at)))
    return {key: (id_, starts_at) for key, id_, starts_at in rows}


def between(
    session: Session,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    offset: int,
    cancelled: bool = False,
) -> tuple[list[Meeting], int]:
    """Meetings starting in [start, end); cancelled ones only when asked for."""
    query = select(Meeting)
    if not cancelled:
        query = query.where(col(Meeting.cancelled_at).is_(None))
    if start is not None:
        query = query.where(col(Meeting.starts_at) >= start)
    if end is not None:
        query = query.where(col(Meeting.starts_at) < end)
    total = count_of(session, query)
    rows = session.scalars(
        query.order_by(col(Meeting.starts_at), col(Meeting.key)).limit(limit).offset(offset)
    )
    return list(rows), total


def all_meetings(session: Session) -> list[Meeting]:
    return list(session.scalars(select(Meeting).order_by(col(Meeting.starts_at), col(Meeting.key))))
