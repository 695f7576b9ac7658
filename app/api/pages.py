"""The HTML pages: static files whose data all comes from the (logged-in) API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from app.db.engine import Database
from app.shipped import static_dir

PAGES = {
    "/login": "login.html",
    "/console": "console.html",
    "/county": "county.html",
    "/review": "review.html",
    "/admin": "admin.html",
    "/venues": "venues.html",
}


def install(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @router.get("/healthz")
    def health(request: Request) -> dict[str, str]:
        db: Database = request.app.state.db
        with db.read() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    for path, filename in PAGES.items():
        router.add_api_route(path, _page(filename), methods=["GET"], response_class=FileResponse)

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=static_dir()), name="static")


def _page(filename: str) -> Callable[[], FileResponse]:
    def serve() -> FileResponse:
        return FileResponse(static_dir() / filename, media_type="text/html; charset=utf-8")

    return serve
