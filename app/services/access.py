"""Which unit an object belongs to, for the access policy."""

from __future__ import annotations

from app.db.engine import Database
from app.db.repositories import evidence as evidence_repo
from app.db.repositories import incidents as incident_repo
from app.db.repositories import objections as objection_repo


def unit_of_incident(db: Database, *, key: str) -> str | None:
    with db.read() as session:
        row = incident_repo.by_key(session, key)
        return row.unit if row else None


def unit_of_objection(db: Database, *, objection_id: int) -> str | None:
    with db.read() as session:
        row = objection_repo.by_id(session, objection_id)
        return row.unit if row else None


def units_of_evidence(db: Database, *, name: str) -> set[str]:
    with db.read() as session:
        return evidence_repo.unit_codes_citing(session, name=name)
