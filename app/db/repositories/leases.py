"""Sampler leases: which `vcwatch sampler` follows which venue.

On PostgreSQL a claim locks the lease rows it takes with `FOR UPDATE SKIP LOCKED`, so two
samplers claiming at once never take the same venue (the second skips rows the first holds
locked, and re-checks the freshness of any row it does lock against its newest version).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.db.tables import SamplerHeartbeat, SamplerLease, Unit


def ensure(session: Session, *, unit_ids: Collection[int]) -> None:
    """A lease row for every venue given (free unless it exists already)."""
    if not unit_ids:
        return
    rows = [{"unit_id": unit_id} for unit_id in sorted(unit_ids)]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(pg_insert(SamplerLease).values(rows).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(SamplerLease).values(rows).on_conflict_do_nothing())


def renew(session: Session, *, sampler: str, now: datetime) -> list[int]:
    """Refresh the heartbeat of every lease `sampler` holds; returns those venues."""
    result = session.execute(
        update(SamplerLease)
        .where(col(SamplerLease.sampler) == sampler)
        .values(heartbeat_at=now)
        .returning(col(SamplerLease.unit_id))
    )
    return [unit_id for (unit_id,) in result]


def claim(
    session: Session,
    *,
    sampler: str,
    now: datetime,
    stale_before: datetime,
    unit_ids: Collection[int],
    limit: int,
) -> list[int]:
    """Take up to `limit` of the given venues whose lease is free or whose holder's heartbeat
    is older than `stale_before`, skipping rows another sampler is claiming right now."""
    if limit <= 0 or not unit_ids:
        return []
    free = or_(
        col(SamplerLease.sampler).is_(None),
        col(SamplerLease.heartbeat_at).is_(None),
        col(SamplerLease.heartbeat_at) < stale_before,
    )
    taken = list(
        session.scalars(
            select(col(SamplerLease.unit_id))
            .where(col(SamplerLease.unit_id).in_(sorted(unit_ids)), free)
            .order_by(col(SamplerLease.unit_id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if taken:
        session.execute(
            update(SamplerLease)
            .where(col(SamplerLease.unit_id).in_(taken))
            .values(sampler=sampler, acquired_at=now, heartbeat_at=now)
        )
    return taken


def release(session: Session, *, sampler: str, unit_ids: Collection[int] | None = None) -> None:
    """Give up `sampler`'s leases (all of them, or the venues given)."""
    query = update(SamplerLease).where(col(SamplerLease.sampler) == sampler)
    if unit_ids is not None:
        if not unit_ids:
            return
        query = query.where(col(SamplerLease.unit_id).in_(sorted(unit_ids)))
    session.execute(query.values(sampler=None, heartbeat_at=None))


def beat(session: Session, *, sampler: str, now: datetime) -> None:
    """Record that `sampler` is alive."""
    row = session.get(SamplerHeartbeat, sampler)
    if row is None:
        session.add(SamplerHeartbeat(sampler=sampler, started_at=now, heartbeat_at=now))
    else:
        row.heartbeat_at = now


def forget(session: Session, *, sampler: str) -> None:
    row = session.get(SamplerHeartbeat, sampler)
    if row is not None:
        session.delete(row)


def live_samplers(session: Session, *, fresh_after: datetime) -> set[str]:
    """Samplers whose heartbeat is fresh (whether they hold a lease or not yet)."""
    rows = session.scalars(
        select(col(SamplerHeartbeat.sampler)).where(
            col(SamplerHeartbeat.heartbeat_at) >= fresh_after
        )
    )
    return set(rows)


def holders(session: Session, *, fresh_after: datetime) -> dict[str, str]:
    """Unit code → the sampler whose heartbeat on it is fresh."""
    rows = session.execute(
        select(col(Unit.code), col(SamplerLease.sampler))
        .join(Unit, col(SamplerLease.unit_id) == col(Unit.id))
        .where(
            and_(
                col(SamplerLease.sampler).is_not(None),
                col(SamplerLease.heartbeat_at) >= fresh_after,
            )
        )
    )
    return {code: sampler for code, sampler in rows if sampler is not None}
