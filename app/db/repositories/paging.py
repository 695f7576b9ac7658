from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session


def count_of(session: Session, query: Select[*tuple[Any, ...]]) -> int:
    return int(
        session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
