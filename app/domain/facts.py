"""The facts the scoring engine works from, as plain immutable values.

Invariant: facts carry no clock; every time is timezone-aware and is compared, never read from
the system. Which incidents count at a moment is decided in `app.domain.counting` alone; a unit's
existence and parent at a moment in `app.domain.units` alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

EQUIPMENT = ("hd_display", "audio", "cabling")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str  # "city" or "county"
    parent: str | None = None  # from the unit's beginning, until its first dated change
    # Asia/Shanghai days: the unit exists from `established` 00:00 up to `abolished` 00:00.
    established: date | None = None
    abolished: date | None = None
    # Dated parent changes: (first day under the new parent, the new parent's code).
    parent_changes: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class IncidentFact:
    unit: str
    type_code: str
    at: datetime
    voided_at: datetime | None = None
    # The assessment year the incident is charged to (its meeting's); None: the year of `at`.
    year: int | None = None


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
