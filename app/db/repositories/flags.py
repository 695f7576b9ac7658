from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import FrameFlag, Incident, Meeting, Unit


class FlagRow(NamedTuple):
    flag: FrameFlag
    unit: str
    meeting: str | None
    incident: str | None


def _rows() -> Select[*tuple[Any, ...]]:
    return (
        select(FrameFlag, col(Unit.code), col(Meeting.key), col(Incident.key))
        .join(Unit, col(FrameFlag.unit_id) == col(Unit.id))
        .outerjoin(Meeting, col(FrameFlag.meeting_id) == col(Meeting.id))
        .outerjoin(Incident, col(FrameFlag.incident_id) == col(Incident.id))
    )


def by_id(session: Session, flag_id: int) -> FlagRow | None:
    row = session.execute(_rows().where(col(FrameFlag.id) == flag_id)).one_or_none()
    return FlagRow(*row) if row else None


def listing(
    session: Session,
    *,
    status: str | None,
    meeting: str | None,
    units: Sequence[str],
    limit: int,
    offset: int,
    outside_meeting: bool = False,
) -> tuple[list[FlagRow], int]:
    query = _rows()
    if outside_meeting:
        query = query.where(col(FrameFlag.meeting_id).is_(None))
    if status is not None:
        query = query.where(col(FrameFlag.status) == status)
    if meeting is not None:
        query = query.where(col(Meeting.key) == meeting)
    if units:
        query = query.where(col(Unit.code).in_(units))
    total = count_of(session, query)
    rows = session.execute(
        query.order_by(col(FrameFlag.raised_at).desc(), col(FrameFlag.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return [FlagRow(*row) for row in rows], total


def open_flag(session: Session, *, unit_id: int, kind: str) -> FrameFlag | None:
    return session.scalars(
        select(FrameFlag).where(
            col(FrameFlag.unit_id) == unit_id,
            col(FrameFlag.kind) == kind,
            col(FrameFlag.status) == "open",
        )
    ).first()


def meeting_in_progress(session: Session, *, at: datetime) -> Meeting | None:
    """The meeting a sample at `at` belongs to: the latest one started up to six hours before
    (or starting within two hours, for the pre-meeting checks)."""
    return session.scalars(
        select(Meeting)
        .where(col(Meeting.starts_at) <= at + timedelta(hours=2))
        .where(col(Meeting.starts_at) >= at - timedelta(hours=6))
        .order_by(col(Meeting.starts_at).desc())
    ).first()
