"""Pure ASGI middleware that runs before any route, dependency or authentication:

* `BodyLimit` refuses a request body past its route's limit with 413 — at once when the
  Content-Length says so, otherwise as soon as the bytes streamed in pass it — so no body is ever
  held in memory beyond the limit. Past the small default limit, only a caller with a live session
  may go on (the records import and the image uploads have larger limits of their own).
* `SecurityHeaders` adds the Content-Security-Policy (no inline script), framing, sniffing and
  referrer rules to every response, and HSTS to those served over TLS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_response
from app.settings import Settings
from app.web.connection import resolve_connection

# (method, path) → the setting that limits its body; every other request has `max_body_bytes`.
ROUTE_LIMITS: tuple[tuple[str, re.Pattern[str], Callable[[Settings], int]], ...] = (
    ("POST", re.compile(r"/api/records"), lambda s: s.max_import_bytes),
    ("POST", re.compile(r"/api/evidence"), lambda s: s.max_upload_bytes),
    ("PUT", re.compile(r"/api/venues/[^/]+/reference"), lambda s: s.max_upload_bytes),
    ("POST", re.compile(r"/api/venues/[^/]+/frames"), lambda s: s.max_upload_bytes),
    ("POST", re.compile(r"/api/venues/[^/]+/audio"), lambda s: s.max_audio_upload_bytes),
)


def body_limit(settings: Settings, *, method: str, path: str) -> int:
    for route_method, pattern, limit in ROUTE_LIMITS:
        if method == route_method and pattern.fullmatch(path):
            return max(limit(settings), settings.max_body_bytes)
    return settings.max_body_bytes


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(scope: Scope, receive: Receive, send: Send, *, limit: int) -> None:
    response = error_response(
        413,
        msg=f"the request body exceeds {limit} bytes",
        loc=["body"],
        kind="too_large",
        code="request.too_large",
        headers={"Connection": "close"},
    )
    await response(scope, receive, send)


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        default = settings.max_body_bytes
        limit = body_limit(settings, method=scope["method"], path=scope["path"])
        logged_in: bool | None = None  # asked only when a body goes past the default

        async def allowed(size: int) -> int:
            """The limit that applies to a body of `size` bytes so far."""
            nonlocal logged_in
            if size <= default or limit == default:
                return limit
            if logged_in is None:
                logged_in = await resolve_connection(HTTPConnection(scope)) is not None
            return limit if logged_in else default

        declared = declared_length(scope)
        if declared is not None and declared > (refusal := await allowed(declared)):
            await _too_large(scope, receive, send, limit=refusal)
            return

        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > (refusal := await allowed(received)):
                    refused = True
                    if not started:
                        await _too_large(scope, receive, send, limit=refusal)
                    # What the app reads next is a client gone away: it stops reading.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; the app's own answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The API reference pages (development only) start Swagger UI and ReDoc with a script of their own
# in the page: there alone inline script is allowed.
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HSTS = "max-age=31536000; includeSubDomains"
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The scheme as the trusted proxy reported it (the proxy-headers middleware runs first).
        over_tls = scope.get("scheme") == "https"
        policy = (
            DOCS_CONTENT_SECURITY_POLICY
            if scope.get("path") in DOCS_PATHS
            else CONTENT_SECURITY_POLICY
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", policy.encode()))
                if over_tls and b"strict-transport-security" not in present:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
