"""Assessment time: periods are calendar years in Asia/Shanghai (the domain's calendar)."""

from __future__ import annotations

from datetime import datetime

from app.domain.calendar import ASSESSMENT_ZONE, assessment_year, day_start, year_end, year_start

__all__ = [
    "ASSESSMENT_ZONE",
    "assessment_year",
    "day_start",
    "iso",
    "local",
    "year_end",
    "year_start",
]


def local(moment: datetime) -> datetime:
    return moment.astimezone(ASSESSMENT_ZONE)


def iso(moment: datetime) -> str:
    """ISO-8601 in assessment time, to the second: "2019-12-31T23:59:59+08:00"."""
    return local(moment).replace(microsecond=0).isoformat()
