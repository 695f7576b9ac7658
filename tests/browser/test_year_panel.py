"""The review page's year panel in headless Chromium: a reviewer finalizes 2019 confirming the
open objection, the standings then read FINAL; an admin reopens it with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE

pytestmark = pytest.mark.browser


@pytest.fixture
def year_2019(client: TestClient, login: Any) -> str:
    """The worked example, objections open until 2099 and one of them filed."""
    assert (
        client.post(
            "/api/records",
            content=WORKED_EXAMPLE.read_bytes(),
            headers={"Content-Type": "application/json"},
        ).status_code
        == 201
    )
    client.put("/api/periods/2019", json={"objection_deadline": "2099-12-31"})
    county = login("county_it", unit="350402")
    filed = county.post("/api/objections", json={"incident": "w1", "reason": "已按时签到"})
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])  # fmt: skip


def test_a_reviewer_finalizes_and_an_admin_reopens(
    year_2019: str, person: Any, live_server: Any, client: TestClient
) -> None:
    page = person("reviewer", username="shen")
    page.goto(f"{live_server.url}/review?year=2019")
    panel = page.locator("#year-panel")
    expect(panel).to_contain_text("2019年度考核")
    expect(panel).to_contain_text("申诉截止日：2099-12-31")
    expect(panel).to_contain_text("未处理的申诉 1 件")
    expect(panel.locator("[data-final=false]")).to_be_visible()

    page.fill("#finalize-note", "年度考核定稿")
    page.check("#finalize-confirm")
    page.click("#finalize-submit")

    expect(panel.locator("[data-final=true]")).to_contain_text("已定稿：shen")
    expect(page.locator("#reopen-form")).to_have_count(0)  # only an admin reopens
    screenshot(page, "review-year-finalized")
    final = client.get("/api/scores", params={"year": 2019}).json()
    assert (final["final"], final["finalized_by"]) == (True, "shen")

    admin = person("admin", username="chief")
    admin.goto(f"{live_server.url}/review?year=2019")
    admin.fill("#reopen-reason", "更正一处错误")
    admin.click("#reopen-submit")

    expect(admin.locator("#year-panel [data-final=false]")).to_be_visible()
    assert client.get("/api/scores", params={"year": 2019}).json()["final"] is False
