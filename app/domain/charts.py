"""Month-by-month deductions of one unit (a city with its counties, or a county) in a year.

Invariant: the same rules as the standings — an incident is in the figures iff
`Moments.counts` says so, under the city it belonged to at its time; a month's derived figures
are what the register and staffing cost at the month's end (or at `register_at` for the month
it falls in; nothing for months after it), for units existing then under that city. Figures are
uncapped: the caps bind on the year. The clock comes in as `moments`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from app.domain.calendar import month_end
from app.domain.counting import Moments
from app.domain.facts import IncidentFact, RoomEntry, StaffingEntry, Unit
from app.domain.register import register_findings, rooms_at, staffing_at
from app.domain.rulebook import Rulebook
from app.domain.units import exists_at, parent_at

ZERO = Decimal("0.00")


def _belongs(member: Unit, unit: Unit, moment_parent: str | None) -> bool:
    return member.code == unit.code or moment_parent == unit.code


def monthly_totals(
    rulebook: Rulebook,
    *,
    unit: Unit,
    members: Sequence[Unit],
    incidents: Iterable[IncidentFact],
    rooms: Sequence[RoomEntry],
    staffing: Sequence[StaffingEntry],
    moments: Moments,
) -> dict[str, list[Decimal]]:
    """Per item of the rulebook, twelve figures (January to December) for `unit`; `members`
    are the unit itself and, for a city, every county that belonged to it during the year."""
    by_code = {m.code: m for m in members}
    totals = {item.code: [ZERO] * 12 for item in rulebook.items}
    types = rulebook.types
    for incident in incidents:
        member = by_code.get(incident.unit)
        occurrence_type = types.get(incident.type_code)
        if member is None or occurrence_type is None or not moments.counts_fact(incident):
            continue
        if not _belongs(member, unit, parent_at(member, incident.at)):
            continue
        item = rulebook.item(occurrence_type.item_code)
        month = incident.at.astimezone(moments.year_start.tzinfo).month
        totals[item.code][month - 1] += item.points
    for month in range(1, 13):
        end = min(month_end(moments.year, month), moments.register_at)
        if month > 1 and end <= month_end(moments.year, month - 1):
            break  # months after register_at are not known yet
        register = rooms_at(rooms, as_of=end)
        staffing_then = staffing_at(staffing, as_of=end)
        for member in members:
            if not exists_at(member, end) or not _belongs(member, unit, parent_at(member, end)):
                continue
            for finding in register_findings(
                rulebook,
                member,
                rooms=register.get(member.code, []),
                staffing=staffing_then.get(member.code),
            ):
                totals[finding.item_code][month - 1] += finding.points
    return totals
