from __future__ import annotations

import asyncio
import functools
import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Connection

from app.api import errors, pages, reference
from app.api.middleware import BodyLimit, SecurityHeaders
from app.api.policy import authorize
from app.api.routes import (
    accounts,
    audit,
    evidence,
    exports,
    incidents,
    meetings,
    objections,
    periods,
    scores,
    session,
    units,
    venues,
)
from app.db import locks
from app.db.engine import Database
from app.live import socket
from app.live.hub import Hub
from app.live.notifier import notifier_for
from app.services.accounts import live_sessions
from app.services.frame_watch import FrameWatch
from app.settings import Settings, get_settings

API_ROUTERS = (
    session,
    accounts,
    audit,
    units,
    periods,
    meetings,
    incidents,
    evidence,
    objections,
    scores,
    exports,
    venues,
)


def start_sampling(db: Database, settings: Settings, frame_watch: FrameWatch) -> Connection | None:
    """Sample the venues' sources in this process: on PostgreSQL its share of them (leases, so
    that every server process and `vcwatch sampler` on any machine takes part); on SQLite all of
    them, if it holds the single sampling claim."""
    if settings.sampler == "off":
        return None
    if not db.is_sqlite:
        frame_watch.share()
        return None
    try:
        held = locks.claim(db, "vcwatch-sampler")
    except LookupError:
        return None  # another server process samples
    frame_watch.sync_sources()
    return held


# Hand the interpreter lock over more often than the default 5 ms, so that fanning events out on
# the event loop and committing writes on worker threads take turns quickly (lower tag latency).
GIL_SWITCH_INTERVAL = 0.0005


def create_server_app() -> FastAPI:
    """The app as `vcwatch serve` runs it, in a process of its own that lives for days.

    The objects made at start (routes, schemas, table metadata: most of the heap) are moved out
    of the collector's reach, so that a full garbage collection scans only what requests left
    behind instead of pausing every request and console for a tenth of a second.
    """
    app = create_app()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One run of the app: the hub, the notifier and the sampling of what `bind` gave it."""
    state = app.state
    database: Database = state.db
    hub: Hub = state.hub
    frame_watch: FrameWatch = state.frame_watch
    owns_database: bool = state.owns_database
    hub.start(asyncio.get_running_loop())
    # One notifier per run of the app, on that run's loop (tests run one app on several).
    notifier = notifier_for(database)
    notifier.start(hub)
    sampling = await run_in_threadpool(start_sampling, database, state.settings, frame_watch)
    try:
        yield
    finally:
        await run_in_threadpool(frame_watch.stop)
        if sampling is not None:
            sampling.close()
        hub.stop()
        await notifier.stop()
        if owns_database:
            database.dispose()


def bind(app: FastAPI, *, settings: Settings, db: Database | None = None) -> None:
    """Point `app` at the settings and database it serves, with a hub and a frame watch of
    their own. The app's next run (its lifespan) uses them; a database it opened itself is
    closed when that run ends."""
    database = db or Database(settings.resolved_database_url)
    app.state.settings = settings
    app.state.db = database
    app.state.owns_database = db is None
    app.state.hub = Hub(
        database,
        live_sessions=functools.partial(live_sessions, database, settings=settings),
        session_check_seconds=settings.ws_session_check_seconds,
    )
    app.state.frame_watch = FrameWatch(database, settings)


def create_app(*, settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="vcwatch",
        summary="视频会议运行保障考核 — video-conference conduct and the 视频会议 (10分) deductions",
        version="0.1.0",
        lifespan=lifespan,
        responses=errors.ERROR_RESPONSES,
        openapi_url="/openapi.json" if settings.serves_api_reference else None,
        docs_url=None,  # served from vendored files by `reference`, never from a CDN
        redoc_url=None,
    )
    bind(app, settings=settings, db=db)
    errors.install(app)
    # Outermost last: the headers go on every answer, the 413 included.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    for module in API_ROUTERS:
        app.include_router(module.router, dependencies=[Depends(authorize)])
    app.include_router(socket.router)
    pages.install(app)
    reference.install(app)
    return app
