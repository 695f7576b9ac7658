"""Finalizing a year (定稿) and reopening it; the year's status as the review page shows it.

Invariant: a finalized period holds the standings as they stood at `finalized_at`, and every
write that would change the year is refused (`app.services.finality`) until an admin reopens it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import objections as objection_repo
from app.db.tables import Period
from app.schemas.public import OpenObjectionPublic, PeriodStatusPublic
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Conflict
from app.services.objections import deadline_passes_at
from app.services.periods import public, require_period
from app.services.scores import standings_in, standings_public
from app.timezone import iso


def _open_objections(session: Session, period: Period) -> list[OpenObjectionPublic]:
    assert period.id is not None
    return [
        OpenObjectionPublic(
            id=row.objection.id or 0,
            incident=row.incident,
            unit=row.unit,
            filed_at=iso(row.objection.filed_at),
        )
        for row in objection_repo.open_of_period(session, period_id=period.id)
    ]


def _status(session: Session, period: Period, *, now: datetime) -> PeriodStatusPublic:
    left = deadline_passes_at(period) - now
    days = -(-left // timedelta(days=1)) if left > timedelta() else 0  # whole days, rounded up
    return PeriodStatusPublic(
        **public(period).model_dump(),
        objection_days_left=days,
        open_objections=_open_objections(session, period),
    )


def period_status(db: Database, *, year: int) -> PeriodStatusPublic:
    with db.read() as session:
        return _status(session, require_period(session, year), now=utc_now())


def finalize(
    db: Database, *, actor: Actor, year: int, note: str, confirm_open_objections: bool
) -> PeriodStatusPublic:
    """Store the year's standings as they stand now and close the year to writes."""
    now = utc_now()
    with db.write() as tx:
        session = tx.session
        period = require_period(session, year)
        if period.finalized_at is not None:
            raise Conflict(
                f"year {year} was already finalized at {iso(period.finalized_at)}",
                field="year",
                code="period.finalized",
            )
        still_open = _open_objections(session, period)
        if still_open and not confirm_open_objections:
            listed = "; ".join(
                f"#{o.id} ({o.unit}, incident {o.incident}, filed {o.filed_at})" for o in still_open
            )
            raise Conflict(
                f"{len(still_open)} objection(s) to {year} are still open: {listed}; "
                "finalize with confirm_open_objections to go ahead",
                field="confirm_open_objections",
                code="period.open_objections",
            )
        standings, _ = standings_in(session, year=year, as_of=now, now=now)
        table = standings_public(standings, year=year).model_copy(
            update={"final": True, "finalized_at": iso(now), "finalized_by": actor.username}
        )
        period.final_standings = table.model_dump(mode="json")
        period.finalized_at, period.finalized_by, period.finalize_note = now, actor.username, note
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="period.finalized",
            entity="period",
            entity_key=str(year),
            after={
                "note": note,
                "finalized_at": iso(now),
                "open_objections": [o.id for o in still_open],
                "cities": {c.code: c.score for c in table.cities},
            },
            at=now,
        )
        return _status(session, period, now=now)


def reopen(db: Database, *, actor: Actor, year: int, reason: str) -> PeriodStatusPublic:
    """Open a finalized year to writes again (admin, with a reason); the frozen table is kept
    in the audit entry."""
    now = utc_now()
    with db.write() as tx:
        session = tx.session
        period = require_period(session, year)
        if period.finalized_at is None:
            raise Conflict(
                f"year {year} is not finalized", field="year", code="period.not_finalized"
            )
        before = {
            "finalized_at": iso(period.finalized_at),
            "finalized_by": period.finalized_by,
            "note": period.finalize_note,
            "standings": period.final_standings,
        }
        period.finalized_at = period.finalized_by = period.finalize_note = None
        period.final_standings = None
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="period.reopened",
            entity="period",
            entity_key=str(year),
            before=before,
            after={"reason": reason},
            at=now,
        )
        return _status(session, period, now=now)
