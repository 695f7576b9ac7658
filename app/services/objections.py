"""Objections (申诉): a county objects to an incident; a reviewer upholds (voids it) or rejects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import objections as objection_repo
from app.db.repositories import periods as period_repo
from app.db.tables import Incident, Objection, Period
from app.schemas.public import ObjectionPublic, Page
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, NotFound
from app.services.finality import ensure_open
from app.services.incidents import require_incident, void_in
from app.services.periods import objection_deadline
from app.services.presenters import objection_public
from app.timezone import day_start


def file_objection(
    db: Database, *, actor: Actor, incident_key: str, reason: str
) -> ObjectionPublic:
    with db.write() as tx:
        row = require_incident(tx.session, incident_key, field="incident")
        check_deadline(tx.session, incident=row.incident, now=utc_now())
        if row.incident.voided_at is not None:
            raise Conflict(
                f"incident {incident_key!r} is already voided",
                field="incident",
                code="objection.incident_voided",
            )
        assert row.incident.id is not None
        if any(
            o.objection.status == "open"
            for o in objection_repo.of_incident(tx.session, row.incident.id)
        ):
            raise Conflict(
                f"incident {incident_key!r} already has an open objection",
                field="incident",
                code="objection.already_open",
            )
        objection = Objection(
            incident_id=row.incident.id, reason=reason, filed_by=actor.username, filed_at=utc_now()
        )
        tx.session.add(objection)
        tx.session.flush()
        assert objection.id is not None
        public = objection_public(
            objection_repo.ObjectionRow(
                objection,
                row.incident.key,
                row.unit,
                unit_name=row.unit_name,
                incident_type=row.incident.type_code,
                incident_at=row.incident.at,
                meeting_title=row.meeting_title,
                filed_by_name=actor.display_name,
            )
        )
        audit.record(
            tx.session,
            actor=actor,
            action="objection.filed",
            entity="objection",
            entity_key=str(objection.id),
            after=public.model_dump(mode="json"),
        )
        _objection_event(
            tx.session, row.incident, kind="objection.filed", actor=actor, public=public
        )
        return public


def rule_on_objection(
    db: Database,
    *,
    actor: Actor,
    objection_id: int,
    decision: Literal["uphold", "reject"],
    reason: str,
) -> ObjectionPublic:
    with db.write() as tx:
        row = objection_repo.by_id(tx.session, objection_id)
        if row is None:
            raise NotFound(f"no objection {objection_id}", field="id", code="objection.not_found")
        objection = row.objection
        if objection.status != "open":
            raise Conflict(
                f"objection {objection_id} was already {objection.status}",
                field="id",
                code="objection.decided",
            )
        ruled = require_incident(tx.session, row.incident)
        ensure_open(tx.session, year=_period_of(tx.session, ruled.incident).year, field="id")
        before = objection_public(row).model_dump(mode="json")
        now = utc_now()
        objection.status = "upheld" if decision == "uphold" else "rejected"
        objection.ruled_by, objection.ruled_at, objection.ruling = actor.username, now, reason
        if decision == "uphold" and ruled.incident.voided_at is None:
            void_in(
                tx.session,
                actor=actor,
                row=ruled,
                reason=f"申诉成立（申诉 #{objection_id}）：{reason}",
                at=now,
            )
        tx.session.flush()
        public = objection_public(row._replace(ruled_by_name=actor.display_name))
        audit.record(
            tx.session,
            actor=actor,
            action=f"objection.{objection.status}",
            entity="objection",
            entity_key=str(objection_id),
            before=before,
            after=public.model_dump(mode="json"),
        )
        _objection_event(
            tx.session, ruled.incident, kind="objection.ruled", actor=actor, public=public
        )
        return public


def _period_of(session: Session, incident: Incident) -> Period:
    period = period_repo.by_id(session, period_id=incident.period_id)
    assert period is not None
    return period


def deadline_passes_at(period: Period) -> datetime:
    """The moment filing closes: the end of the deadline's day (Asia/Shanghai)."""
    return day_start(objection_deadline(period) + timedelta(days=1))


def check_deadline(session: Session, *, incident: Incident, now: datetime) -> None:
    period = _period_of(session, incident)
    if now >= deadline_passes_at(period):
        raise Conflict(
            f"objections to incidents of {period.year} closed on "
            f"{objection_deadline(period).isoformat()}",
            field="incident",
            code="objection.deadline_passed",
        )


def _objection_event(
    session: Session, incident: Incident, *, kind: str, actor: Actor, public: ObjectionPublic
) -> None:
    if incident.meeting_id is not None:
        meeting_events.record(
            session,
            meeting_id=incident.meeting_id,
            kind=kind,
            actor=actor,
            data=public.model_dump(mode="json"),
        )


def get_objection(db: Database, *, objection_id: int) -> ObjectionPublic:
    with db.read() as session:
        row = objection_repo.by_id(session, objection_id)
        if row is None:
            raise NotFound(f"no objection {objection_id}", field="id", code="objection.not_found")
        return objection_public(row)


def list_objections(
    db: Database, *, status: str | None, units: Sequence[str], limit: int, offset: int
) -> Page[ObjectionPublic]:
    with db.read() as session:
        rows, total = objection_repo.listing(
            session, status=status, units=units, limit=limit, offset=offset
        )
        return Page[ObjectionPublic](
            items=[objection_public(r) for r in rows], total=total, limit=limit, offset=offset
        )
