"""Request bodies are limited while they stream in, before anything reads or authenticates them:
a body past its route's limit is refused with 413 as soon as the limit is passed (or at once when
its Content-Length says so). The records import and the image uploads have limits of their own;
past the small default, only a logged-in caller may send more."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.middleware import BodyLimit
from app.settings import Settings

CHUNK = 64 * 1024


class Streamed:
    """A request sent straight to the ASGI app in chunks without a Content-Length, counting how
    many bytes the server pulled in before it answered."""

    def __init__(
        self, app: Any, method: str, path: str, *, total: int, logged_in: TestClient | None = None
    ) -> None:
        self.app, self.method, self.path, self.total = app, method, path, total
        self.logged_in = logged_in
        self.pulled = 0
        self.status = 0
        self.body = b""

    def run(self) -> Streamed:
        headers = [(b"content-type", b"application/json"), (b"host", b"testserver")]
        if self.logged_in is not None:
            cookie = f"vcwatch_session={self.logged_in.cookies['vcwatch_session']}"
            headers.append((b"cookie", cookie.encode()))
            headers.append((b"x-csrf-token", self.logged_in.headers["X-CSRF-Token"].encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": self.method,
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("testserver", 80),
        }

        async def receive() -> dict[str, Any]:
            if self.pulled >= self.total:
                return {"type": "http.disconnect"}
            self.pulled += CHUNK
            return {"type": "http.request", "body": b" " * CHUNK, "more_body": True}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            elif message["type"] == "http.response.body":
                self.body += message.get("body", b"")

        asyncio.run(self.app(scope, receive, send))
        return self


def detail_codes(response: Any) -> list[str]:
    return [d["code"] for d in response.json()["detail"]]


def test_an_anonymous_huge_body_is_refused_as_soon_as_the_limit_is_passed(
    app: FastAPI, settings: Settings
) -> None:
    sent = Streamed(app, "POST", "/api/incidents", total=100 * 1024 * 1024).run()
    assert sent.status == 413, sent.body
    assert json.loads(sent.body)["detail"][0]["code"] == "request.too_large"
    assert sent.pulled <= settings.max_body_bytes + CHUNK


def test_an_anonymous_body_with_a_large_length_is_refused(
    anonymous: TestClient, settings: Settings
) -> None:
    response = anonymous.post(
        "/api/incidents",
        content=b" " * (settings.max_body_bytes + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    assert detail_codes(response) == ["request.too_large"]


def test_a_declared_length_past_the_limit_is_refused_before_reading(settings: Settings) -> None:
    received: list[Any] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    async def receive() -> dict[str, Any]:
        received.append(1)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/incidents",
        "headers": [(b"content-length", str(100 * 1024 * 1024).encode())],
        "app": type("App", (), {"state": type("State", (), {"settings": settings})()})(),
    }
    asyncio.run(BodyLimit(app)(scope, receive, send))
    assert received == []
    assert sent[0]["status"] == 413


def test_a_logged_in_admin_may_import_more_than_the_default(
    client: TestClient, settings: Settings
) -> None:
    settings.max_body_bytes = 4096
    padding = " " * 8192
    response = client.post(
        "/api/records",
        content='{"format": "vcwatch-records/1",'
        + padding
        + '"period": {"year": 2019, "edition": "2019"}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


def test_an_anonymous_import_gets_only_the_default_limit(app: FastAPI, settings: Settings) -> None:
    settings.max_body_bytes = 4096
    sent = Streamed(app, "POST", "/api/records", total=1024 * 1024).run()
    assert sent.status == 413
    assert sent.pulled <= 4096 + CHUNK


def test_the_import_has_a_limit_of_its_own(
    app: FastAPI, client: TestClient, settings: Settings
) -> None:
    settings.max_body_bytes = 4096
    settings.max_import_bytes = 256 * 1024
    sent = Streamed(app, "POST", "/api/records", total=8 * 1024 * 1024, logged_in=client).run()
    assert sent.status == 413
    assert 4096 + CHUNK < sent.pulled <= settings.max_import_bytes + CHUNK


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/evidence"),
        ("PUT", "/api/venues/350402/reference"),
        ("POST", "/api/venues/350402/frames"),
    ],
)
def test_uploads_have_their_own_limit(
    app: FastAPI, client: TestClient, settings: Settings, method: str, path: str
) -> None:
    settings.max_body_bytes = 4096
    settings.max_upload_bytes = 256 * 1024
    sent = Streamed(app, method, path, total=4 * 1024 * 1024, logged_in=client).run()
    assert sent.status == 413
    assert 4096 + CHUNK < sent.pulled <= settings.max_upload_bytes + CHUNK


def test_the_limit_holds_on_the_login_route(app: FastAPI, settings: Settings) -> None:
    sent = Streamed(app, "POST", "/api/session", total=16 * 1024 * 1024).run()
    assert sent.status == 413
    assert sent.pulled <= settings.max_body_bytes + CHUNK
