from __future__ import annotations

from datetime import datetime

from app.db.engine import Database
from app.db.repositories import audit as audit_repo
from app.schemas.public import AuditEntryPublic, Page
from app.timezone import iso


def browse(
    db: Database,
    *,
    actor: str | None,
    action: str | None,
    entity: str | None,
    entity_key: str | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    offset: int,
) -> Page[AuditEntryPublic]:
    with db.read() as session:
        rows, total = audit_repo.browse(
            session,
            actor=actor,
            action=action,
            entity=entity,
            entity_key=entity_key,
            start=start,
            end=end,
            limit=limit,
            offset=offset,
        )
        items = [
            AuditEntryPublic(
                id=entry.id or 0,
                at=iso(entry.at),
                actor=entry.actor,
                address=entry.address,
                action=entry.action,
                entity=entry.entity,
                entity_key=entry.entity_key,
                before=entry.before,
                after=entry.after,
            )
            for entry in rows
        ]
        return Page[AuditEntryPublic](items=items, total=total, limit=limit, offset=offset)
