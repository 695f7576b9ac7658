"""Month-by-month deductions per item for a city or a county (arithmetic: `domain.charts`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import register as register_repo
from app.domain.charts import monthly_totals
from app.domain.counting import moments_of
from app.domain.units import parents_during
from app.services.context import utc_now
from app.services.errors import NotFound
from app.services.periods import period_of_year
from app.services.presenters import points
from app.services.room_register import room_entry, staffing_entry
from app.services.units import unit_facts


class MonthlySeries(BaseModel):
    item: str
    name: str
    cap: str
    months: list[str]  # twelve figures, Jan–Dec


class MonthlyChart(BaseModel):
    unit: str
    name: str
    year: int
    series: list[MonthlySeries]


def monthly(
    db: Database, *, unit_code: str, year: int, as_of: datetime | None = None
) -> MonthlyChart:
    """Month by month, what the unit (a city with its counties) loses in `year`, known at
    `as_of` (default now): the domain's arithmetic on the year's facts."""
    moments = moments_of(year, as_of=as_of or utc_now())
    with db.read() as session:
        period, rulebook = period_of_year(session, year)
        assert period.id is not None
        units = unit_facts(session)
        unit = next((u for u in units if u.code == unit_code), None)
        if unit is None:
            raise NotFound(f"unknown unit {unit_code}", field="unit", code="unit.not_found")
        members = [unit] + [
            u
            for u in units
            if u.level == "county"
            and unit.code in parents_during(u, moments.year_start, moments.year_end)
        ]
        codes = [u.code for u in members]
        incidents = incident_repo.facts_of_units(
            session, period_id=period.id, year=year, unit_codes=codes
        )
        rooms = [
            room_entry(r, unit=c)
            for r, c in register_repo.room_records(session, until=moments.register_at)
            if c in codes
        ]
        staffing = [
            staffing_entry(s, unit=c)
            for s, c in register_repo.staffing_records(session, until=moments.register_at)
            if c in codes
        ]
    totals = monthly_totals(
        rulebook,
        unit=unit,
        members=members,
        incidents=incidents,
        rooms=rooms,
        staffing=staffing,
        moments=moments,
    )
    return MonthlyChart(
        unit=unit.code,
        name=unit.name,
        year=year,
        series=[
            MonthlySeries(
                item=item.code,
                name=item.name,
                cap=points(item.cap),
                months=[points(v) for v in totals[item.code]],
            )
            for item in rulebook.items
        ],
    )
