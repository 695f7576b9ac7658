from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from app.api.deps import ActorDep, DbDep
from app.domain.rulebook import Rulebook
from app.schemas.public import (
    ItemRulePublic,
    OccurrenceTypePublic,
    PeriodPublic,
    PeriodSummary,
    RulebookPublic,
)
from app.schemas.records import Edition, PeriodRecord, Year
from app.services import periods
from app.services.presenters import points

router = APIRouter(tags=["periods"])
YearPath = Annotated[Year, Path()]


class PeriodUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    edition: Edition


def rulebook_public(rulebook: Rulebook) -> RulebookPublic:
    return RulebookPublic(
        edition=rulebook.edition,
        title=rulebook.title,
        full_marks=points(rulebook.full_marks),
        items=[
            ItemRulePublic(
                code=item.code,
                name=item.name,
                points=points(item.points),
                cap=points(item.cap),
                derived=item.derived,
                rooms_required=item.rooms_required if item.derived == "hd_rooms" else None,
                types=[
                    OccurrenceTypePublic(code=t.code, name=t.name, group=t.group)
                    for t in item.types
                ],
            )
            for item in rulebook.items
        ],
        flag_types=rulebook.flag_types,
    )


@router.get("/api/periods")
def list_periods(db: DbDep) -> list[PeriodSummary]:
    return periods.list_periods(db)


@router.get("/api/periods/{year}")
def get_period(db: DbDep, year: YearPath) -> PeriodPublic:
    return periods.get_period(db, year=year)


@router.put("/api/periods/{year}")
def put_period(db: DbDep, actor: ActorDep, year: YearPath, body: PeriodUpdate) -> PeriodPublic:
    return periods.put_period(db, actor=actor, record=PeriodRecord(year=year, edition=body.edition))


@router.get("/api/periods/{year}/rulebook")
def period_rulebook(db: DbDep, year: YearPath) -> RulebookPublic:
    period = periods.get_period(db, year=year)
    return rulebook_public(periods.rulebook_of(period.edition))


@router.get("/api/rulebooks/{edition}")
def get_rulebook(edition: Annotated[Edition, Path()]) -> RulebookPublic:
    return rulebook_public(periods.rulebook_of(edition, field="edition", missing=404))
