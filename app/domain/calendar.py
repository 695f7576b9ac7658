"""Assessment time: a period is a calendar year in Asia/Shanghai; unit dates are its days.

Invariant: pure conversions of given moments and days, never a reading of the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ASSESSMENT_ZONE = ZoneInfo("Asia/Shanghai")


def assessment_year(moment: datetime) -> int:
    return moment.astimezone(ASSESSMENT_ZONE).year


def day_start(day: date) -> datetime:
    """00:00 of that day in assessment time."""
    return datetime(day.year, day.month, day.day, tzinfo=ASSESSMENT_ZONE)


def year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=ASSESSMENT_ZONE)


def year_end(year: int) -> datetime:
    """The last second of the year: the register a closed year is judged on is the one then."""
    return datetime(year + 1, 1, 1, tzinfo=ASSESSMENT_ZONE) - timedelta(seconds=1)


def month_end(year: int, month: int) -> datetime:
    """The last second of a month."""
    first_of_next = (
        datetime(year + 1, 1, 1, tzinfo=ASSESSMENT_ZONE)
        if month == 12
        else datetime(year, month + 1, 1, tzinfo=ASSESSMENT_ZONE)
    )
    return first_of_next - timedelta(seconds=1)
