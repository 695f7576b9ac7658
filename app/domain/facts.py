"""The facts the scoring engine works from, as plain immutable values.

Invariant: facts carry no behaviour and no clock; every time is timezone-aware and is compared,
never read from the system. `incident_counts` is the one definition of which incidents count at a
moment: logged at or before it, and not voided at or before it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

EQUIPMENT = ("hd_display", "audio", "cabling")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # "city" or "county"
    parent: str | None = None


@dataclass(frozen=True)
class IncidentFact:
    unit: str
    type_code: str
    at: datetime
    voided_at: datetime | None = None


@dataclass(frozen=True)
class RoomEntry:
    """The whole state of one room (by unit and name) from `at` on."""

    unit: str
    name: str
    at: datetime
    equipment: Mapping[str, bool] = field(default_factory=dict)
    removed: bool = False
    seq: int = 0  # order of recording, breaks ties between entries at the same moment

    def precedence(self) -> tuple[datetime, int, bool, tuple[bool, ...]]:
        return (self.at, self.seq, self.removed, tuple(self.has(k) for k in EQUIPMENT))

    def has(self, equipment: str) -> bool:
        return bool(self.equipment.get(equipment, False))


@dataclass(frozen=True)
class StaffingEntry:
    """A unit's whole list of leaders and staff from `at` on."""

    unit: str
    at: datetime
    leaders: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    seq: int = 0  # order of recording, breaks ties between entries at the same moment

    def precedence(self) -> tuple[datetime, int, tuple[str, ...], tuple[str, ...]]:
        return (self.at, self.seq, self.leaders, self.staff)


TypeCounts = Mapping[tuple[str, str], int]


def counts_at(incident: IncidentFact, as_of: datetime) -> bool:
    if incident.at > as_of:
        return False
    return incident.voided_at is None or incident.voided_at > as_of


def incident_counts(
    incidents: Iterable[IncidentFact], *, as_of: datetime
) -> Counter[tuple[str, str]]:
    """Occurrences per (unit code, type code) that count at `as_of`."""
    return Counter((i.unit, i.type_code) for i in incidents if counts_at(i, as_of))
