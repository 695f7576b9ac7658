from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.api.policy import Access, AccessDep
from app.db.engine import Database
from app.services.context import Actor
from app.settings import Settings


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings_of_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_actor(access: AccessDep) -> Actor:
    return access.actor


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_of_app)]
ActorDep = Annotated[Actor, Depends(get_actor)]

__all__ = ["Access", "AccessDep", "ActorDep", "DbDep", "SettingsDep"]
