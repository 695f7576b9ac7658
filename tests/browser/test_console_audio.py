"""The console's venue sound in headless Chromium: a controller switches a venue's audio state
and another console follows live; sound from a muted venue raises a flag with a playable clip,
confirmed with one key into a 无关音视频干扰 incident."""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from app.db.engine import Database
from tests.browser.conftest import screenshot
from tests.conftest import add_account, log_in
from tests.fixtures import WORKED_EXAMPLE
from tests.frame_checks import audio_support as sound

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEETING = "audio-test"
MUTED_VENUE = "350403"  # 三元区
SPEAKING_VENUE = "350402"  # 梅列区


@pytest.fixture
def api(app: FastAPI, db: Database, password_hash: str) -> Iterator[TestClient]:
    add_account(db, username="setup-admin", role="admin", unit=None, password_hash=password_hash)
    client = TestClient(app)
    yield log_in(client, "setup-admin")
    client.close()


@pytest.fixture
def meeting(api: TestClient) -> str:
    response = api.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8")))
    assert response.status_code == 201, response.text
    now = datetime.now(SHANGHAI)
    assert api.put(f"/api/periods/{now.year}", json={"edition": "2019"}).status_code == 200
    starts = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    body = {"key": MEETING, "title": "全省防汛工作视频会议", "starts_at": starts.isoformat()}
    assert api.post("/api/meetings", json=body).status_code == 201
    return MEETING


def wav(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def open_console(page: Page) -> Page:
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")
    expect(page.locator("#meeting-select")).to_have_value(MEETING)
    return page


def choice(page: Page, unit: str, state: str) -> Any:
    return page.locator(f'#audio-states .audio-venue[data-unit="{unit}"] [data-state="{state}"]')


def test_audio_state_is_switched_live_and_a_leak_is_confirmed_with_its_clip(
    api: TestClient, meeting: str, person: Any
) -> None:
    zhang = open_console(person("controller", username="zhang"))
    li = open_console(person("controller", username="li"))
    expect(choice(zhang, SPEAKING_VENUE, "muted")).to_have_attribute("aria-pressed", "true")

    choice(zhang, SPEAKING_VENUE, "speaking").click()
    expect(choice(zhang, SPEAKING_VENUE, "speaking")).to_have_attribute("aria-pressed", "true")
    expect(choice(li, SPEAKING_VENUE, "speaking")).to_have_attribute("aria-pressed", "true")
    assert api.get(f"/api/venues/{SPEAKING_VENUE}").json()["audio_state"] == "speaking"

    # Chatter from a venue that listens muted: a leak flag with its clip.
    for seed in (1, 2):
        response = api.post(
            f"/api/venues/{MUTED_VENUE}/audio",
            content=wav(sound.speech(1.0, seed=seed)),
            headers={"Content-Type": "audio/wav"},
        )
        assert response.status_code == 200, response.text
    (flag,) = api.get("/api/flags", params={"status": "open", "meeting": MEETING}).json()["items"]
    assert flag["kind"] == "leak" and flag["clip"]
    row = zhang.locator(f'#flags .flag-row[data-unit="{MUTED_VENUE}"][data-kind="leak"]')
    expect(row).to_have_count(1)
    expect(row.locator(".flag-kind")).to_have_text("静音时有声音外泄")
    player = row.locator("audio.flag-clip")
    expect(player).to_have_attribute("src", f"/api/evidence/{flag['clip']}")
    zhang.wait_for_function(
        "(audio) => { audio.preload = 'auto'; audio.load(); return true; }",
        arg=player.element_handle(),
    )
    zhang.wait_for_function("(audio) => audio.duration > 1.9", arg=player.element_handle())
    screenshot(zhang, "console-audio")

    zhang.keyboard.press("Shift+F")
    expect(row).to_have_class(r"flag-row selected")
    zhang.keyboard.press("y")
    expect(row).to_have_count(0)
    incidents = api.get("/api/incidents", params={"meeting": MEETING}).json()["items"]
    assert [(i["unit"], i["type"], i["evidence"]) for i in incidents] == [
        (MUTED_VENUE, "venue.interference", flag["clip"])
    ]
    expect(
        li.locator(f'.tl-row.incident[data-unit="{MUTED_VENUE}"][data-type="venue.interference"]')
    ).to_have_count(1)


def test_a_silent_venue_in_testing_is_noted_against_its_audio_equipment(
    api: TestClient, meeting: str, person: Any
) -> None:
    zhang = open_console(person("controller", username="zhang"))
    choice(zhang, SPEAKING_VENUE, "testing").click()
    expect(choice(zhang, SPEAKING_VENUE, "testing")).to_have_attribute("aria-pressed", "true")
    response = api.post(
        f"/api/venues/{SPEAKING_VENUE}/audio",
        content=wav(sound.silence(6.0)),
        headers={"Content-Type": "audio/wav"},
    )
    assert response.status_code == 200, response.text
    (flag,) = api.get("/api/flags", params={"status": "open", "meeting": MEETING}).json()["items"]
    assert flag["kind"] == "silent"
    row = zhang.locator(f'#flags .flag-row[data-unit="{SPEAKING_VENUE}"][data-kind="silent"]')
    expect(row).to_have_count(1)

    zhang.keyboard.press("Shift+F")
    zhang.keyboard.press("y")
    expect(row).to_have_count(0)
    expect(zhang.locator(".toast.ok").filter(has_text="已确认")).to_contain_text("音频设备备注")
    assert api.get("/api/incidents", params={"meeting": MEETING}).json()["items"] == []
