from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.deps import DbDep
from app.schemas.records import Moment, Year
from app.services import exports

router = APIRouter(tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/api/exports/standings.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The annual assessment table"}},
)
async def standings_xlsx(
    db: DbDep, year: Annotated[Year, Query()], as_of: Annotated[Moment | None, Query()] = None
) -> Response:
    data = await run_in_threadpool(exports.standings_xlsx, db, year=year, as_of=as_of)
    filename = f"vcwatch-{year}-standings.xlsx"
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/api/exports/incidents.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The year's incident list"}},
)
def incidents_csv(db: DbDep, year: Annotated[Year, Query()]) -> StreamingResponse:
    chunks = exports.incidents_csv(db, year=year)
    filename = f"vcwatch-{year}-incidents.csv"
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
