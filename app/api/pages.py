"""The HTML pages: static files whose data all comes from the (logged-in) API.

Each page names the roles that may open it, here and nowhere else: the session's answer carries
the pages of the person's role (the header's navigation) and the one they start on. A visitor without a session is sent to the login
page; a role the page is not for gets the one 无权访问 page, and an unknown address that asks for
HTML gets the one 页面不存在 page (API paths keep their JSON errors)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from app.db.engine import Database
from app.roles import ADMIN, CONTROLLER, COUNTY_IT, REVIEWER
from app.shipped import static_dir
from app.web.connection import resolve_connection

HTML = "text/html; charset=utf-8"

# path → (file, roles that may open it), in the order of the header's navigation.
PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "/console": ("console.html", frozenset({ADMIN, CONTROLLER})),
    "/venues": ("venues.html", frozenset({ADMIN, CONTROLLER})),
    "/record": ("record.html", frozenset({ADMIN, CONTROLLER, REVIEWER})),
    "/county": ("county.html", frozenset({ADMIN, COUNTY_IT, REVIEWER})),
    "/review": ("review.html", frozenset({ADMIN, REVIEWER, COUNTY_IT})),
    "/admin": ("admin.html", frozenset({ADMIN})),
}
# The page a role starts on after logging in (when no other was asked for).
HOME: dict[str, str] = {
    ADMIN: "/admin",
    CONTROLLER: "/console",
    COUNTY_IT: "/county",
    REVIEWER: "/review",
}
FORBIDDEN_PAGE = "forbidden.html"
NOT_FOUND_PAGE = "not-found.html"


def install(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @router.get("/login")
    def login() -> FileResponse:
        return FileResponse(static_dir() / "login.html", media_type=HTML)

    @router.get("/favicon.ico")
    def favicon() -> FileResponse:
        return FileResponse(static_dir() / "favicon.svg", media_type="image/svg+xml")

    @router.get("/healthz")
    def health(request: Request) -> dict[str, str]:
        db: Database = request.app.state.db
        with db.read() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    for path, (filename, roles) in PAGES.items():
        router.add_api_route(path, _page(filename, roles), methods=["GET"], response_model=None)

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")


def _page(filename: str, roles: frozenset[str]) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        resolved = await resolve_connection(request)
        if resolved is None:
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        if resolved.actor.role not in roles:
            return FileResponse(static_dir() / FORBIDDEN_PAGE, status_code=403, media_type=HTML)
        return FileResponse(static_dir() / filename, media_type=HTML)

    return serve


def pages_of(role: str) -> list[str]:
    """The pages a role may open, in the navigation's order."""
    return [path for path, (_, roles) in PAGES.items() if role in roles]


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, not a static asset) gets HTML errors."""
    path = request.url.path
    if path.startswith(("/api/", "/static/", "/ws")):
        return False
    return "text/html" in request.headers.get("accept", "")


def not_found_page() -> FileResponse:
    return FileResponse(static_dir() / NOT_FOUND_PAGE, status_code=404, media_type=HTML)
