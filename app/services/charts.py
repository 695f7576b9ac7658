"""Month-by-month deductions per item for a city or a county."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import register as register_repo
from app.db.repositories import units as unit_repo
from app.domain.facts import Unit
from app.domain.scoring import unit_findings
from app.services.context import utc_now
from app.services.errors import NotFound
from app.services.periods import period_of_year
from app.services.presenters import points
from app.services.room_register import room_entry, staffing_entry
from app.timezone import ASSESSMENT_ZONE, local


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


def _month_end(year: int, month: int) -> datetime:
    first_of_next = (
        datetime(year + 1, 1, 1, tzinfo=ASSESSMENT_ZONE)
        if month == 12
        else datetime(year, month + 1, 1, tzinfo=ASSESSMENT_ZONE)
    )
    return first_of_next - timedelta(seconds=1)


def monthly(db: Database, *, unit_code: str, year: int) -> MonthlyChart:
    """Incident items: the points of the month's occurrences (voids as of now). Derived items:
    what the register and staffing cost at the month's end. A city's figures include its
    counties'. Figures are uncapped: the caps bind on the year."""
    now = utc_now()
    with db.read() as session:
        period, rulebook = period_of_year(session, year)
        assert period.id is not None
        units = [
            Unit(code=u.code, name=u.name, level=u.level, parent=parent)
            for u, parent in unit_repo.with_parent_codes(session)
        ]
        unit = next((u for u in units if u.code == unit_code), None)
        if unit is None:
            raise NotFound(f"unknown unit {unit_code}", field="unit", code="unit.not_found")
        members = [unit] + [u for u in units if u.parent == unit.code]
        codes = [u.code for u in members]
        incidents = incident_repo.moments_of(session, period_id=period.id, unit_codes=codes)
        rooms = [
            room_entry(r, unit=c) for r, c in register_repo.room_records(session) if c in codes
        ]
        staffing = [
            staffing_entry(s, unit=c)
            for s, c in register_repo.staffing_records(session)
            if c in codes
        ]

    types = rulebook.types
    totals = {item.code: [Decimal("0.00")] * 12 for item in rulebook.items}
    for type_code, at, voided_at in incidents:
        if voided_at is not None and voided_at <= now:
            continue
        occurrence_type = types.get(type_code)
        if occurrence_type is None:
            continue
        item = rulebook.item(occurrence_type.item_code)
        totals[item.code][local(at).month - 1] += item.points
    for month in range(1, 13):
        end = _month_end(year, month)
        for member in members:
            for finding in unit_findings(
                rulebook, member, rooms=rooms, staffing=staffing, as_of=end
            ):
                totals[finding.item_code][month - 1] += finding.points
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
