"""The login page follows `next` only to a path of its own site (headless Chromium)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.browser.conftest import LiveServer
from tests.conftest import TEST_PASSWORD, add_account

ESCAPES = [
    "/\\evil.example/x",
    "/%5Cevil.example/x",
    "/%09/evil.example/x",
    "/%0a/evil.example/x",
    "/%0d%0a/evil.example/x",
    "/\t/evil.example/x",
    "//evil.example/x",
    "/%2F/evil.example/x",
    "https://evil.example/x",
    "https:evil.example/x",
    "javascript:alert(1)",
]


def log_in_with_next(browser: Any, server: LiveServer, raw_next: str) -> Any:
    """Log in at /login?next=RAW (RAW put in the query as given) and return the page after."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    stub = lambda route: route.fulfill(content_type="text/html", body="<!doctype html><p>ok")  # noqa: E731
    page.route(lambda url: urlsplit(url).path == "/review", stub)
    page.route("http://evil.example/**", stub)
    page.goto(f"{server.url}/login?next={raw_next}")
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


@pytest.fixture
def rita(db: Any, password_hash: str) -> None:
    add_account(db, username="rita", role="reviewer", unit=None, password_hash=password_hash)


@pytest.mark.parametrize("escape", ESCAPES)
def test_next_never_leaves_the_site(
    browser: Any, live_server: LiveServer, rita: None, escape: str
) -> None:
    raw = escape if "%" in escape else quote(escape, safe="/%:")
    context, page = log_in_with_next(browser, live_server, raw)
    try:
        assert page.url.startswith(f"{live_server.url}/"), page.url
        assert "evil.example" not in page.url.split("?")[0]
    finally:
        context.close()


def test_next_within_the_site_is_followed(
    browser: Any, live_server: LiveServer, rita: None
) -> None:
    context, page = log_in_with_next(browser, live_server, quote("/review?year=2019#unit"))
    try:
        assert page.url == f"{live_server.url}/review?year=2019#unit"
    finally:
        context.close()
