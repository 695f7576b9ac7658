"""Security headers on every response, and pages that need no inline script to work under the
Content-Security-Policy."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

STATIC = Path(__file__).resolve().parents[2] / "static"
PAGES = ["/login", "/console", "/county", "/review", "/admin", "/venues"]


class InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}= at line {self.getpos()[0]}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript: at line {self.getpos()[0]}")


@pytest.mark.parametrize("page", sorted(p.name for p in STATIC.glob("*.html")))
def test_no_page_has_inline_script_or_handlers(page: str) -> None:
    parser = InlineScripts()
    parser.feed((STATIC / page).read_text(encoding="utf-8"))
    assert parser.found == []


@pytest.mark.parametrize("path", [*PAGES, "/api/session", "/static/js/api.js", "/healthz"])
def test_every_response_carries_the_security_headers(anonymous: TestClient, path: str) -> None:
    response = anonymous.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_only_the_api_reference_pages_may_run_their_inline_start_script(
    anonymous: TestClient,
) -> None:
    docs = anonymous.get("/docs").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in docs
    assert "frame-ancestors 'none'" in docs
    page = anonymous.get("/login").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page


def test_hsts_only_over_tls(app: FastAPI) -> None:
    with TestClient(app, base_url="https://vcwatch.example") as over_tls:
        response = over_tls.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
