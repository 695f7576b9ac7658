"""The printed annual table: a reviewer prints the year and gets the official table — the cities
ranked, a section per city whose figures add up, the issuing office, a signature and date
block, black on white — and the CSV export follows the incident list's filters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from app.db.engine import Database
from tests.browser.conftest import screenshot
from tests.conftest import add_account, log_in
from tests.fixtures import WORKED_EXAMPLE

SANMING = "350400"


@pytest.fixture
def worked_year(app: FastAPI, db: Database, password_hash: str) -> Iterator[TestClient]:
    add_account(db, username="setup-admin", role="admin", unit=None, password_hash=password_hash)
    client = log_in(TestClient(app), "setup-admin")
    response = client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text("utf-8")))
    assert response.status_code == 201, response.text
    yield client
    client.close()


def test_the_reviewer_prints_the_official_annual_table(
    person: Any, worked_year: TestClient, app: FastAPI
) -> None:
    app.state.settings.issuing_office = "三明市人民政府办公室"
    page = person("reviewer")
    page.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/review?year=2019")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.60")
    expect(page.locator("#export-pdf")).to_have_attribute(
        "href", "/api/exports/annual.pdf?year=2019"
    )

    page.click("#print-report")
    page.wait_for_function("() => window.__printed === 1")
    report = page.locator("#report")
    expect(report).to_have_attribute("data-official", "true")

    page.emulate_media(media="print")
    first = report.locator("section.official-page").first
    expect(first).to_be_visible()
    expect(first.locator("h1")).to_have_text("2019年度视频会议（10分）考核结果")
    expect(first).to_contain_text("未定稿")
    expect(first).to_contain_text("制表单位：三明市人民政府办公室")
    expect(first).to_contain_text("审核人（签字）")
    expect(first).to_contain_text("日期：")
    row = first.locator(f'tr[data-city="{SANMING}"]')
    expect(row.locator("td").first).to_have_text("1")
    expect(row.locator("td").last).to_have_text("7.60")
    expect(row).to_contain_text("（封顶）")  # roll calls: 1.10 against a cap of 1.00

    city = report.locator(f'section.official-page[data-city="{SANMING}"]')
    expect(city).to_contain_text("三明市（350400）视频会议（10分）扣分计算表")
    expect(city).to_contain_text("全省视频会议0 会前两小时 缺席")
    expect(city.locator("tr.total").first).to_contain_text("1.10")
    expect(page.locator("main#review")).to_be_hidden()
    # No screen background on paper: the page, the report and its table heads are white.
    for selector in ("body", "#report", "#report thead th"):
        colour = page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), (selector, colour)
    assert first.evaluate("e => getComputedStyle(e).breakAfter") == "page"
    screenshot(page, "review-annual-table-print")
    page.emulate_media(media="screen")
    expect(report).to_be_hidden()


def test_the_csv_link_follows_the_incident_filters(person: Any, worked_year: TestClient) -> None:
    page = person("reviewer")
    page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/review?year=2019&unit=350402")
    expect(page.locator("#incident-filters")).to_be_visible()
    page.select_option("#filter-item", "roll_call")
    page.wait_for_function(
        "() => document.getElementById('incident-filters').dataset.query.includes('item=roll_call')"
    )
    with page.expect_download() as download:
        page.click("#export-csv")
    query = parse_qs(urlsplit(download.value.url).query)
    assert query["item"] == ["roll_call"] and query["unit"] == ["350402"]
    assert query["year"] == ["2019"]
    text = download.value.path().read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("设区市,单位代码,单位,考核项目,扣分类型")
    assert len(lines) == 1 + 19  # 梅列区's roll calls: absent ×15, late ×4
    assert all(",会前调试点名," in line for line in lines[1:])
