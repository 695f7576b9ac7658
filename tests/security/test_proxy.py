"""Forwarded headers are believed only from the proxy named in VCWATCH_FORWARDED_ALLOW_IPS (or
`vcwatch serve --forwarded-allow-ips`): the address in the audit log and in the login limit, and
the scheme that decides the cookie's `Secure`, come from the proxy and nobody else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.cli import main
from app.services import audit_log
from app.settings import get_settings
from tests.conftest import TEST_PASSWORD

SPOOFED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def served_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str, allow: str | None = None
) -> dict[str, Any]:
    """The options `vcwatch serve ARGV` gives uvicorn."""
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_a, **options: started.append(options))
    monkeypatch.setenv("VCWATCH_ENVIRONMENT", "test")
    monkeypatch.setenv("VCWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'served.sqlite3'}")
    monkeypatch.setenv("VCWATCH_DATA_DIR", str(tmp_path / "data"))
    if allow is None:
        monkeypatch.delenv("VCWATCH_FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("VCWATCH_FORWARDED_ALLOW_IPS", allow)
    get_settings.cache_clear()
    try:
        assert main(["serve", *argv]) == 0
    finally:
        get_settings.cache_clear()
    (options,) = started
    return options


def as_served(app: FastAPI, options: dict[str, Any]) -> Any:
    """The app as uvicorn wraps it with those options."""
    config = uvicorn.Config(
        app,
        proxy_headers=options["proxy_headers"],
        forwarded_allow_ips=options["forwarded_allow_ips"],
    )
    config.load()
    return config.loaded_app


def failed_login_address(app: FastAPI, served: Any, client: tuple[str, int]) -> str:
    with TestClient(served, client=client) as visitor:
        response = visitor.post(
            "/api/session", json={"username": "nobody", "password": "x"}, headers=SPOOFED
        )
        assert response.status_code == 401
    db = app.state.db
    where = audit_log.audit_filter(db, action="session.login_failed")
    page = audit_log.browse(db, where=where, limit=10, offset=0)
    (entry,) = page.items
    assert entry.address is not None
    return entry.address


def test_without_a_proxy_setting_a_spoofed_forwarded_header_is_not_believed(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = served_options(monkeypatch, tmp_path)
    served = as_served(app, options)
    assert failed_login_address(app, served, ("127.0.0.1", 40000)) == "127.0.0.1"


def test_the_configured_proxy_is_believed(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = served_options(monkeypatch, tmp_path, allow="10.0.0.5")
    served = as_served(app, options)
    assert failed_login_address(app, served, ("10.0.0.5", 40000)) == "203.0.113.9"


def test_a_client_that_is_not_the_proxy_is_not_believed(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = served_options(monkeypatch, tmp_path, allow="10.0.0.5")
    served = as_served(app, options)
    assert failed_login_address(app, served, ("127.0.0.1", 40000)) == "127.0.0.1"


def test_the_command_line_option_names_the_proxy(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = served_options(monkeypatch, tmp_path, "--forwarded-allow-ips", "10.0.0.0/24")
    served = as_served(app, options)
    assert failed_login_address(app, served, ("10.0.0.7", 40000)) == "203.0.113.9"


def test_websocket_frames_are_bounded_by_the_server_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VCWATCH_WS_MAX_MESSAGE_BYTES", "4096")
    assert served_options(monkeypatch, tmp_path)["ws_max_size"] == 4096


def test_cookies_are_secure_behind_a_tls_proxy(
    app: FastAPI, login: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login("reviewer", username="rita")
    served = as_served(app, served_options(monkeypatch, tmp_path, allow="10.0.0.5"))
    with TestClient(served, client=("10.0.0.5", 40000)) as visitor:
        response = visitor.post(
            "/api/session",
            json={"username": "rita", "password": TEST_PASSWORD},
            headers=SPOOFED,
        )
    assert response.status_code == 201, response.text
    assert "secure" in response.headers["set-cookie"].lower()
