"""Who is on the other end of an HTTP request or a WebSocket: the session its cookie names.

Shared by the API (`app.api`) and the live consoles (`app.live`), which do not import each other.
"""

from __future__ import annotations

from fastapi.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from app.services import accounts
from app.services.accounts import ResolvedSession

COOKIE = "vcwatch_session"


async def resolve_connection(connection: HTTPConnection) -> ResolvedSession | None:
    """The live session the connection's cookie names, or None (no cookie, unknown, ended)."""
    token = connection.cookies.get(COOKIE)
    if not token or len(token) > 256:
        return None
    return await run_in_threadpool(
        accounts.resolve,
        connection.app.state.db,
        settings=connection.app.state.settings,
        token=token,
        address=connection.client.host if connection.client else None,
    )
