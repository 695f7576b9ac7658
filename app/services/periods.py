from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import periods as period_repo
from app.db.tables import Period
from app.domain.rulebook import Rulebook, available_editions, load_edition
from app.schemas.public import PeriodPublic, PeriodSummary
from app.schemas.records import PeriodRecord, PeriodUpdate
from app.services import audit
from app.services.context import Actor
from app.services.errors import Conflict, Invalid, NotFound
from app.services.finality import ensure_open
from app.timezone import iso


def rulebook_of(edition: str, *, field: str = "edition", missing: int = 422) -> Rulebook:
    try:
        return load_edition(edition)
    except KeyError:
        known = ", ".join(available_editions())
        message = f"unknown rulebook edition {edition!r} (known: {known})"
        raise (NotFound if missing == 404 else Invalid)(message, field=field) from None


def period_of_year(session: Session, year: int, *, field: str = "year") -> tuple[Period, Rulebook]:
    period = period_repo.by_year(session, year)
    if period is None:
        raise Invalid(
            f"there is no assessment period for {year}; an admin creates it first",
            field=field,
            code="period.missing",
        )
    return period, rulebook_of(period.edition)


def objection_deadline(period: Period) -> date:
    """The last day objections may be filed: the period's own, or 31 January of the next year."""
    return period.objection_deadline or date(period.year + 1, 1, 31)


def public(period: Period) -> PeriodPublic:
    return PeriodPublic(
        year=period.year,
        edition=period.edition,
        objection_deadline=objection_deadline(period).isoformat(),
        final=period.finalized_at is not None,
        finalized_at=iso(period.finalized_at) if period.finalized_at else None,
        finalized_by=period.finalized_by,
        finalize_note=period.finalize_note,
    )


def list_periods(db: Database) -> list[PeriodSummary]:
    """Every period, with how many incidents it holds (the pages open the latest with data)."""
    with db.read() as session:
        counts = period_repo.incident_counts(session)
        return [
            PeriodSummary(**public(p).model_dump(), incidents=counts.get(p.id or 0, 0))
            for p in period_repo.all_periods(session)
        ]


def require_period(session: Session, year: int) -> Period:
    period = period_repo.by_year(session, year)
    if period is None:
        raise NotFound(f"no assessment period for {year}", field="year", code="period.not_found")
    return period


def get_period(db: Database, *, year: int) -> PeriodPublic:
    with db.read() as session:
        return public(require_period(session, year))


def _create(session: Session, *, actor: Actor, year: int, edition: str) -> Period:
    period = Period(year=year, edition=edition)
    session.add(period)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="period.created",
        entity="period",
        entity_key=str(year),
        after={"year": year, "edition": edition},
    )
    return period


def ensure_period(
    session: Session, *, actor: Actor, record: PeriodRecord, field: str = "period.edition"
) -> Period:
    """The period of that year, created if missing. A file cannot switch an existing period to
    another edition: that is an admin's explicit act (`PUT /api/periods/{year}`)."""
    rulebook_of(record.edition, field=field)
    period = period_repo.by_year(session, record.year)
    if period is None:
        return _create(session, actor=actor, year=record.year, edition=record.edition)
    if period.edition != record.edition:
        raise Conflict(
            f"period {record.year} follows the {period.edition} edition; a file cannot switch it "
            f"to {record.edition} (an admin changes a period's edition explicitly)",
            field=field,
            code="period.edition_fixed",
        )
    return period


def _change_edition(
    session: Session, *, actor: Actor, period: Period, update: PeriodUpdate
) -> None:
    assert update.edition is not None and period.id is not None
    rulebook = rulebook_of(update.edition)
    ensure_open(session, year=period.year, field="edition")
    used = incident_repo.type_codes_of_period(session, period_id=period.id)
    if used and not update.force:
        raise Conflict(
            f"period {period.year} already has incidents under the {period.edition} edition; "
            "changing it needs force with a reason",
            field="edition",
            code="period.edition_in_use",
        )
    missing = sorted(used - set(rulebook.types))
    if missing:
        raise Invalid(
            f"period {period.year} has incidents of types the {update.edition} edition does "
            f"not list: {', '.join(missing)}",
            field="edition",
            code="period.edition_mismatch",
        )
    before = {"edition": period.edition}
    period.edition = update.edition
    audit.record(
        session,
        actor=actor,
        action="period.edition_changed",
        entity="period",
        entity_key=str(period.year),
        before=before,
        after={"edition": update.edition, "forced": bool(used), "reason": update.reason},
    )


def put_period(db: Database, *, actor: Actor, year: int, update: PeriodUpdate) -> PeriodPublic:
    """Create a period, or change its edition or objection deadline (admin)."""
    if update.force and not update.reason:
        raise Invalid(
            "forcing an edition change needs a reason",
            field="reason",
            code="period.reason_required",
        )
    with db.write() as tx:
        session = tx.session
        period = period_repo.by_year(session, year)
        if period is None:
            if update.edition is None:
                raise Invalid(
                    f"a new period {year} needs its edition",
                    field="edition",
                    code="period.edition_required",
                )
            rulebook_of(update.edition)
            period = _create(session, actor=actor, year=year, edition=update.edition)
        elif update.edition is not None and update.edition != period.edition:
            _change_edition(session, actor=actor, period=period, update=update)
        if update.objection_deadline is not None:
            if update.objection_deadline.year < year:
                raise Invalid(
                    "the objection deadline cannot lie before the year it concerns",
                    field="objection_deadline",
                    code="period.deadline_before_year",
                )
            if update.objection_deadline != period.objection_deadline:
                before = objection_deadline(period).isoformat()
                period.objection_deadline = update.objection_deadline
                audit.record(
                    session,
                    actor=actor,
                    action="period.objection_deadline_set",
                    entity="period",
                    entity_key=str(year),
                    before={"objection_deadline": before},
                    after={"objection_deadline": update.objection_deadline.isoformat()},
                )
        session.flush()
        return public(period)


def rulebook_of_period(session: Session, period_id: int) -> Rulebook:
    period = period_repo.by_id(session, period_id=period_id)
    assert period is not None
    return rulebook_of(period.edition)


def rulebooks_by_period(session: Session) -> dict[int, Rulebook]:
    return {
        period.id: rulebook_of(period.edition)
        for period in period_repo.all_periods(session)
        if period.id is not None
    }
