"""The one check every write that could change a year makes first: is the year finalized?

Incidents, voids and objection rulings, imports, register and staffing entries and dated unit
changes all call `ensure_open` with the year they would change, inside their own transaction.
"""

from __future__ import annotations

from sqlmodel import Session

from app.db.repositories import periods as period_repo
from app.services.errors import Conflict


def ensure_open(session: Session, *, year: int, field: str) -> None:
    """Refuse (409 `period.finalized`) a write that would change a finalized year."""
    period = period_repo.by_year(session, year)
    if period is not None and period.finalized_at is not None:
        raise Conflict(
            f"year {year} is finalized (定稿); an admin reopens it before it can change",
            field=field,
            code="period.finalized",
        )
