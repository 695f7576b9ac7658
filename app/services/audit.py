from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.db.tables import AuditEntry
from app.services.context import Actor, utc_now


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_key: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add the audit entry of a write to the same transaction as the write."""
    session.add(
        AuditEntry(
            at=at or utc_now(),
            actor=actor.username,
            address=actor.address,
            action=action,
            entity=entity,
            entity_key=entity_key,
            before=before,
            after=after,
        )
    )
