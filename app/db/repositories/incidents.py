from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import Account, Incident, Meeting, Unit
from app.domain.counting import Moments
from app.domain.facts import IncidentFact

KEY_CHUNK = 500
ARRAY_CHUNK = 20_000
SQLITE_BATCH_CACHE_SIZE = -262_144  # KiB: at most 256 MiB, taken only as pages are used


class IncidentRow(NamedTuple):
    incident: Incident
    unit: str
    meeting: str | None
    # Names for people reading it: the unit's, the meeting's title, who logged and who voided.
    unit_name: str | None = None
    meeting_title: str | None = None
    logged_by_name: str | None = None
    voided_by_name: str | None = None


@dataclass(frozen=True)
class IncidentFilter:
    period_id: int | None = None
    units: Sequence[str] = ()
    item: str | None = None
    type_code: str | None = None
    meeting: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    voided: bool | None = None
    source: str | None = None
    # The type codes of `item` in the rulebooks concerned: when given, the item is matched by
    # them, which the scoring index holds (it has type codes, not items).
    item_types: Sequence[str] | None = None


def _rows() -> Select[*tuple[Any, ...]]:
    logger = aliased(Account)
    voider = aliased(Account)
    return (
        select(
            Incident,
            col(Unit.code),
            col(Meeting.key),
            col(Unit.name),
            col(Meeting.title),
            col(logger.display_name),
            col(voider.display_name),
        )
        .join(Unit, col(Incident.unit_id) == col(Unit.id))
        .outerjoin(Meeting, col(Incident.meeting_id) == col(Meeting.id))
        .outerjoin(logger, col(logger.username) == col(Incident.logged_by))
        .outerjoin(voider, col(voider.username) == col(Incident.voided_by))
    )


def by_key(session: Session, key: str) -> IncidentRow | None:
    row = session.execute(_rows().where(col(Incident.key) == key)).one_or_none()
    return IncidentRow(*row) if row else None


def live_of_meeting(session: Session, *, meeting_id: int, item_code: str) -> list[IncidentRow]:
    """The meeting's incidents of one item that are not voided."""
    rows = session.execute(
        _rows().where(
            col(Incident.meeting_id) == meeting_id,
            col(Incident.item_code) == item_code,
            col(Incident.voided_at).is_(None),
        )
    )
    return [IncidentRow(*row) for row in rows]


def roll_calls_of_meeting(session: Session, *, meeting_id: int) -> list[IncidentRow]:
    """The meeting's roll-call incidents, voided ones too: each is timed at its checkpoint."""
    rows = session.execute(
        _rows().where(
            col(Incident.meeting_id) == meeting_id,
            col(Incident.checkpoint).is_not(None),
        )
    )
    return [IncidentRow(*row) for row in rows]


def matching_ids(where: IncidentFilter) -> Select[int | None]:
    """The ids of the incidents that match `where`.

    Matching runs on incident ids alone, units and meetings given by their ids, so the scoring
    index (period, unit, type, at, voided) answers most filters without reading the table."""
    ids = select(col(Incident.id))
    if where.period_id is not None:
        ids = ids.where(col(Incident.period_id) == where.period_id)
    if where.units:
        unit_ids = select(col(Unit.id)).where(col(Unit.code).in_(where.units))
        ids = ids.where(col(Incident.unit_id).in_(unit_ids))
    if where.item_types is not None:
        ids = ids.where(col(Incident.type_code).in_(where.item_types))
    elif where.item is not None:
        ids = ids.where(col(Incident.item_code) == where.item)
    if where.type_code is not None:
        ids = ids.where(col(Incident.type_code) == where.type_code)
    if where.meeting is not None:
        meeting_ids = select(col(Meeting.id)).where(col(Meeting.key) == where.meeting)
        ids = ids.where(col(Incident.meeting_id).in_(meeting_ids))
    if where.start is not None:
        ids = ids.where(col(Incident.at) >= where.start)
    if where.end is not None:
        ids = ids.where(col(Incident.at) < where.end)
    if where.source is not None:
        ids = ids.where(col(Incident.source) == where.source)
    if where.voided is True:
        ids = ids.where(col(Incident.voided_at).is_not(None))
    elif where.voided is False:
        ids = ids.where(col(Incident.voided_at).is_(None))
    return ids


def listing(
    session: Session, *, where: IncidentFilter, limit: int, offset: int
) -> tuple[list[IncidentRow], int]:
    """A page of incidents, newest first, and how many match.

    Matching and ordering run on incident ids (`matching_ids`); only the page's rows are then
    read in full."""
    ids = matching_ids(where)
    total = count_of(session, ids)
    newest_first = (col(Incident.at).desc(), col(Incident.id).desc())
    page = ids.order_by(*newest_first).limit(limit).offset(offset)
    rows = session.execute(_rows().where(col(Incident.id).in_(page)).order_by(*newest_first))
    return [IncidentRow(*row) for row in rows], total


def counts_at(as_of: datetime) -> ColumnElement[bool]:
    """The bounds of `Moments.counts` within a year, in SQL: seen at or before `as_of`, not
    voided at or before it."""
    return and_(
        col(Incident.at) <= as_of,
        or_(col(Incident.voided_at).is_(None), col(Incident.voided_at) > as_of),
    )


def voided_by(as_of: datetime) -> ColumnElement[bool]:
    """What `counts_at` leaves out of the incidents seen by `as_of`: those voided by then."""
    return and_(col(Incident.at) <= as_of, col(Incident.voided_at) <= as_of)


def counted(*, period_id: int, moments: Moments) -> ColumnElement[bool]:
    """`Moments.counts` in SQL: charged to the year (its period), and `counts_at` its `as_of`."""
    return and_(col(Incident.period_id) == period_id, counts_at(moments.as_of))


def type_counts(
    session: Session, *, period_id: int, moments: Moments, except_units: Sequence[str] = ()
) -> dict[tuple[str, str], int]:
    """Occurrences per (unit code, type code) that count at `moments` (see domain.counting),
    leaving out the units named (those read incident by incident instead)."""
    query = select(col(Incident.unit_id), col(Incident.type_code), func.count().label("n")).where(
        counted(period_id=period_id, moments=moments)
    )
    if except_units:
        left_out = select(col(Unit.id)).where(col(Unit.code).in_(except_units))
        query = query.where(col(Incident.unit_id).not_in(left_out))
    grouped = query.group_by(col(Incident.unit_id), col(Incident.type_code)).subquery()
    rows = session.execute(
        select(col(Unit.code), grouped.c.type_code, grouped.c.n).join(
            Unit, col(Unit.id) == grouped.c.unit_id
        )
    )
    return {(unit, type_code): int(n) for unit, type_code, n in rows}


def facts_of_units(
    session: Session, *, period_id: int, year: int, unit_codes: Sequence[str]
) -> list[IncidentFact]:
    """The period's incidents of those units, one by one, for the domain to count."""
    if not unit_codes:
        return []
    rows = session.execute(
        select(col(Unit.code), col(Incident.type_code), col(Incident.at), col(Incident.voided_at))
        .join(Unit, col(Incident.unit_id) == col(Unit.id))
        .where(col(Incident.period_id) == period_id, col(Unit.code).in_(unit_codes))
    )
    return [
        IncidentFact(unit=unit, type_code=type_code, at=at, voided_at=voided_at, year=year)
        for unit, type_code, at, voided_at in rows
    ]


def live_roll_call(
    session: Session, *, meeting_id: int, unit_id: int, checkpoint: str
) -> Incident | None:
    """The live roll-call incident of a venue at a meeting's checkpoint, if there is one."""
    return session.scalars(
        select(Incident).where(
            col(Incident.meeting_id) == meeting_id,
            col(Incident.unit_id) == unit_id,
            col(Incident.checkpoint) == checkpoint,
            col(Incident.voided_at).is_(None),
        )
    ).first()


def live_roll_calls(session: Session) -> dict[tuple[int, int, str], str]:
    """Every live roll-call incident's key by (meeting id, unit id, checkpoint)."""
    rows = session.execute(
        select(
            col(Incident.meeting_id),
            col(Incident.unit_id),
            col(Incident.checkpoint),
            col(Incident.key),
        ).where(col(Incident.checkpoint).is_not(None), col(Incident.voided_at).is_(None))
    )
    return {(m, u, c): key for m, u, c, key in rows}


def digests_of(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The request digests of those keys that are already taken."""
    keys = list(keys)
    found: dict[str, str] = {}
    query = select(col(Incident.key), col(Incident.request_digest))
    if session.connection().dialect.name == "postgresql":
        # The keys go as one array per chunk, joined as a set: an IN of many parameters is slow
        # to send, and `= ANY(array)` becomes a scan per key when the planner lacks statistics
        # (right after a big import).
        for start in range(0, len(keys), ARRAY_CHUNK):
            array = bindparam("keys", keys[start : start + ARRAY_CHUNK], type_=ARRAY(String))
            wanted = func.unnest(array).table_valued("key").render_derived(name="wanted")
            rows = session.execute(query.join(wanted, col(Incident.key) == wanted.c.key))
            found.update({key: digest for key, digest in rows})
        return found
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        rows = session.execute(query.where(col(Incident.key).in_(chunk)))
        found.update({key: digest for key, digest in rows})
    return found


def insert_many(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows that all carry the same columns, as one batch; how many there were.

    Each value goes through its column type's bind processing, as in an ORM insert, and a
    database error is raised as SQLAlchemy's (e.g. `IntegrityError` for a duplicate key). The
    rows go to the driver directly. PostgreSQL gets them as one COPY stream while `rows` is
    still being iterated (psycopg's `executemany` costs a round trip per row), so the server
    works while the caller checks the next rows; an exception from `rows` aborts the COPY and
    propagates as it is. SQLite takes them, all drawn first, in one `executemany`.
    """
    pending = iter(rows)
    first = next(pending, None)
    if first is None:
        return 0
    table: Table = Incident.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    dialect = connection.dialect
    names = list(first)
    every = chain((first,), pending)
    if dialect.name == "postgresql":
        return _copy(connection, table, names, _bound(dialect, table, names, every))
    batch = list(every)
    if dialect.name == "sqlite":
        columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
        statement = (
            f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({columns}) "
            f"VALUES ({', '.join('?' * len(names))})"
        )
        # A page cache big enough for the batch's dirty pages, for the batch only: with the
        # default 2 MB, SQLite spills half-built index pages to the WAL over and over.
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size={SQLITE_BATCH_CACHE_SIZE}")
        try:
            connection.exec_driver_sql(statement, list(_bound(dialect, table, names, batch)))
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(cache_size or 0)}")
    else:
        connection.execute(insert(table), batch)
    return len(batch)


def _bound(
    dialect: Dialect, table: Table, names: list[str], rows: Iterable[dict[str, Any]]
) -> Iterator[tuple[Any, ...]]:
    """Rows as tuples of driver values, by the columns' own bind processors.

    Only the columns whose type has a processor are touched; one that holds the same value in
    every row (the import's `logged_at`, say) is processed once, not once per row."""
    getter = itemgetter(*names)
    row_values = getter if len(names) > 1 else lambda row: (getter(row),)
    processed = [
        (index, process)
        for index, name in enumerate(names)
        if (process := table.c[name].type._cached_bind_processor(dialect)) is not None
    ]
    last: dict[int, tuple[Any, Any]] = {}
    for row in rows:
        values = list(row_values(row))
        for index, process in processed:
            value = values[index]
            if value is None:
                continue
            previous = last.get(index)
            if previous is None or previous[0] is not value:
                previous = last[index] = (value, process(value))
            values[index] = previous[1]
        yield tuple(values)


def _copy(
    connection: Connection, table: Table, names: list[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    dialect = connection.dialect
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    count = 0
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    return count


def for_period(session: Session, *, period_id: int) -> list[IncidentRow]:
    rows = session.execute(
        _rows().where(col(Incident.period_id) == period_id).order_by(col(Incident.id))
    )
    return [IncidentRow(*row) for row in rows]


class ExportRow(NamedTuple):
    key: str
    unit: str
    type_code: str
    item_code: str
    meeting: str | None
    checkpoint: str | None
    at: datetime
    source: str
    note: str | None
    logged_by: str | None
    logged_at: datetime
    evidence: str | None
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None


EXPORT_BATCH = 5000


def export_rows(session: Session, *, period_id: int) -> Iterator[ExportRow]:
    """The period's incidents in the order they were stored, as plain column tuples: a year's
    export reads every row once, so no ORM objects are built."""
    query = (
        select(
            col(Incident.key),
            col(Unit.code),
            col(Incident.type_code),
            col(Incident.item_code),
            col(Meeting.key),
            col(Incident.checkpoint),
            col(Incident.at),
            col(Incident.source),
            col(Incident.note),
            col(Incident.logged_by),
            col(Incident.logged_at),
            col(Incident.evidence),
            col(Incident.voided_at),
            col(Incident.voided_by),
            col(Incident.void_reason),
        )
        .join(Unit, col(Incident.unit_id) == col(Unit.id))
        .outerjoin(Meeting, col(Incident.meeting_id) == col(Meeting.id))
        .where(col(Incident.period_id) == period_id)
        .order_by(col(Incident.id))
    )
    # On the session's connection: the columns come back as they are, without the ORM's
    # per-row bookkeeping, a batch at a time (a server-side cursor on PostgreSQL).
    connection = session.connection().execution_options(yield_per=EXPORT_BATCH)
    for row in connection.execute(query):
        yield ExportRow._make(row)


def type_codes_of_period(session: Session, *, period_id: int | None) -> set[str]:
    query = select(col(Incident.type_code)).where(col(Incident.period_id) == period_id).distinct()
    return set(session.scalars(query))
