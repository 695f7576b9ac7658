from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from app.api.deps import AccessDep, ActorDep, DbDep
from app.api.errors import ErrorBody
from app.schemas.public import (
    FindingPublic,
    RegisterChangePublic,
    RegisterPublic,
    RoomPublic,
    StaffingPublic,
    UnitPublic,
)
from app.schemas.records import Moment, RegisterUpdate, RoomCreate, StaffingCreate, UnitRecord, Year
from app.services import room_register, units

router = APIRouter(tags=["units"])
UnitCodePath = Annotated[str, Path(pattern=r"^[0-9]{6}$", description="行政区划代码")]
AsOf = Annotated[Moment | None, Query(description="moment asked for (default: now)")]


@router.get("/api/units")
def list_units(db: DbDep, access: AccessDep) -> list[UnitPublic]:
    visible = access.narrow(None)
    return [u for u in units.list_units(db) if not visible or u.code in visible]


@router.post("/api/units", status_code=status.HTTP_201_CREATED)
def create_unit(db: DbDep, actor: ActorDep, body: UnitRecord) -> UnitPublic:
    return units.create_unit(db, actor=actor, record=body)


@router.get("/api/units/{code}")
def get_unit(db: DbDep, code: UnitCodePath) -> UnitPublic:
    return units.get_unit(db, code=code)


@router.get("/api/units/{code}/rooms")
def list_rooms(db: DbDep, code: UnitCodePath, as_of: AsOf = None) -> list[RoomPublic]:
    return room_register.rooms_of(db, unit_code=code, as_of=as_of)


@router.get("/api/units/{code}/rooms/history")
def room_history(db: DbDep, code: UnitCodePath) -> list[RoomPublic]:
    return room_register.room_history(db, unit_code=code)


@router.get("/api/units/{code}/staffing")
def staffing_history(db: DbDep, code: UnitCodePath) -> list[StaffingPublic]:
    return room_register.staffing_history(db, unit_code=code)


@router.get("/api/units/{code}/findings")
def findings(
    db: DbDep, code: UnitCodePath, year: Annotated[Year | None, Query()] = None, as_of: AsOf = None
) -> list[FindingPublic]:
    return room_register.findings(db, unit_code=code, year=year, as_of=as_of)


@router.post("/api/rooms", status_code=status.HTTP_201_CREATED)
def record_room(db: DbDep, actor: ActorDep, body: RoomCreate) -> RoomPublic:
    return room_register.record_room(db, actor=actor, record=body)


@router.post("/api/staffing", status_code=status.HTTP_201_CREATED)
def record_staffing(db: DbDep, actor: ActorDep, body: StaffingCreate) -> StaffingPublic:
    return room_register.record_staffing(db, actor=actor, record=body)


@router.get("/api/units/{code}/register")
def get_register(
    db: DbDep, code: UnitCodePath, response: Response, as_of: AsOf = None
) -> RegisterPublic:
    register = room_register.get_register(db, unit_code=code, as_of=as_of)
    response.headers["ETag"] = f'"{register.version}"'
    return register


@router.put(
    "/api/units/{code}/register",
    responses={
        412: {"model": ErrorBody, "description": "If-Match names a version that is not the latest"}
    },
)
def save_register(
    db: DbDep,
    actor: ActorDep,
    code: UnitCodePath,
    body: RegisterUpdate,
    response: Response,
    if_match: Annotated[
        str | None, Header(max_length=64, description="the version being edited")
    ] = None,
) -> RegisterPublic:
    version = if_match.strip().strip('"') if if_match else None
    register = room_register.save(db, actor=actor, unit_code=code, update=body, version=version)
    response.headers["ETag"] = f'"{register.version}"'
    return register


@router.post("/api/units/{code}/register/preview")
def preview_register(db: DbDep, code: UnitCodePath, body: RegisterUpdate) -> list[FindingPublic]:
    return room_register.preview(db, unit_code=code, update=body)


@router.get("/api/units/{code}/register/history")
def register_history(db: DbDep, code: UnitCodePath) -> list[RegisterChangePublic]:
    return room_register.history(db, unit_code=code)
