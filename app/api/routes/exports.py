from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.deps import DbDep, SettingsDep
from app.api.incident_filters import IncidentFiltersDep
from app.schemas.annual_table import AnnualTablePublic
from app.schemas.records import Moment, Year
from app.services import exports
from app.services.annual_table.public import table_public

router = APIRouter(tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get(
    "/api/exports/standings.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The official annual table"}},
)
async def standings_xlsx(
    db: DbDep,
    settings: SettingsDep,
    year: Annotated[Year, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> Response:
    data = await run_in_threadpool(
        exports.standings_xlsx,
        db,
        year=year,
        as_of=as_of,
        issuing_office=settings.issuing_office,
    )
    return Response(data, media_type=XLSX, headers=_attachment(f"vcwatch-{year}-standings.xlsx"))


@router.get(
    "/api/exports/annual.pdf",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "The official annual table"}},
)
async def annual_pdf(
    db: DbDep,
    settings: SettingsDep,
    year: Annotated[Year, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> Response:
    data = await run_in_threadpool(
        exports.annual_pdf, db, year=year, as_of=as_of, issuing_office=settings.issuing_office
    )
    return Response(data, media_type=PDF, headers=_attachment(f"vcwatch-{year}-annual.pdf"))


@router.get("/api/reports/annual")
def annual_report(
    db: DbDep,
    settings: SettingsDep,
    year: Annotated[Year, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> AnnualTablePublic:
    """The official annual table's figures and reasons, and who issues it (the printed report)."""
    table = exports.annual(db, year=year, as_of=as_of, issuing_office=settings.issuing_office)
    return table_public(table)


@router.get(
    "/api/exports/incidents.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The year's incident list"}},
)
def incidents_csv(
    db: DbDep,
    filters: IncidentFiltersDep,
    year: Annotated[Year, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> StreamingResponse:
    """The incidents the review page's list shows with the same filters, as they stand at
    `as_of`: the state column and the void say what counted then."""
    chunks = exports.incidents_csv(db, year=year, as_of=as_of, filters=filters)
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"vcwatch-{year}-incidents.csv"),
    )
