from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict

from app.api.deps import ActorDep, DbDep, SettingsDep
from app.api.incident_filters import IncidentFiltersDep
from app.schemas.public import IncidentDetail, IncidentPublic, Page
from app.schemas.records import IncidentCreate, ShortText, Year
from app.services import evidence, incidents
from app.services.errors import Invalid

router = APIRouter(tags=["incidents"])
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$"
IncidentKeyPath = Annotated[str, Path(pattern=KEY_PATTERN)]


class VoidRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText


@router.post(
    "/api/incidents",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": IncidentPublic, "description": "Same key sent again: the first record"}
    },
)
def log_incident(
    db: DbDep,
    actor: ActorDep,
    settings: SettingsDep,
    body: IncidentCreate,
    response: Response,
    idempotency_key: Annotated[str, Header(pattern=KEY_PATTERN, description="client-chosen key")],
) -> IncidentPublic:
    if body.evidence is not None and not evidence.exists(settings=settings, name=body.evidence):
        raise Invalid(
            f"no uploaded evidence {body.evidence}", field="evidence", code="evidence.unknown"
        )
    logged = incidents.log_incident(db, actor=actor, key=idempotency_key, payload=body)
    if not logged.created:
        response.status_code = status.HTTP_200_OK
    return logged.incident


@router.get("/api/incidents")
def list_incidents(
    db: DbDep,
    filters: IncidentFiltersDep,
    year: Annotated[Year | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[IncidentPublic]:
    return incidents.list_incidents(db, year=year, filters=filters, limit=limit, offset=offset)


@router.get("/api/incidents/{key}")
def get_incident(db: DbDep, key: IncidentKeyPath) -> IncidentDetail:
    return incidents.get_incident(db, key=key)


@router.post("/api/incidents/{key}/void")
def void_incident(
    db: DbDep, actor: ActorDep, key: IncidentKeyPath, body: VoidRequest
) -> IncidentPublic:
    return incidents.void_incident(db, actor=actor, key=key, reason=body.reason)
