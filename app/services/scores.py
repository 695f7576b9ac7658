"""Standings for a year at a moment: facts from the database, arithmetic in the domain."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import register as register_repo
from app.db.tables import Period
from app.domain.counting import moments_of
from app.domain.rulebook import Rulebook
from app.domain.scoring import ItemScore, Standings, UnitScore, compute_standings
from app.domain.units import moves_during
from app.schemas.public import (
    CityScorePublic,
    ItemScorePublic,
    StandingsPublic,
    UnitScorePublic,
)
from app.services.context import utc_now
from app.services.periods import period_of_year
from app.services.presenters import points
from app.services.room_register import room_entry, staffing_entry
from app.services.units import unit_facts
from app.timezone import iso


def standings_in(
    session: Session,
    *,
    year: int,
    as_of: datetime | None,
    now: datetime | None = None,
    period: tuple[Period, Rulebook] | None = None,
) -> tuple[Standings, int]:
    """The standings computed from history at `as_of` (default: now); `period` is the year's
    period and rulebook when the caller has them already."""
    period_row, rulebook = period or period_of_year(session, year)
    period_id = period_row.id
    assert period_id is not None
    moments = moments_of(year, as_of=as_of or now or utc_now())
    units = unit_facts(session)
    moved = [u.code for u in units if moves_during(u, moments.year_start, moments.year_end)]
    standings = compute_standings(
        rulebook,
        units=units,
        type_counts=incident_repo.type_counts(
            session, period_id=period_id, moments=moments, except_units=moved
        ),
        moved=incident_repo.facts_of_units(
            session, period_id=period_id, year=year, unit_codes=moved
        ),
        rooms=[
            room_entry(r, unit=c)
            for r, c in register_repo.room_records(session, until=moments.register_at)
        ],
        staffing=[
            staffing_entry(r, unit=c)
            for r, c in register_repo.staffing_records(session, until=moments.register_at)
        ],
        moments=moments,
    )
    return standings, year


def _items(items: tuple[ItemScore, ...]) -> list[ItemScorePublic]:
    return [
        ItemScorePublic(
            code=i.code,
            cap=points(i.cap),
            raw=points(i.raw),
            capped=points(i.capped),
            occurrences=i.occurrences,
        )
        for i in items
    ]


def _unit(score: UnitScore) -> UnitScorePublic:
    return UnitScorePublic(
        code=score.code,
        name=score.name,
        deduction=points(score.deduction),
        items=_items(score.items),
    )


def standings_public(standings: Standings, *, year: int) -> StandingsPublic:
    return StandingsPublic(
        year=year,
        edition=standings.edition,
        full_marks=points(standings.full_marks),
        as_of=iso(standings.as_of),
        register_at=iso(standings.register_at) if standings.register_at else None,
        cities=[
            CityScorePublic(
                code=city.code,
                name=city.name,
                score=points(city.score),
                deduction=points(city.deduction),
                items=_items(city.items),
                counties=[_unit(c) for c in city.counties],
                own=_unit(city.own),
            )
            for city in standings.cities
        ],
    )


def final_standings(period: Period, *, as_of: datetime | None) -> StandingsPublic | None:
    """The table stored when the year was finalized, if that is what `as_of` asks for: no
    moment given, or one at or after the finalizing (an earlier one recomputes from history)."""
    if period.finalized_at is None or period.final_standings is None:
        return None
    if as_of is not None and as_of < period.finalized_at:
        return None
    return StandingsPublic.model_validate(period.final_standings)


def get_standings(db: Database, *, year: int, as_of: datetime | None) -> StandingsPublic:
    with db.read() as session:
        period = period_of_year(session, year)
        final = final_standings(period[0], as_of=as_of)
        if final is not None:
            return final
        standings, year = standings_in(session, year=year, as_of=as_of, period=period)
    return standings_public(standings, year=year)


def confine(standings: StandingsPublic, *, units: frozenset[str] | None) -> StandingsPublic:
    """The standings as a unit-bound account sees them: its own county within its city."""
    if units is None:
        return standings
    cities = []
    for city in standings.cities:
        counties = [c for c in city.counties if c.code in units]
        if counties or city.code in units:
            cities.append(city.model_copy(update={"counties": counties}))
    return standings.model_copy(update={"cities": cities})
