"""The venues page: a controller sets a venue's reference frame from its current picture."""

from __future__ import annotations

import json
from typing import Any

import cv2
import numpy as np
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE


def picture() -> bytes:
    frame = np.full((360, 640, 3), 150, np.uint8)
    cv2.rectangle(frame, (100, 120), (540, 300), (60, 90, 150), -1)
    cv2.putText(frame, "350402", (220, 230), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
    ok, encoded = cv2.imencode(".png", frame)
    assert ok
    return encoded.tobytes()


def test_controller_takes_the_current_picture_as_reference(client: TestClient, person: Any) -> None:
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    posted = client.post(
        "/api/venues/350402/frames", content=picture(), headers={"Content-Type": "image/png"}
    )
    assert posted.status_code == 200
    page = person("controller")
    page.goto(page.url.split("/console")[0] + "/venues")
    page.click("tr[data-unit='350402']")
    page.wait_for_selector("#sample-image:not([hidden])")
    assert "在线" in (page.text_content("tr[data-unit='350402']") or "")
    page.click("#take-reference")
    page.wait_for_selector("#reference-image:not([hidden])")
    page.wait_for_function("() => document.querySelector('#reference-image').naturalWidth > 0")
    screenshot(page, "venues-reference")
    venue = client.get("/api/venues/350402").json()
    assert venue["reference"]
    assert venue["reference_set_by"].startswith("controller")


def _wav(samples: Any) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def test_flags_outside_a_meeting_are_confirmed_from_the_inbox(
    client: TestClient, person: Any
) -> None:
    from datetime import UTC, datetime

    from app.timezone import assessment_year
    from tests.frame_checks import audio_support as sound

    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    year = assessment_year(datetime.now(UTC))
    assert client.put(f"/api/periods/{year}", json={"edition": "2019"}).status_code == 200
    # No meeting on: chatter from 梅列区, which listens muted, is a flag for the inbox.
    pushed = client.post(
        "/api/venues/350402/audio",
        content=_wav(sound.speech(3.0)),
        headers={"Content-Type": "audio/wav"},
    )
    assert pushed.status_code == 200, pushed.text
    (flag,) = client.get("/api/flags", params={"outside_meeting": "true"}).json()["items"]

    page = person("controller")
    page.goto(page.url.split("/console")[0] + "/venues")
    row = page.locator(f'#inbox .inbox-flag[data-flag="{flag["id"]}"]')
    row.wait_for()
    assert "梅列区 · 静音时有声音外泄" in (row.text_content() or "")
    assert row.locator("audio").get_attribute("src") == f"/api/evidence/{flag['clip']}"
    # Nothing pushed for 三元区 and no address: not "外部推送".
    assert "未配置" in (page.text_content("tr[data-unit='350403']") or "")
    assert "外部推送" not in (page.text_content("tr[data-unit='350403']") or "")
    # With no picture yet, 以当前画面为基准帧 is disabled and looks it.
    page.click("tr[data-unit='350403']")
    take = page.locator("#take-reference")
    assert take.is_disabled()
    assert take.evaluate("(b) => getComputedStyle(b).opacity") == "0.5"
    screenshot(page, "venues-inbox")

    row.locator("[data-action=confirm]").click()
    page.locator("#inbox-status").wait_for()
    assert page.text_content("#inbox-status") == "已记为扣分记录"
    page.locator("#inbox .inbox-flag").wait_for(state="detached")
    decided = client.get(f"/api/flags/{flag['id']}").json()
    assert decided["status"] == "confirmed"
    incident = client.get(f"/api/incidents/{decided['incident']}").json()
    assert (incident["type"], incident["meeting"], incident["evidence"]) == (
        "venue.interference",
        None,
        flag["clip"],
    )


def test_an_admin_saving_a_source_is_told_it_was_saved(
    client: TestClient, person: Any, settings: Settings
) -> None:
    settings.source_allowed_hosts = ["cam.example"]  # the admin's allow-list of camera hosts
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    page = person("admin")
    page.goto(page.url.split("/admin")[0].split("/console")[0] + "/venues")
    page.click("tr[data-unit='350403']")
    page.fill("#source-form input[name=url]", "rtsp://cam.example/venue")
    page.uncheck("#source-form input[name=enabled]")
    page.click("#source-form button[type=submit]")
    page.wait_for_selector("#detail-status:not([hidden])")
    assert page.text_content("#detail-status") == "信号源设置已保存"
    assert client.get("/api/venues/350403").json()["url"] == "rtsp://cam.example/venue"
