from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.api.deps import ActorDep, DbDep
from app.roles import Role
from app.schemas.public import AccountPublic
from app.schemas.records import Name, UnitCode
from app.schemas.text import OneLine
from app.services import accounts

router = APIRouter(tags=["accounts"])
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-@]+$")
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128), OneLine]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    display_name: Name
    role: Role
    unit: UnitCode | None = None
    password: Password


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: Name | None = None
    role: Role | None = None
    unit: UnitCode | None = None
    disabled: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Password


@router.get("/api/accounts")
def list_accounts(db: DbDep) -> list[AccountPublic]:
    return accounts.list_accounts(db)


@router.post("/api/accounts", status_code=status.HTTP_201_CREATED)
def create_account(db: DbDep, actor: ActorDep, body: AccountCreate) -> AccountPublic:
    return accounts.create_account(
        db,
        actor=actor,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        unit_code=body.unit,
        password=body.password,
    )


@router.patch("/api/accounts/{username}")
def update_account(
    db: DbDep, actor: ActorDep, username: Annotated[Username, Path()], body: AccountUpdate
) -> AccountPublic:
    return accounts.update_account(
        db,
        actor=actor,
        username=username,
        display_name=body.display_name,
        role=body.role,
        unit_code=body.unit,
        disabled=body.disabled,
    )


@router.put("/api/accounts/{username}/password", status_code=status.HTTP_204_NO_CONTENT)
def reset_password(
    db: DbDep, actor: ActorDep, username: Annotated[Username, Path()], body: PasswordReset
) -> Response:
    accounts.set_password(db, actor=actor, username=username, password=body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
