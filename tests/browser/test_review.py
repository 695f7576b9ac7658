"""The review dashboard in headless Chromium: a reviewer drills from a city to an incident's
evidence and upholds a county's objection; a county account sees only its own county and files an
objection — and screenshots of the dashboard, an incident and the printed report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from app.db.engine import Database
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.conftest import add_account, log_in
from tests.fixtures import WORKED_EXAMPLE

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
SANMING, MEILIE, SANYUAN = "350400", "350402", "350403"
NANPING, YANPING = "350700", "350702"


def nanping_year() -> dict[str, Any]:
    """A second city for 2019, so the dashboard ranks two: 南平市 and three counties, with a
    binding roll-call cap (延平区 is late 30 times) and more incidents than one page holds."""
    meetings = [
        {
            "key": f"np-{m:02d}",
            "title": f"全省防汛工作视频会议{m}",
            "starts_at": f"2019-{m:02d}-15T09:00:00+08:00",
        }
        for m in range(1, 13)
    ]
    # A venue has one roll-call deduction per meeting and checkpoint: the lates beyond the
    # first twelve are at afternoon meetings of the same days.
    meetings += [
        {
            "key": f"np-{m:02d}{suffix}",
            "title": f"全省防汛工作视频会议{m}{suffix}",
            "starts_at": f"2019-{m:02d}-15T{hour}:00:00+08:00",
        }
        for suffix, hour in (("b", 15), ("c", 17))
        for m in range(1, 13)
    ]
    incidents: list[dict[str, Any]] = []
    for n in range(30):
        month = n % 12 + 1
        incidents.append(
            {
                "key": f"np-late-{n:02d}",
                "unit": YANPING,
                "type": "roll_call.late",
                "meeting": f"np-{month:02d}{('', 'b', 'c')[n // 12]}",
                "checkpoint": "two_hours" if n % 2 else "half_day",
                "at": f"2019-{month:02d}-{14 + n % 2:02d}T{7 + n % 3:02d}:20:00+08:00",
            }
        )
    for n, kind in enumerate(
        ["conduct.phone", "conduct.whispering", "venue.lighting", "venue.background"]
    ):
        incidents.append(
            {
                "key": f"np-venue-{n}",
                "unit": "350781",
                "type": kind,
                "meeting": f"np-{n + 3:02d}",
                "at": f"2019-{n + 3:02d}-15T09:{10 + n:02d}:00+08:00",
                "note": "会中巡检发现",
            }
        )
    incidents += [
        {
            "key": "np-install",
            "unit": "350781",
            "type": "install.no_tech_staff",
            "at": "2019-05-20T10:00:00+08:00",
            "source": "onsite_inspection",
            "note": "调测期间无人配合",
        },
        {
            "key": "np-crit-1",
            "unit": "350782",
            "type": "criticism.named_by_leader",
            "meeting": "np-07",
            "at": "2019-07-15T10:30:00+08:00",
        },
        {
            "key": "np-own-1",
            "unit": NANPING,
            "type": "roll_call.absent",
            "meeting": "np-02",
            "checkpoint": "half_day",
            "at": "2019-02-14T15:30:00+08:00",
        },
    ]
    full = {"hd_display": True, "audio": True, "cabling": True}
    rooms = [
        {"unit": unit, "name": f"会议室{n}", "at": "2019-01-08T00:00:00+08:00", "equipment": full}
        for unit in (YANPING, "350782")
        for n in (1, 2, 3)
    ] + [
        {
            "unit": "350781",
            "name": "会议室1",
            "at": "2019-01-08T00:00:00+08:00",
            "equipment": {**full, "audio": False},
        }
    ]
    staffing = [
        {"unit": unit, "at": "2019-01-08T00:00:00+08:00", "leaders": ["陈明"], "staff": ["林海"]}
        for unit in (NANPING, YANPING, "350782")
    ] + [{"unit": "350781", "at": "2019-01-08T00:00:00+08:00", "leaders": ["黄华"], "staff": []}]
    return {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "units": [
            {"code": NANPING, "name": "南平市", "level": "city"},
            {"code": YANPING, "name": "延平区", "level": "county", "parent": NANPING},
            {"code": "350781", "name": "邵武市", "level": "county", "parent": NANPING},
            {"code": "350782", "name": "武夷山市", "level": "county", "parent": NANPING},
        ],
        "meetings": meetings,
        "incidents": incidents,
        "rooms": rooms,
        "staffing": staffing,
    }


def venue_frame(tmp_path: Path) -> Path:
    """A synthetic venue snapshot: a conference room, a row of seats, one lit phone screen."""
    frame = np.zeros((360, 640, 3), dtype=np.uint8)
    for y in range(360):
        frame[y, :] = (70 + y // 8, 62 + y // 9, 55 + y // 10)
    cv2.rectangle(frame, (0, 0), (639, 120), (120, 95, 60), thickness=-1)  # the back wall's banner
    cv2.putText(
        frame,
        "MEILIE DISTRICT  2019-06-10 09:40",
        (24, 70),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.9,
        (235, 235, 235),
        2,
    )
    cv2.rectangle(frame, (30, 250), (610, 300), (40, 80, 130), thickness=-1)  # the desks
    for x in range(70, 600, 95):
        cv2.circle(frame, (x, 215), 26, (45, 45, 50), thickness=-1)  # heads
        cv2.rectangle(frame, (x - 32, 238), (x + 32, 262), (50, 50, 60), thickness=-1)
    cv2.rectangle(frame, (253, 242), (271, 256), (255, 250, 210), thickness=-1)  # the phone
    cv2.rectangle(frame, (240, 200), (290, 275), (0, 0, 230), thickness=3)  # the controller's mark
    path = tmp_path / "venue.png"
    cv2.imwrite(str(path), frame)
    return path


@pytest.fixture
def api(app: FastAPI, db: Database, password_hash: str) -> Iterator[TestClient]:
    """An admin's client on the served app (not entered: see tests/browser/test_console.py)."""
    add_account(db, username="setup-admin", role="admin", unit=None, password_hash=password_hash)
    client = TestClient(app)
    yield log_in(client, "setup-admin")
    client.close()


@pytest.fixture
def year(api: TestClient, tmp_path: Path) -> dict[str, Any]:
    """The worked example and 南平市, and a phone incident of 梅列区 with a snapshot."""
    for document in (json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8")), nanping_year()):
        response = api.post("/api/records", json=document)
        assert response.status_code == 201, response.text
    # Objections to 2019 stay open to the tests (by default they closed on 2020-01-31).
    response = api.put("/api/periods/2019", json={"objection_deadline": "2099-12-31"})
    assert response.status_code == 200, response.text
    uploaded = api.post(
        "/api/evidence",
        content=venue_frame(tmp_path).read_bytes(),
        headers={"Content-Type": "image/png"},
    )
    assert uploaded.status_code == 201, uploaded.text
    phone = {
        "unit": MEILIE,
        "type": "conduct.phone",
        "meeting": "m05",
        "at": "2019-06-10T09:40:00+08:00",
        "note": "前排第二座低头玩手机",
        "source": "online_monitoring",
        "evidence": uploaded.json()["evidence"],
    }
    response = api.post("/api/incidents", json=phone, headers={"Idempotency-Key": "rv-phone"})
    assert response.status_code == 201, response.text
    return response.json()


def county_client(app: FastAPI, db: Database, password_hash: str, unit: str) -> TestClient:
    add_account(db, username=f"it-{unit}", role="county_it", unit=unit, password_hash=password_hash)
    return log_in(TestClient(app), f"it-{unit}")


def city_score(api: TestClient, city: str, **params: str) -> str:
    body = api.get("/api/scores", params={"year": "2019", **params}).json()
    (found,) = [c for c in body["cities"] if c["code"] == city]
    return str(found["score"])


def open_review(page: Page, url: str) -> Page:
    page.goto(f"{url}/review")
    expect(page.locator("#review")).not_to_have_attribute("aria-busy", "true")
    return page


def test_a_reviewer_drills_to_the_evidence_and_upholds_an_objection(
    api: TestClient,
    year: dict[str, Any],
    app: FastAPI,
    db: Database,
    password_hash: str,
    person: Any,
    live_server: Any,
) -> None:
    # The running year too, with a criticism of 梅列区 logged now.
    running = datetime.now(SHANGHAI).year
    for each in (running, running + 1):
        assert api.put(f"/api/periods/{each}", json={"edition": "2019"}).status_code == 200
    criticism = {"unit": MEILIE, "type": "criticism.named_by_leader", "note": "会场纪律松散"}
    logged = api.post("/api/incidents", json=criticism, headers={"Idempotency-Key": "rv-crit"})
    assert logged.status_code == 201, logged.text

    county = county_client(app, db, password_hash, MEILIE)
    objections = {}
    for key, reason in (("w24", "当天会场停电，非人员睡觉"), ("rv-crit", "点名批评的是相邻会场")):
        filed = county.post("/api/objections", json={"incident": key, "reason": reason})
        assert filed.status_code == 201, filed.text
        objections[key] = filed.json()
    objection = objections["w24"]
    assert city_score(api, SANMING) == "7.55"  # the worked example's 7.60, less the phone

    page = person("reviewer", username="shen")
    page.goto(f"{live_server.url}/review?year=2019")
    expect(page.locator("#review")).not_to_have_attribute("aria-busy", "true")

    # Two cities, best first, with their binding caps marked.
    cities = page.locator("tr.city-row")
    expect(cities).to_have_count(2)
    expect(cities.nth(0)).to_have_attribute("data-unit", SANMING)
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.55")
    expect(page.locator(f'td[data-score="{NANPING}"]')).to_have_text(city_score(api, NANPING))
    sanming = page.locator(f'tr.city-row[data-unit="{SANMING}"]')
    expect(sanming.locator("td.item-cell.binding")).to_have_count(1)  # roll call: 1.10 over 1.00
    expect(sanming.locator("td.item-cell.binding")).to_contain_text("1.00")
    expect(sanming.locator("td.item-cell.binding")).to_contain_text("0.10")

    # The city opens onto its own venue and its counties, highest deduction first.
    page.click(f'button.toggle[data-city="{SANMING}"]')
    counties = page.locator(f'tr.county-row[data-parent-city="{SANMING}"]')
    expect(counties).to_have_count(3)
    assert [counties.nth(i).get_attribute("data-unit") for i in range(3)] == [
        SANMING,
        MEILIE,
        SANYUAN,
    ]
    expect(counties.nth(1)).to_contain_text("1.50")
    expect(page.locator(f'#queue-table tr[data-objection="{objection["id"]}"]')).to_contain_text(
        "睡觉"
    )
    screenshot(page, "review-dashboard")

    # A county's page: items, monthly chart, incidents filtered down to the one with evidence.
    page.click(f'a.unit-link[data-unit="{MEILIE}"]')
    expect(page.locator("#unit-title")).to_contain_text("梅列区")
    expect(page).to_have_url(re.compile(rf"unit={MEILIE}"))
    expect(page.locator("#monthly-chart")).to_be_visible()
    expect(page.locator("#page-range")).to_have_text("第 1–24 条，共 24 条")
    page.select_option("#filter-item", "venue_order")
    expect(page.locator("#page-range")).to_have_text("第 1–5 条，共 5 条")
    page.select_option("#filter-type", "conduct.phone")
    page.fill("#filter-from", "2019-06-01")
    page.dispatch_event("#filter-from", "change")
    page.select_option("#filter-meeting", "m05")
    rows = page.locator("#incident-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-incident", "rv-phone")
    expect(rows.first).to_contain_text("前排第二座低头玩手机")
    expect(rows.first.locator("img.thumb")).to_be_visible()

    rows.first.locator("button[data-open]").click()
    dialog = page.locator("#incident-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("setup-admin")
    expect(dialog).to_contain_text("在线监测")
    expect(dialog).to_contain_text("未作废")
    thumb = dialog.locator("#evidence-thumb")
    expect(thumb).to_be_visible()
    page.wait_for_function("() => document.querySelector('#evidence-thumb').naturalWidth > 0")
    page.screenshot(path=str(SCREENSHOTS / "review-incident.png"))  # the dialog, as seen
    thumb.click()
    large = page.locator("#evidence-large")
    expect(large).to_be_visible()
    page.wait_for_function("() => document.querySelector('#evidence-large').naturalWidth === 640")
    large.click()
    expect(large).to_be_hidden()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Back on the dashboard, the objection is upheld; the city's score changes on the page.
    page.click("#back-home")
    queued = page.locator(f'#queue-table tr[data-objection="{objection["id"]}"]')
    queued.locator('button[data-rule="uphold"]').click()
    page.fill("#ruling-reason", "经核实当日停电，申诉成立")
    page.click("#ruling-confirm")
    # The standings are known now by default (the register stays 2019's year-end one): the
    # objection upheld today removes the deduction at once.
    notice = page.locator("#review-notice")
    expect(notice).to_contain_text(f"#{objection['id']}")
    expect(queued).to_have_count(0)
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.60")
    # Asked at 2019's last second, before the ruling, the deduction still counts.
    assert city_score(api, SANMING, as_of="2019-12-31T23:59:59+08:00") == "7.55"
    voided = api.get("/api/incidents/w24").json()
    assert voided["voided"]["by"] == "shen"
    assert f"#{objection['id']}" in voided["voided"]["reason"]
    assert voided["objections"][0]["status"] == "upheld"

    # In the running year the default moment is now: upholding changes the score at once.
    page.select_option("#year-select", str(running))
    before = city_score(api, SANMING, year=str(running))
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text(before)
    queued = page.locator(f'#queue-table tr[data-objection="{objections["rv-crit"]["id"]}"]')
    queued.locator('button[data-rule="uphold"]').click()
    page.fill("#ruling-reason", "经核实，批评的是相邻会场")
    page.click("#ruling-confirm")
    expect(page.locator("#queue-empty")).to_be_visible()
    after = city_score(api, SANMING, year=str(running))
    assert Decimal(after) - Decimal(before) == Decimal("0.50")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text(after)
    page.select_option("#year-select", "2019")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.60")

    # The standings at an earlier moment: the picker asks the server again.
    page.fill("#as-of-input", "2019-01-31T23:59:59")
    page.click("#as-of-apply")
    january = city_score(api, SANMING, as_of="2019-01-31T23:59:59+08:00")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text(january)
    expect(page).to_have_url(re.compile(r"as_of=2019-01-31T23%3A59%3A59%2B08%3A00"))
    page.click("#as-of-reset")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.60")

    # English is a click away, and the numbers stay.
    page.click("header.shell button[data-i18n='lang.switch']")
    expect(page.locator("#standings-title")).to_have_text("City standings")
    expect(page.locator(f'td[data-score="{SANMING}"]')).to_have_text("7.60")
    page.click("header.shell button[data-i18n='lang.switch']")
    expect(page.locator("#standings-title")).to_have_text("设区市得分")

    # Exports are offered for the year; the print view is the report, one page per city.
    expect(page.locator("#export-xlsx")).to_have_attribute(
        "href", "/api/exports/standings.xlsx?year=2019"
    )
    expect(page.locator("#export-csv")).to_have_attribute(
        "href", "/api/exports/incidents.csv?year=2019"
    )
    expect(page.locator("#export-json")).to_have_attribute("href", "/api/records?year=2019")
    page.emulate_media(media="print")
    pages = page.locator("#report .report-page")
    expect(pages).to_have_count(2)
    expect(pages.nth(0)).to_be_visible()
    expect(pages.nth(0)).to_contain_text("三明市")
    expect(pages.nth(0)).to_contain_text("7.60")
    expect(page.locator("#standings-table")).to_be_hidden()
    assert pages.nth(0).evaluate("e => getComputedStyle(e).breakAfter") == "page"
    screenshot(page, "review-print")
    pdf = SCREENSHOTS.parent / "review-print.pdf"
    try:
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    except Exception as error:  # only some Chromium builds print to PDF
        print(f"page.pdf() is not available here: {error}")
    else:  # one page per city
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())) == 2
    page.emulate_media(media="screen")


def test_a_county_sees_only_its_own_county_and_files_an_objection(
    api: TestClient, year: dict[str, Any], person: Any, live_server: Any
) -> None:
    page = open_review(person("county_it", unit=MEILIE, username="meilie-it"), live_server.url)

    expect(page.locator("#unit-title")).to_contain_text("梅列区")
    expect(page.locator("#unit-deduction")).to_have_text("1.50")
    expect(page.locator("#overview")).to_be_hidden()
    expect(page.locator("#exports")).to_be_hidden()
    for other in ("三元区", "南平市", "延平区", "邵武市"):
        expect(page.locator("body")).not_to_contain_text(other)
    expect(page.locator("#page-range")).to_have_text("第 1–24 条，共 24 条")

    row = page.locator('#incident-table tr[data-incident="w25"]')
    row.locator("button[data-object]").click()
    expect(page.locator("#objection-reason")).to_be_focused()
    page.fill("#objection-reason", "当天网络故障，画面卡顿，并非人员睡觉")
    page.click("#objection-submit")
    expect(page.locator("#review-notice")).to_contain_text("已提交申诉")
    dialog = page.locator("#incident-dialog")
    expect(dialog.locator('li.objection[data-status="open"]')).to_contain_text("当天网络故障")
    expect(dialog.locator("#objection-form")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(row).to_contain_text("申诉中")
    expect(row.locator("button[data-object]")).to_have_count(0)
    expect(page.locator('#my-objections li[data-status="open"]')).to_contain_text(
        "梅列区 · 睡觉 · "
    )
    screenshot(page, "review-county")

    queue = api.get("/api/objections", params={"status": "open"}).json()["items"]
    assert [(o["incident"], o["unit"], o["filed_by"]) for o in queue] == [
        ("w25", MEILIE, "meilie-it")
    ]
    # The county's API view is its own county too.
    assert (
        page.request.get(f"{live_server.url}/api/incidents?unit={SANYUAN}&year=2019").json()[
            "total"
        ]
        == 0
    )
