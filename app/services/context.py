from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Actor:
    """Who is acting, as far as the use cases need to know."""

    username: str
    role: str
    unit_code: str | None = None
    address: str | None = None
    display_name: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)
