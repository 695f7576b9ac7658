from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict

from app.api.deps import ActorDep, DbDep
from app.schemas.public import EventPublic, MeetingPublic, Page, RollCallMarkPublic
from app.schemas.records import Checkpoint, MeetingRecord, Moment, ShortText
from app.services import meetings, roll_calls

router = APIRouter(tags=["meetings"])
MeetingKeyPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")]
UnitCodePath = Annotated[str, Path(pattern=r"^[0-9]{6}$")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


class MeetingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: ShortText | None = None
    starts_at: Moment | None = None


class MeetingCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText


class MarkUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["present", "late", "absent", "excused"]
    reason: ShortText | None = None


@router.get("/api/meetings")
def list_meetings(
    db: DbDep,
    starts_from: Annotated[Moment | None, Query(alias="from")] = None,
    starts_before: Annotated[Moment | None, Query(alias="to")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    cancelled: Annotated[bool, Query(description="include cancelled meetings")] = False,
) -> Page[MeetingPublic]:
    return meetings.list_meetings(
        db, start=starts_from, end=starts_before, limit=limit, offset=offset, cancelled=cancelled
    )


@router.post(
    "/api/meetings",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": MeetingPublic, "description": "Already there, unchanged"}},
)
def create_meeting(
    db: DbDep, actor: ActorDep, body: MeetingRecord, response: Response
) -> MeetingPublic:
    meeting, created = meetings.create_meeting(db, actor=actor, record=body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return meeting


@router.get("/api/meetings/{key}")
def get_meeting(db: DbDep, key: MeetingKeyPath) -> MeetingPublic:
    return meetings.get_meeting(db, key=key)


@router.patch("/api/meetings/{key}")
def update_meeting(
    db: DbDep, actor: ActorDep, key: MeetingKeyPath, body: MeetingUpdate
) -> MeetingPublic:
    return meetings.update_meeting(
        db, actor=actor, key=key, title=body.title, starts_at=body.starts_at
    )


@router.post("/api/meetings/{key}/cancel")
def cancel_meeting(
    db: DbDep, actor: ActorDep, key: MeetingKeyPath, body: MeetingCancel
) -> MeetingPublic:
    return meetings.cancel_meeting(db, actor=actor, key=key, reason=body.reason)


@router.get("/api/meetings/{key}/events")
def meeting_events(
    db: DbDep,
    key: MeetingKeyPath,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[EventPublic]:
    return meetings.events_after(db, key=key, after=after, limit=limit)


@router.get("/api/meetings/{key}/roll-call")
def list_marks(db: DbDep, key: MeetingKeyPath) -> list[RollCallMarkPublic]:
    return roll_calls.list_marks(db, meeting_key=key)


@router.put("/api/meetings/{key}/roll-call/{checkpoint}/{unit}")
def set_mark(
    db: DbDep,
    actor: ActorDep,
    key: MeetingKeyPath,
    checkpoint: Annotated[Checkpoint, Path()],
    unit: UnitCodePath,
    body: MarkUpdate,
) -> RollCallMarkPublic:
    mark, _ = roll_calls.set_mark(
        db,
        actor=actor,
        meeting_key=key,
        unit_code=unit,
        checkpoint=checkpoint,
        status=body.status,
        reason=body.reason,
    )
    return mark
