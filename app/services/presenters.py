"""Table rows → the API's public shapes (the same shapes live events carry)."""

from __future__ import annotations

from decimal import Decimal

from app.db.repositories.incidents import IncidentRow
from app.db.repositories.objections import ObjectionRow
from app.db.tables import RoomRecord, StaffingRecord
from app.domain.register import Finding
from app.schemas.public import (
    FindingPublic,
    IncidentPublic,
    ObjectionPublic,
    RoomPublic,
    StaffingPublic,
    VoidPublic,
)
from app.schemas.records import Contact, Equipment, RoomDetails
from app.timezone import iso


def points(value: Decimal) -> str:
    return f"{value:.2f}"


def incident_public(row: IncidentRow, *, item_points: Decimal) -> IncidentPublic:
    incident = row.incident
    voided = None
    if incident.voided_at is not None:
        voided = VoidPublic(
            reason=incident.void_reason or "",
            at=iso(incident.voided_at),
            by=incident.voided_by,
            by_name=row.voided_by_name,
        )
    return IncidentPublic(
        key=incident.key,
        unit=row.unit,
        type=incident.type_code,
        item=incident.item_code,
        points=points(item_points),
        meeting=row.meeting,
        checkpoint=incident.checkpoint,
        at=iso(incident.at),
        note=incident.note,
        source=incident.source,
        evidence=incident.evidence,
        logged_by=incident.logged_by,
        logged_at=iso(incident.logged_at),
        voided=voided,
        unit_name=row.unit_name,
        meeting_title=row.meeting_title,
        logged_by_name=row.logged_by_name,
    )


def finding_public(finding: Finding) -> FindingPublic:
    return FindingPublic(
        item=finding.item_code,
        occurrences=finding.occurrences,
        points=points(finding.points),
        text=finding.text,
        line=finding.line,
        room=finding.room,
        missing=list(finding.missing),
    )


def objection_public(row: ObjectionRow) -> ObjectionPublic:
    objection = row.objection
    assert objection.id is not None
    return ObjectionPublic(
        id=objection.id,
        incident=row.incident,
        unit=row.unit,
        reason=objection.reason,
        status=objection.status,
        filed_by=objection.filed_by,
        filed_at=iso(objection.filed_at),
        ruled_by=objection.ruled_by,
        ruled_at=iso(objection.ruled_at) if objection.ruled_at else None,
        ruling=objection.ruling,
        unit_name=row.unit_name,
        incident_type=row.incident_type,
        incident_at=iso(row.incident_at) if row.incident_at else None,
        meeting_title=row.meeting_title,
        filed_by_name=row.filed_by_name,
        ruled_by_name=row.ruled_by_name,
    )


def room_public(record: RoomRecord, *, unit: str) -> RoomPublic:
    return RoomPublic(
        unit=unit,
        name=record.name,
        at=iso(record.at),
        equipment=Equipment(
            hd_display=record.hd_display, audio=record.audio, cabling=record.cabling
        ),
        removed=record.removed,
        details=RoomDetails.model_validate(record.details or {}),
        source=record.source,
        recorded_by=record.recorded_by,
        recorded_at=iso(record.recorded_at),
    )


def staffing_public(record: StaffingRecord, *, unit: str) -> StaffingPublic:
    return StaffingPublic(
        unit=unit,
        at=iso(record.at),
        leaders=[Contact.model_validate(c) for c in record.leaders],
        staff=[Contact.model_validate(c) for c in record.staff],
        recorded_by=record.recorded_by,
        recorded_at=iso(record.recorded_at),
    )
