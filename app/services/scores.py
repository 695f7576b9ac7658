"""Standings for a year at a moment: facts from the database, arithmetic in the domain."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import register as register_repo
from app.db.repositories import units as unit_repo
from app.domain.facts import Unit
from app.domain.scoring import ItemScore, Standings, UnitScore, compute_standings
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
from app.timezone import iso, year_end


def default_as_of(year: int, *, now: datetime) -> datetime:
    """Now while the period runs; its last second once it is closed."""
    return min(now, year_end(year))


def standings_in(session: Session, *, year: int, as_of: datetime | None) -> tuple[Standings, int]:
    period, rulebook = period_of_year(session, year)
    assert period.id is not None
    moment = as_of or default_as_of(year, now=utc_now())
    units = [
        Unit(code=unit.code, name=unit.name, level=unit.level, parent=parent)
        for unit, parent in unit_repo.with_parent_codes(session)
    ]
    standings = compute_standings(
        rulebook,
        units=units,
        type_counts=incident_repo.type_counts(session, period_id=period.id, as_of=moment),
        rooms=[room_entry(r, unit=c) for r, c in register_repo.room_records(session, until=moment)],
        staffing=[
            staffing_entry(r, unit=c)
            for r, c in register_repo.staffing_records(session, until=moment)
        ],
        as_of=moment,
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


def get_standings(db: Database, *, year: int, as_of: datetime | None) -> StandingsPublic:
    with db.read() as session:
        standings, year = standings_in(session, year=year, as_of=as_of)
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
