"""The session cookie and the CSRF header."""

from __future__ import annotations

import hmac

from fastapi import Request, Response
from starlette.requests import HTTPConnection

from app.services.accounts import ResolvedSession
from app.services.errors import Forbidden, ServiceError
from app.settings import Settings
from app.web.connection import COOKIE, resolve_connection

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotLoggedIn(ServiceError):
    status = 401


def is_tls(connection: HTTPConnection) -> bool:
    return connection.url.scheme in ("https", "wss")


def set_session_cookie(
    response: Response, request: Request, *, token: str, settings: Settings
) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=is_tls(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=is_tls(request), path="/")


async def authenticate(request: Request) -> ResolvedSession:
    """The caller's live session; a state-changing request must also carry its CSRF token."""
    resolved = await resolve_connection(request)
    if resolved is None:
        raise NotLoggedIn("log in first", field="session", code="session.required")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), resolved.csrf_token.encode()):
            raise Forbidden(
                f"missing or wrong {CSRF_HEADER} header", field=CSRF_HEADER, code="csrf.missing"
            )
    return resolved
