from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.api.policy import Access, AccessDep
from app.db.engine import Database
from app.services.context import Actor
from app.settings import Settings

# Plain lookups, `async` so that FastAPI calls them on the event loop: a plain `def` dependency
# would cost every request a round trip through the thread pool for each.


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings_of_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_actor(access: AccessDep) -> Actor:
    return access.actor


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
ActorDep = Annotated[Actor, Depends(get_actor)]

__all__ = ["Access", "AccessDep", "ActorDep", "DbDep", "SettingsDep"]
