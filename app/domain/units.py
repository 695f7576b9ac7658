"""Units with dates: when a unit exists and which city it belongs to at a moment.

Invariant: a unit exists from `established` 00:00 up to `abolished` 00:00 (Asia/Shanghai days;
either may be absent: always existed, never abolished). Its parent at a moment is that of its
latest dated change on or before the moment, else the parent it started with.
"""

from __future__ import annotations

from datetime import datetime

from app.domain.calendar import day_start
from app.domain.facts import Unit


def exists_at(unit: Unit, moment: datetime) -> bool:
    if unit.established is not None and moment < day_start(unit.established):
        return False
    return unit.abolished is None or moment < day_start(unit.abolished)


def exists_during(unit: Unit, start: datetime, end: datetime) -> bool:
    """Whether the unit existed at some moment of [start, end]."""
    if unit.established is not None and day_start(unit.established) > end:
        return False
    return unit.abolished is None or day_start(unit.abolished) > start


def parent_at(unit: Unit, moment: datetime) -> str | None:
    parent = unit.parent
    for day, code in sorted(unit.parent_changes):
        if day_start(day) <= moment:
            parent = code
    return parent


def parents_during(unit: Unit, start: datetime, end: datetime) -> list[str]:
    """The parents the unit had while it existed within [start, end], in order, each once."""
    lower = start
    if unit.established is not None:
        lower = max(lower, day_start(unit.established))
    upper = end
    if unit.abolished is not None:
        upper = min(upper, day_start(unit.abolished))
    if lower > upper:
        return []
    moments = [lower] + [
        day_start(day) for day, _ in sorted(unit.parent_changes) if lower < day_start(day) < upper
    ]
    found: list[str] = []
    for moment in moments:
        parent = parent_at(unit, moment)
        if parent is not None and parent not in found:
            found.append(parent)
    return found


def moves_during(unit: Unit, start: datetime, end: datetime) -> bool:
    """Whether the unit changes parent within (start, end]: its incidents then go by their time."""
    return any(start < day_start(day) <= end for day, _ in unit.parent_changes)
