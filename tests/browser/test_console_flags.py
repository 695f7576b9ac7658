"""The console's frame-check flags panel in headless Chromium: frames posted by a grabber raise a
flag that appears live with its snapshot; one key confirms it (one incident, in the timeline),
another dismisses one (no incident); an offline source shows as such, never as a suggestion."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from app.db.engine import Database
from app.services import venues
from app.services.frame_watch import SAMPLER
from tests.browser.conftest import screenshot
from tests.conftest import add_account, log_in
from tests.fixtures import WORKED_EXAMPLE

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEETING = "flags-test"
BLACK_VENUE = "350402"  # 梅列区
DARK_VENUE = "350403"  # 三元区
OFFLINE_VENUE = "350400"  # 三明市


@pytest.fixture
def api(app: FastAPI, db: Database, password_hash: str) -> Iterator[TestClient]:
    """An admin's client on the served app and database, not entered as a context manager (that
    would run the app's lifespan a second time beside the live server's)."""
    add_account(db, username="setup-admin", role="admin", unit=None, password_hash=password_hash)
    client = TestClient(app)
    yield log_in(client, "setup-admin")
    client.close()


@pytest.fixture
def meeting(api: TestClient) -> str:
    """The worked example's units, a 2019-edition period for this year and a meeting that started
    half an hour ago (the meeting in progress, which flags attach to)."""
    response = api.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8")))
    assert response.status_code == 201, response.text
    now = datetime.now(SHANGHAI)
    response = api.put(f"/api/periods/{now.year}", json={"edition": "2019"})
    assert response.status_code == 200, response.text
    starts = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    body = {"key": MEETING, "title": "全省安全生产电视电话会议", "starts_at": starts.isoformat()}
    response = api.post("/api/meetings", json=body)
    assert response.status_code == 201, response.text
    return MEETING


def png(frame: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", frame)
    assert ok
    return bytes(encoded.tobytes())


def normal_frame() -> np.ndarray:
    """A lit room: a bright window and a row of desks."""
    frame = np.full((360, 640, 3), (70, 62, 55), dtype=np.uint8)
    cv2.rectangle(frame, (40, 40), (220, 180), (230, 225, 210), thickness=-1)
    for x in range(60, 600, 110):
        cv2.rectangle(frame, (x, 250), (x + 80, 300), (30, 70, 120), thickness=-1)
    return frame


def black_frame() -> np.ndarray:
    return np.zeros((360, 640, 3), dtype=np.uint8)


def dark_frame() -> np.ndarray:
    """Dim but not black: the lights are off in a room with a faint window."""
    frame = np.full((360, 640, 3), 38, dtype=np.uint8)
    cv2.rectangle(frame, (40, 40), (220, 180), (70, 70, 70), thickness=-1)
    return frame


def post_frames(api: TestClient, code: str, frames: list[np.ndarray]) -> list[str]:
    raised: list[str] = []
    for frame in frames:
        response = api.post(
            f"/api/venues/{code}/frames", content=png(frame), headers={"Content-Type": "image/png"}
        )
        assert response.status_code == 200, response.text
        raised = response.json()["flags"]
    return raised


def open_flags(api: TestClient, status: str = "open") -> list[dict[str, Any]]:
    response = api.get("/api/flags", params={"status": status, "meeting": MEETING})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def incidents_of(api: TestClient) -> list[dict[str, Any]]:
    response = api.get("/api/incidents", params={"meeting": MEETING, "limit": 500})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def open_console(page: Page) -> Page:
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")
    expect(page.locator("#meeting-select")).to_have_value(MEETING)
    return page


def flag_row(page: Page, unit: str, kind: str) -> Any:
    return page.locator(f'#flags .flag-row[data-unit="{unit}"][data-kind="{kind}"]')


def test_flags_are_confirmed_and_dismissed_from_the_keyboard(
    api: TestClient, meeting: str, person: Any, db: Database
) -> None:
    venues.set_status(
        db, actor=SAMPLER, unit_code=OFFLINE_VENUE, status="offline", at=datetime.now(SHANGHAI)
    )
    page = open_console(person("controller", username="zhang"))
    page.keyboard.press("Shift+3")
    expect(page.locator(".composer")).to_be_visible()
    expect(page.locator("#flags .flags-empty")).to_be_visible()

    # The offline source: a grey badge in the venue list and the panel's head, and no flag.
    expect(page.locator(f'.venue-item[data-unit="{OFFLINE_VENUE}"] .signal-badge')).to_have_text(
        "信号源离线"
    )
    expect(page.locator("#flags .flags-head .signal-badge")).to_have_text("信号源离线 1")
    expect(page.locator(f'.venue-item[data-unit="{BLACK_VENUE}"] .signal-badge')).to_have_count(0)

    # One good frame, then black ones: the flag comes live, with its snapshot.
    assert post_frames(api, BLACK_VENUE, [normal_frame()]) == []
    post_frames(api, BLACK_VENUE, [black_frame(), black_frame(), black_frame()])
    flags = open_flags(api)
    assert [(f["unit"], f["kind"]) for f in flags] == [(BLACK_VENUE, "black")]
    black = flags[0]
    assert black["meeting"] == MEETING and black["snapshot"]
    row = flag_row(page, BLACK_VENUE, "black")
    expect(row).to_have_count(1)
    expect(row.locator(".flag-venue")).to_have_text("梅列区")
    expect(row.locator(".flag-kind")).to_have_text("黑屏/无画面")
    expect(row.locator('.metric[data-metric="black_share"]')).to_contain_text("黑色占比 100%")
    expect(row.locator('.metric[data-metric="luma_mean"]')).to_contain_text("亮度 0.0")
    thumb = row.locator(".flag-thumb img")
    expect(thumb).to_have_attribute("src", f"/api/evidence/{black['snapshot']}")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    # Its thumbnail opens larger.
    thumb.click()
    expect(page.locator("#flag-image-dialog img")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#flag-image-dialog")).not_to_be_visible()

    # A second venue goes dark.
    post_frames(api, DARK_VENUE, [normal_frame(), dark_frame(), dark_frame()])
    dark_flags = [f for f in open_flags(api) if f["unit"] == DARK_VENUE]
    assert [f["kind"] for f in dark_flags] == ["dark"]
    dark = flag_row(page, DARK_VENUE, "dark")
    expect(dark).to_have_count(1)
    expect(dark.locator(".flag-kind")).to_have_text("画面过暗")
    expect(page.locator("#flags .flags-count")).to_have_text("待处理 2")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#flags .flag-thumb img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    screenshot(page, "console-flags")

    # ⇧F enters the panel on the newest flag (the dark one); J moves to the black one; Y confirms.
    page.keyboard.press("Shift+F")
    expect(dark).to_have_class(r"flag-row selected")
    expect(dark).to_be_focused()
    page.keyboard.press("j")
    expect(row).to_have_class(r"flag-row selected")
    page.keyboard.press("y")
    expect(row).to_have_count(0)
    expect(page.locator("#flags .flags-count")).to_have_text("待处理 1")
    incidents = incidents_of(api)
    assert len(incidents) == 1, incidents
    incident = incidents[0]
    assert incident["type"] == "venue.poor_picture"
    assert incident["unit"] == BLACK_VENUE
    assert incident["evidence"] == black["snapshot"]
    confirmed = api.get(f"/api/flags/{black['id']}").json()
    assert confirmed["status"] == "confirmed" and confirmed["decided_by"] == "zhang"
    assert confirmed["incident"] == incident["key"]
    tl = page.locator(
        f'.tl-row.incident[data-unit="{BLACK_VENUE}"][data-type="venue.poor_picture"]'
    )
    expect(tl).to_have_count(1)
    expect(tl.locator(".evidence-link")).to_have_attribute(
        "href", f"/api/evidence/{black['snapshot']}"
    )
    # The Y went to the panel, not to the palette's 画面偏转 key.
    expect(page.locator('.tl-row.incident[data-type="venue.tilted_picture"]')).to_have_count(0)

    # The remaining flag is selected and still focused: X dismisses it, and no incident is made.
    expect(dark).to_have_class(r"flag-row selected")
    expect(dark).to_be_focused()
    page.keyboard.press("x")
    expect(dark).to_have_count(0)
    expect(page.locator("#flags .flags-empty")).to_be_visible()
    dismissed = api.get(f"/api/flags/{dark_flags[0]['id']}").json()
    assert dismissed["status"] == "dismissed" and dismissed["incident"] is None
    assert len(incidents_of(api)) == 1
    expect(page.locator(".tl-row.incident")).to_have_count(1)

    # Esc goes back to tagging.
    page.keyboard.press("Escape")
    expect(page.locator(".composer")).to_be_focused()

    # The keys are in the help overlay.
    page.keyboard.press("?")
    help_dialog = page.locator("#help-dialog")
    expect(help_dialog).to_contain_text("画面检测提示")
    expect(help_dialog).to_contain_text("确认：记为扣分记录（附截图）")
    screenshot(page, "console-flags-help")
    page.keyboard.press("Escape")


def test_a_flag_decided_elsewhere_leaves_the_panel(
    api: TestClient, meeting: str, person: Any
) -> None:
    page = open_console(person("controller", username="li"))
    post_frames(api, BLACK_VENUE, [normal_frame(), black_frame(), black_frame()])
    row = flag_row(page, BLACK_VENUE, "black")
    expect(row).to_have_count(1)
    flag = open_flags(api)[0]
    response = api.post(f"/api/flags/{flag['id']}/confirm", json={})
    assert response.status_code == 200, response.text
    expect(row).to_have_count(0)
    expect(
        page.locator(f'.tl-row.incident[data-unit="{BLACK_VENUE}"][data-type="venue.poor_picture"]')
    ).to_have_count(1)
    # A reload lists only what is still open.
    page.reload()
    open_console(page)
    expect(page.locator("#flags .flags-empty")).to_be_visible()
    # A decided flag cannot be decided twice.
    assert api.post(f"/api/flags/{flag['id']}/dismiss", json={}).status_code == 409
