from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.repositories.paging import count_of
from app.db.tables import AuditEntry


def browse(
    session: Session,
    *,
    actor: str | None,
    action: str | None,
    entity: str | None,
    entity_key: str | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if actor is not None:
        query = query.where(col(AuditEntry.actor) == actor)
    if action is not None:
        query = query.where(col(AuditEntry.action).startswith(action, autoescape=True))
    if entity is not None:
        query = query.where(col(AuditEntry.entity) == entity)
    if entity_key is not None:
        query = query.where(col(AuditEntry.entity_key) == entity_key)
    if start is not None:
        query = query.where(col(AuditEntry.at) >= start)
    if end is not None:
        query = query.where(col(AuditEntry.at) < end)
    total = count_of(session, query)
    rows = session.scalars(query.order_by(col(AuditEntry.id).desc()).limit(limit).offset(offset))
    return list(rows), total
