from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from app.api.deps import AccessDep, ActorDep, DbDep
from app.schemas.public import ImportSummary, StandingsPublic
from app.schemas.records import Moment, RecordsFile, UnitCode, Year
from app.services import charts, records, scores
from app.services.charts import MonthlyChart

router = APIRouter(tags=["scores"])


@router.get("/api/scores")
def get_scores(
    db: DbDep,
    access: AccessDep,
    year: Annotated[Year, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> StandingsPublic:
    standings = scores.get_standings(db, year=year, as_of=as_of)
    return scores.confine(standings, units=access.units)


@router.get("/api/records", response_model=RecordsFile, response_model_exclude_none=True)
def export_records(db: DbDep, year: Annotated[Year, Query()]) -> Any:
    return records.export_json(records.export_records(db, year=year))


@router.post("/api/records", status_code=status.HTTP_201_CREATED)
def import_records(db: DbDep, actor: ActorDep, body: RecordsFile) -> ImportSummary:
    return records.import_records(db, actor=actor, file=body)


@router.get("/api/charts/monthly")
def monthly_chart(
    db: DbDep,
    year: Annotated[Year, Query()],
    unit: Annotated[UnitCode, Query()],
    as_of: Annotated[Moment | None, Query()] = None,
) -> MonthlyChart:
    return charts.monthly(db, unit_code=unit, year=year, as_of=as_of)
