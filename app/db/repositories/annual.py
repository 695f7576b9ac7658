"""Queries of the official annual table: the incidents behind each figure, read once, in bulk.

Which incidents count is the one rule of `app.domain.counting`, in SQL as `incidents.counted`
(the standings' `type_counts` read through it too) and its complement `incidents.voided_by`, so
the table's lines always add up to the standings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, null, select
from sqlmodel import Session, col

from app.db.repositories.incidents import (
    IncidentFilter,
    counted,
    counts_at,
    matching_ids,
    voided_by,
)
from app.db.tables import Incident, Meeting, Unit
from app.domain.counting import Moments

BATCH = 5000


class TableRow(NamedTuple):
    """One incident with what the table shows of it (its meeting by id: see `meetings`)."""

    key: str
    unit: str
    type_code: str
    item_code: str
    meeting_id: int | None
    checkpoint: str | None
    at: datetime
    source: str
    note: str | None
    logged_by: str | None
    evidence: str | None
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None


class MeetingLine(NamedTuple):
    title: str
    starts_at: datetime


def _table_rows(*, with_void: bool = True) -> Select[*tuple[Any, ...]]:
    # Rows that count have no void to show: its columns are left out (each read costs).
    void = (
        (col(Incident.voided_at), col(Incident.voided_by), col(Incident.void_reason))
        if with_void
        else (null().label("voided_at"), null().label("voided_by"), null().label("void_reason"))
    )
    return select(
        col(Incident.key),
        col(Unit.code).label("unit"),
        col(Incident.type_code),
        col(Incident.item_code),
        col(Incident.meeting_id),
        col(Incident.checkpoint),
        col(Incident.at),
        col(Incident.source),
        col(Incident.note),
        col(Incident.logged_by),
        col(Incident.evidence),
        *void,
    ).join(Unit, col(Incident.unit_id) == col(Unit.id))


def meetings(session: Session) -> dict[int, MeetingLine]:
    """Every meeting's title and start, by id: a year's incidents name a few dozen of them."""
    rows = session.execute(select(col(Meeting.id), col(Meeting.title), col(Meeting.starts_at)))
    return {meeting_id: MeetingLine(title, starts_at) for meeting_id, title, starts_at in rows}


def _stream(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[TableRow]:
    # Plain column tuples on the session's connection, a batch at a time (a server-side cursor
    # on PostgreSQL): a year's table reads every row once, so no ORM objects are built.
    connection = session.connection().execution_options(yield_per=BATCH)
    make = TableRow._make  # attribute access on a named tuple is far cheaper than on a Row
    for row in connection.execute(query):
        yield make(row)


def counted_rows(session: Session, *, period_id: int, moments: Moments) -> Iterator[TableRow]:
    """The period's incidents that count at `moments`, in the order they were stored."""
    query = (
        _table_rows(with_void=False)
        .where(counted(period_id=period_id, moments=moments))
        .order_by(col(Incident.id))
    )
    return _stream(session, query)


def voided_rows(session: Session, *, period_id: int, as_of: datetime) -> Iterator[TableRow]:
    """The period's incidents voided by `as_of`, in the order they were voided."""
    query = (
        _table_rows()
        .where(col(Incident.period_id) == period_id, voided_by(as_of))
        .order_by(col(Incident.voided_at), col(Incident.id))
    )
    return _stream(session, query)


def filtered_rows(
    session: Session, *, where: IncidentFilter, as_of: datetime
) -> Iterator[TableRow]:
    """The incidents a filtered listing shows, as they stand at `as_of`: none that had not
    happened by then, and `where.voided` judged at that moment (a void after it is not one)."""
    ids = matching_ids(where)
    if where.voided is True:
        ids = ids.where(voided_by(as_of))
    elif where.voided is False:
        ids = ids.where(counts_at(as_of))
    else:
        ids = ids.where(col(Incident.at) <= as_of)
    query = (
        _table_rows()
        .where(col(Incident.id).in_(ids))
        .order_by(col(Incident.at).desc(), col(Incident.id).desc())
    )
    return _stream(session, query)
