"""Assessment time: periods are calendar years in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ASSESSMENT_ZONE = ZoneInfo("Asia/Shanghai")


def local(moment: datetime) -> datetime:
    return moment.astimezone(ASSESSMENT_ZONE)


def iso(moment: datetime) -> str:
    """ISO-8601 in assessment time, to the second: "2019-12-31T23:59:59+08:00"."""
    return local(moment).replace(microsecond=0).isoformat()


def assessment_year(moment: datetime) -> int:
    return local(moment).year


def year_end(year: int) -> datetime:
    """The last second of the year, the moment a closed period is scored at."""
    return datetime(year + 1, 1, 1, tzinfo=ASSESSMENT_ZONE) - timedelta(seconds=1)
