from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict

from app.api.deps import AccessDep, ActorDep, DbDep
from app.schemas.public import ObjectionPublic, Page
from app.schemas.records import RecordKey, ShortText, Text, UnitCode
from app.services import objections

router = APIRouter(tags=["objections"])
ObjectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    incident: RecordKey
    reason: Annotated[Text, ...]


class Ruling(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["uphold", "reject"]
    reason: ShortText


@router.get("/api/objections")
def list_objections(
    db: DbDep,
    access: AccessDep,
    status: Annotated[Literal["open", "upheld", "rejected"] | None, Query()] = None,
    unit: Annotated[list[UnitCode] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[ObjectionPublic]:
    return objections.list_objections(
        db, status=status, units=access.narrow(unit), limit=limit, offset=offset
    )


@router.post("/api/objections", status_code=status.HTTP_201_CREATED)
def file_objection(db: DbDep, actor: ActorDep, body: ObjectionCreate) -> ObjectionPublic:
    return objections.file_objection(
        db, actor=actor, incident_key=body.incident, reason=body.reason
    )


@router.get("/api/objections/{objection_id}")
def get_objection(db: DbDep, objection_id: ObjectionId) -> ObjectionPublic:
    return objections.get_objection(db, objection_id=objection_id)


@router.post("/api/objections/{objection_id}/ruling")
def rule_on_objection(
    db: DbDep, actor: ActorDep, objection_id: ObjectionId, body: Ruling
) -> ObjectionPublic:
    return objections.rule_on_objection(
        db, actor=actor, objection_id=objection_id, decision=body.decision, reason=body.reason
    )
