"""Browser tests: the app served on a free localhost port, driven by Debian's headless Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.conftest import TEST_PASSWORD, add_account

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for browser tests: {CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


class Person:
    """A browser context logged in as one account."""

    def __init__(self, browser: Any, server: LiveServer, username: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.goto(f"{server.url}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", TEST_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/login" not in url)
        # The page has its session (and so its CSRF token) once the header names the person.
        self.page.wait_for_selector("header.shell .who")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser: Any, live_server: LiveServer, db: Any, password_hash: str) -> Iterator[Any]:
    """`person("controller")` → a logged-in browser page of a new account of that role."""
    people: list[Person] = []

    def make(
        role: str,
        *,
        unit: str | None = None,
        username: str | None = None,
        display_name: str | None = None,
    ) -> Any:
        name = username or f"{role}{len(people) + 1}"
        add_account(
            db,
            username=name,
            role=role,
            unit=unit,
            password_hash=password_hash,
            display_name=display_name,
        )
        someone = Person(browser, live_server, name)
        people.append(someone)
        return someone.page

    yield make
    for someone in people:
        someone.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
