"""The API reference works on a network with no internet: /docs and /redoc load nothing but what
the app itself serves. Outside development and tests it is off unless a setting turns it on."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database
from app.main import create_app
from app.settings import Settings

ABSOLUTE_URL = re.compile(r"(?:https?:)?//[\w.-]", re.IGNORECASE)
SPEC_IN_SCRIPT = re.compile(r"""\burl:\s*['"]([^'"]+)['"]""")
SECRET = "k3Jx9v0QmZ2rT8wYp4LsN6bD1hF7cG5a"
ORIGINS = ["https://vcwatch.example.gov.cn"]


class References(HTMLParser):
    """What a page makes the browser fetch: `src`, `href` and ReDoc's `spec-url`, and the
    schema URL that Swagger UI's start-up script names."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += SPEC_IN_SCRIPT.findall(data)


def references(page: str) -> list[str]:
    parser = References()
    parser.feed(page)
    return parser.urls


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_reference_loads_only_what_the_app_serves(anonymous: TestClient, path: str) -> None:
    page = anonymous.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert ABSOLUTE_URL.findall(page.text) == []
    # What the bundles themselves name elsewhere (ReDoc's logo) the browser is told not to load.
    policy = page.headers["content-security-policy"]
    assert "default-src 'self';" in policy
    assert "img-src 'self' data:;" in policy

    urls = references(page.text)
    assert "/openapi.json" in urls
    assert any(url.endswith(".js") for url in urls)
    for url in urls:
        asset = anonymous.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url


def test_the_check_sees_a_page_that_loads_from_elsewhere() -> None:
    page = """<html><head>
    <link rel="stylesheet" href="https://cdn.example.net/swagger-ui.css">
    <script src="//cdn.example.net/bundle.js"></script></head>
    <body><redoc spec-url="/openapi.json"></redoc>
    <script>SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui'})</script></body></html>"""

    assert ABSOLUTE_URL.findall(page) == ["https://c", "//c"]
    assert references(page) == [
        "https://cdn.example.net/swagger-ui.css",
        "//cdn.example.net/bundle.js",
        "/openapi.json",
        "/openapi.json",
    ]


def reference_status(settings: Settings, db: Database) -> dict[str, int]:
    with TestClient(create_app(settings=settings, db=db)) as client:
        return {p: client.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")}


def test_production_serves_no_reference_by_default(db: Database, tmp_path: Path) -> None:
    settings = Settings(
        environment="production",
        secret_key=SECRET,
        allowed_origins=ORIGINS,
        data_dir=tmp_path,
        sampler="off",
    )

    assert reference_status(settings, db) == {"/docs": 404, "/redoc": 404, "/openapi.json": 404}


def test_a_setting_turns_the_reference_on_in_production(db: Database, tmp_path: Path) -> None:
    settings = Settings(
        environment="production",
        secret_key=SECRET,
        allowed_origins=ORIGINS,
        data_dir=tmp_path,
        sampler="off",
        api_reference=True,
    )

    assert reference_status(settings, db) == {"/docs": 200, "/redoc": 200, "/openapi.json": 200}


def test_a_setting_turns_the_reference_off_anywhere(db: Database, tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, api_reference=False)

    assert reference_status(settings, db) == {"/docs": 404, "/redoc": 404, "/openapi.json": 404}
