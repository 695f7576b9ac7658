"""The county register page in headless Chromium."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.timezone import assessment_year
from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE


def prepare(client: TestClient) -> None:
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    year = assessment_year(datetime.now(UTC))
    assert client.put(f"/api/periods/{year}", json={"edition": "2019"}).status_code == 200


def test_county_user_fixes_missing_audio_and_sees_the_deduction_drop(
    client: TestClient, person: Any
) -> None:
    prepare(client)
    page = person("county_it", unit="350402")
    page.goto(page.url.split("/county")[0] + "/county")
    page.wait_for_selector(".room")
    # 梅列区: room 2 lacks audio (−0.10), room 3 lacks display and cabling (−0.20).
    assert page.text_content("#loss-total") == "−0.30"
    audio = page.locator(".room[data-room='会议室2'] input[data-equipment=audio]")
    assert not audio.is_checked()
    audio.check()
    page.wait_for_function("() => document.querySelector('#loss-total').textContent === '−0.20'")
    screenshot(page, "county-register")
    page.click("#save")
    page.wait_for_selector("#status.ok")
    assert page.text_content("#loss-total") == "−0.20"
    page.reload()
    page.wait_for_selector(".room")
    assert page.text_content("#loss-total") == "−0.20"
    # The history comes in a request of its own after the rooms: wait for it.
    page.wait_for_function(
        "() => document.querySelector('#history').textContent.includes('音频设备')"
    )
    standings = client.get("/api/scores", params={"year": assessment_year(datetime.now(UTC))})
    county = standings.json()["cities"][0]["counties"][0]
    equipment = next(i for i in county["items"] if i["code"] == "room_equipment")
    assert equipment["raw"] == "0.20"


def test_a_stale_save_is_refused_with_a_clear_message(client: TestClient, person: Any) -> None:
    prepare(client)
    page = person("county_it", unit="350403")
    page.goto(page.url.split("/county")[0] + "/county")
    page.wait_for_selector(".room")
    version = client.get("/api/units/350403/register").json()["version"]
    body = {
        "rooms": [
            {"name": "会议室1", "equipment": {"hd_display": True, "audio": True, "cabling": True}}
        ],
        "staffing": {"leaders": ["王五"], "staff": ["钱七"]},
    }
    saved = client.put(
        "/api/units/350403/register", json=body, headers={"If-Match": f'"{version}"'}
    )
    assert saved.status_code == 200
    page.click("#add-room")
    page.locator("#rooms .room header input").last.fill("会议室4")
    page.click("#save")
    page.wait_for_selector("#save-error button")
    assert "重新载入" in (page.text_content("#save-error") or "")


def test_a_new_room_must_be_named_and_the_items_explain_themselves(
    client: TestClient, person: Any
) -> None:
    prepare(client)
    page = person("county_it", unit="350402")
    page.goto(page.url.split("/county")[0] + "/county")
    page.wait_for_selector(".room")
    losses = page.text_content("#losses") or ""
    assert "每间会议室需有高清显示设备、音频设备和网络综合布线，每缺一项扣 0.10 分" in losses
    assert "会议室2 缺少音频设备" in losses
    assert "−0.00" not in losses
    rooms_before = client.get("/api/units/350402/register").json()["rooms"]
    page.click("#add-room")
    page.click("#save")
    assert page.text_content("#save-error") == "新增的会议室需要先填写名称。"
    assert client.get("/api/units/350402/register").json()["rooms"] == rooms_before
    assert page.eval_on_selector_all("#source option", "os => os.map(o => o.value)") == [
        "self_report"
    ]
    page.locator("#rooms .room header input").last.fill("区政府4号会议室")
    page.locator(".room[data-room=''] input[data-equipment=audio]").check()
    page.click("#save")
    page.wait_for_selector("#status.ok")
    page.wait_for_function(
        "() => document.querySelector('#history').textContent.includes('区政府4号')"
    )
    history = page.text_content("#history") or ""
    assert "新增会议室“区政府4号会议室”，缺少高清显示设备、网络综合布线" in history
    screenshot(page, "county-explained")
