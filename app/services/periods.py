from __future__ import annotations

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import periods as period_repo
from app.db.tables import Period
from app.domain.rulebook import Rulebook, available_editions, load_edition
from app.schemas.public import PeriodPublic, PeriodSummary
from app.schemas.records import PeriodRecord
from app.services import audit
from app.services.context import Actor
from app.services.errors import Invalid, NotFound


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


def public(period: Period) -> PeriodPublic:
    return PeriodPublic(year=period.year, edition=period.edition)


def list_periods(db: Database) -> list[PeriodSummary]:
    """Every period, with how many incidents it holds (the pages open the latest with data)."""
    with db.read() as session:
        counts = period_repo.incident_counts(session)
        return [
            PeriodSummary(year=p.year, edition=p.edition, incidents=counts.get(p.id or 0, 0))
            for p in period_repo.all_periods(session)
        ]


def get_period(db: Database, *, year: int) -> PeriodPublic:
    with db.read() as session:
        period = period_repo.by_year(session, year)
        if period is None:
            raise NotFound(
                f"no assessment period for {year}", field="year", code="period.not_found"
            )
        return public(period)


def ensure_period(
    session: Session, *, actor: Actor, record: PeriodRecord, field: str = "period.edition"
) -> Period:
    """The period of that year, created if missing; its edition may change only while every
    incident of the period stays valid under the new edition."""
    rulebook = rulebook_of(record.edition, field=field)
    period = period_repo.by_year(session, record.year)
    if period is None:
        period = Period(year=record.year, edition=record.edition)
        session.add(period)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="period.created",
            entity="period",
            entity_key=str(record.year),
            after=record.model_dump(),
        )
        return period
    if period.edition != record.edition:
        used = incident_repo.type_codes_of_period(session, period_id=period.id)
        missing = sorted(used - set(rulebook.types))
        if missing:
            raise Invalid(
                f"period {record.year} has incidents of types the {record.edition} edition does "
                f"not list: {', '.join(missing)}",
                field=field,
                code="period.edition_mismatch",
            )
        before = public(period).model_dump()
        period.edition = record.edition
        audit.record(
            session,
            actor=actor,
            action="period.edition_changed",
            entity="period",
            entity_key=str(record.year),
            before=before,
            after=record.model_dump(),
        )
    return period


def put_period(db: Database, *, actor: Actor, record: PeriodRecord) -> PeriodPublic:
    with db.write() as tx:
        return public(ensure_period(tx.session, actor=actor, record=record, field="edition"))


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
