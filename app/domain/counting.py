"""Which incidents count in a year's standings, and on which register: the one rule.

Invariant: a year's standings are asked at a knowledge moment `as_of`. An incident counts if it is
charged to that year (its meeting's year, else the year of its time), its time is at or before
`as_of`, and it was not voided at or before `as_of` — so an objection upheld in January removes a
deduction of December. The derived items read the register at `register_at = min(as_of, the
year's end)`: a year is judged on its own year-end state, never a later one. Scoring, the charts
and the exports all decide through `Moments.counts`; the database states the same bounds in SQL
from a `Moments` value (`app.db.repositories.incidents.counted`), which the standings' aggregate
and the annual table's rows both read through.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain.calendar import assessment_year, year_end, year_start
from app.domain.facts import IncidentFact


@dataclass(frozen=True)
class Moments:
    """The two moments of a year's standings."""

    year: int
    as_of: datetime
    register_at: datetime

    @property
    def year_start(self) -> datetime:
        return year_start(self.year)

    @property
    def year_end(self) -> datetime:
        return year_end(self.year)

    def counts(self, *, year: int, at: datetime, voided_at: datetime | None) -> bool:
        """Whether an incident charged to `year`, seen at `at`, voided at `voided_at`, counts."""
        if year != self.year or at > self.as_of:
            return False
        return voided_at is None or voided_at > self.as_of

    def counts_fact(self, incident: IncidentFact) -> bool:
        year = incident.year if incident.year is not None else assessment_year(incident.at)
        return self.counts(year=year, at=incident.at, voided_at=incident.voided_at)


def moments_of(year: int, *, as_of: datetime) -> Moments:
    """The moments of `year` known at `as_of`."""
    return Moments(year=year, as_of=as_of, register_at=min(as_of, year_end(year)))


def incident_counts(
    incidents: Iterable[IncidentFact], *, as_of: datetime, year: int | None = None
) -> Counter[tuple[str, str]]:
    """Occurrences per (unit code, type code) that count at `as_of` in `year` (default: the year
    of `as_of`)."""
    moments = moments_of(assessment_year(as_of) if year is None else year, as_of=as_of)
    return Counter((i.unit, i.type_code) for i in incidents if moments.counts_fact(i))
