from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.api import pages
from app.api.deps import AccessDep, DbDep, SettingsDep
from app.api.session_cookie import clear_session_cookie, set_session_cookie
from app.schemas.public import AccountPublic, SessionPublic
from app.schemas.text import OneLine
from app.services import accounts, units
from app.services.context import Actor
from app.timezone import iso

router = APIRouter(tags=["session"])


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-@]+$")
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128), OneLine]


def _account(access_actor: Actor, *, unit_name: str | None = None) -> AccountPublic:
    return AccountPublic(
        username=access_actor.username,
        display_name=access_actor.display_name or access_actor.username,
        role=access_actor.role,
        unit=access_actor.unit_code,
        unit_name=unit_name,
        disabled=False,
    )


def _session(account: AccountPublic, *, csrf_token: str, expires_at: datetime) -> SessionPublic:
    """The session as the pages see it: who, the pages their role opens, where they start."""
    return SessionPublic(
        account=account,
        csrf_token=csrf_token,
        expires_at=iso(expires_at),
        pages=pages.pages_of(account.role),
        home=pages.HOME[account.role],
    )


@router.post("/api/session", status_code=status.HTTP_201_CREATED)
async def log_in(
    request: Request, response: Response, db: DbDep, settings: SettingsDep, body: LoginRequest
) -> SessionPublic:
    address = request.client.host if request.client else "unknown"
    opened = await run_in_threadpool(
        accounts.login,
        db,
        settings=settings,
        username=body.username,
        password=body.password,
        address=address,
    )
    set_session_cookie(response, request, token=opened.token, settings=settings)
    return _session(
        _account(opened.actor), csrf_token=opened.csrf_token, expires_at=opened.expires_at
    )


@router.get("/api/session")
async def who_am_i(access: AccessDep, db: DbDep) -> SessionPublic:
    assert access.session is not None
    code = access.actor.unit_code
    # The header names the unit (尤溪县), never its code.
    unit_name = (await run_in_threadpool(units.get_unit, db, code=code)).name if code else None
    return _session(
        _account(access.actor, unit_name=unit_name),
        csrf_token=access.session.csrf_token,
        expires_at=access.session.expires_at,
    )


@router.delete("/api/session", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(request: Request, access: AccessDep, db: DbDep) -> Response:
    assert access.session is not None
    await run_in_threadpool(
        accounts.logout, db, actor=access.actor, session_id=access.session.session_id
    )
    request.app.state.hub.end_session(access.session.session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, request)
    return response
