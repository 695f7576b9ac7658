"""Roll calls (会前点名签到): when each checkpoint is, whatever moment a mark is entered.

Invariant: a roll-call incident is timed at its checkpoint — 会前半天 at the meeting's start
− 12 h, 会前两小时 at start − 2 h — and so belongs to the meeting's year.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.calendar import assessment_year

CHECKPOINT_LEAD = {"half_day": timedelta(hours=12), "two_hours": timedelta(hours=2)}
ROLL_CALL_ITEM = "roll_call"


def checkpoint_at(starts_at: datetime, checkpoint: str) -> datetime:
    return starts_at - CHECKPOINT_LEAD[checkpoint]


def fits_meeting_year(at: datetime, *, starts_at: datetime) -> bool:
    """An incident of a meeting is charged to the meeting's year: its time lies in that year, or
    before the start by no more than the earliest checkpoint (a 1 January meeting's 会前半天
    roll call falls on 31 December)."""
    if assessment_year(at) == assessment_year(starts_at):
        return True
    return starts_at - max(CHECKPOINT_LEAD.values()) <= at <= starts_at
