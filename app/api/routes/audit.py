from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints

from app.api.deps import DbDep
from app.schemas.public import AuditEntryPublic, AuditPerson, Page
from app.schemas.records import Moment, UnitCode
from app.services import audit_log
from app.services.audit_log import AuditFilter
from app.services.audit_sentences import Kind

router = APIRouter(tags=["audit"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-@]+$")
]
Lang = Literal["zh", "en"]


def audit_filter(
    db: DbDep,
    actor_name: Annotated[Username | None, Query(alias="actor")] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,64}$")] = None,
    entity: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$")] = None,
    entity_key: Annotated[str | None, Query(max_length=128, pattern=r"^[^\x00]*$")] = None,
    kind: Annotated[Kind | None, Query(description="a kind of entry")] = None,
    unit: Annotated[UnitCode | None, Query(description="entries about this unit")] = None,
    at_from: Annotated[Moment | None, Query(alias="from")] = None,
    at_before: Annotated[Moment | None, Query(alias="to")] = None,
) -> AuditFilter:
    return audit_log.audit_filter(
        db,
        actor=actor_name,
        action=action,
        entity=entity,
        entity_key=entity_key,
        kind=kind,
        unit_code=unit,
        start=at_from,
        end=at_before,
    )


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/api/audit")
def browse_audit(
    db: DbDep,
    where: FilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[AuditEntryPublic]:
    return audit_log.browse(db, where=where, limit=limit, offset=offset)


@router.get("/api/audit/people")
def audit_people(db: DbDep) -> list[AuditPerson]:
    return audit_log.people(db)


@router.get(
    "/api/audit/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The filtered audit log"}},
)
def audit_csv(db: DbDep, where: FilterDep, lang: Lang = "zh") -> StreamingResponse:
    return StreamingResponse(
        audit_log.export_csv(db, where=where, lang=lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vcwatch-audit.csv"'},
    )


@router.get(
    "/api/audit/export.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The filtered audit log"}},
)
async def audit_xlsx(db: DbDep, where: FilterDep, lang: Lang = "zh") -> Response:
    data = await run_in_threadpool(audit_log.export_xlsx, db, where=where, lang=lang)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="vcwatch-audit.xlsx"'},
    )
