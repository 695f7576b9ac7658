from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from app.api.deps import AccessDep, ActorDep, DbDep
from app.domain.rulebook import Rulebook
from app.schemas.public import (
    ItemRulePublic,
    OccurrenceTypePublic,
    PeriodPublic,
    PeriodStatusPublic,
    PeriodSummary,
    RulebookPublic,
)
from app.schemas.records import Edition, PeriodUpdate, ShortText, Year
from app.services import finalizing, periods
from app.services.presenters import points

router = APIRouter(tags=["periods"])
YearPath = Annotated[Year, Path()]


class FinalizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText
    confirm_open_objections: bool = False


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText


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
    """Create a period, or change its objection deadline or (explicitly) its edition."""
    return periods.put_period(db, actor=actor, year=year, update=body)


@router.get("/api/periods/{year}/status")
def period_status(db: DbDep, access: AccessDep, year: YearPath) -> PeriodStatusPublic:
    """The year's finalizing state, objection deadline, days left and open objections (a
    county account sees its own objections only)."""
    status = finalizing.period_status(db, year=year)
    if access.units is None:
        return status
    own = [o for o in status.open_objections if o.unit in access.units]
    return status.model_copy(update={"open_objections": own})


@router.post("/api/periods/{year}/finalize")
def finalize_period(
    db: DbDep, actor: ActorDep, year: YearPath, body: FinalizeRequest
) -> PeriodStatusPublic:
    return finalizing.finalize(
        db,
        actor=actor,
        year=year,
        note=body.note,
        confirm_open_objections=body.confirm_open_objections,
    )


@router.post("/api/periods/{year}/reopen")
def reopen_period(
    db: DbDep, actor: ActorDep, year: YearPath, body: ReopenRequest
) -> PeriodStatusPublic:
    return finalizing.reopen(db, actor=actor, year=year, reason=body.reason)


@router.get("/api/periods/{year}/rulebook")
def period_rulebook(db: DbDep, year: YearPath) -> RulebookPublic:
    period = periods.get_period(db, year=year)
    return rulebook_public(periods.rulebook_of(period.edition))


@router.get("/api/rulebooks/{edition}")
def get_rulebook(edition: Annotated[Edition, Path()]) -> RulebookPublic:
    return rulebook_public(periods.rulebook_of(edition, field="edition", missing=404))
