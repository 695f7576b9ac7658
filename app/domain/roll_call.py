"""Roll calls (会前点名签到): when each checkpoint is, whatever moment a mark is entered.

Invariant: a roll-call incident is timed at its checkpoint — 会前半天 at the meeting's start
− 12 h, 会前两小时 at start − 2 h — and so belongs to the meeting's year.
"""

from __future__ import annotations

from datetime import datetime, timedelta

CHECKPOINT_LEAD = {"half_day": timedelta(hours=12), "two_hours": timedelta(hours=2)}
ROLL_CALL_ITEM = "roll_call"


def checkpoint_at(starts_at: datetime, checkpoint: str) -> datetime:
    return starts_at - CHECKPOINT_LEAD[checkpoint]
