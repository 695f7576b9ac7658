"""The review page opens on the latest year with records, and says why a list is empty."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.timezone import assessment_year
from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE


def test_the_reviewer_lands_on_the_latest_year_with_data_and_empty_filters_say_why(
    client: TestClient, person: Any
) -> None:
    worked = json.loads(WORKED_EXAMPLE.read_text())
    assert client.post("/api/records", json=worked).status_code == 201
    this_year = assessment_year(datetime.now(UTC))
    assert client.put(f"/api/periods/{this_year}", json={"edition": "2019"}).status_code == 200

    page = person("reviewer")
    base = page.url.split("/review")[0]
    page.goto(f"{base}/review")
    page.wait_for_selector("#year-select")
    page.wait_for_function("() => document.querySelector('#year-select').value === '2019'")

    page.goto(f"{base}/review?year=2019&unit=350402")
    page.wait_for_selector("#incident-filters #filter-from")
    page.fill("#filter-from", "2019-12-01")
    page.locator("#filter-from").dispatch_event("change")
    page.fill("#filter-to", "2019-01-31")
    page.locator("#filter-to").dispatch_event("change")
    page.wait_for_selector("#inverted-range")
    assert "起始日期晚于截止日期" in (page.text_content("#inverted-range") or "")
    screenshot(page, "review-inverted-range")

    page.fill("#filter-to", "2019-12-31")
    page.locator("#filter-to").dispatch_event("change")
    page.fill("#filter-from", "2019-12-30")
    page.locator("#filter-from").dispatch_event("change")
    page.wait_for_selector(".incident-results p.muted.empty")
    text = page.text_content(".incident-results .empty") or ""
    assert text == "没有符合当前筛选条件的扣分记录，可放宽或清除筛选。"
