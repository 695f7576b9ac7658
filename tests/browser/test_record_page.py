"""The record page: every item of the edition recorded and voided from a page, and meetings
corrected and cancelled — in headless Chromium."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE
from tests.security.support import encoded

SHANGHAI = ZoneInfo("Asia/Shanghai")


def prepare(client: TestClient) -> None:
    worked = json.loads(WORKED_EXAMPLE.read_text())
    assert client.post("/api/records", json=worked).status_code == 201


def base(page: Any) -> str:
    return page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]


def test_a_reviewer_records_installation_and_criticism_with_evidence_and_voids_one(
    client: TestClient, person: Any, tmp_path: Path
) -> None:
    prepare(client)
    page = person("reviewer", display_name="王审核")
    page.goto(base(page) + "/record")
    page.wait_for_selector(
        "#record-form select[name=type] option[value='install.no_tech_staff']", state="attached"
    )
    assert page.input_value("#year") == "2019"
    image = tmp_path / "evidence.png"
    image.write_bytes(encoded(".png"))

    form = page.locator("#record-form")
    form.locator("select[name=unit]").select_option("350402")
    form.locator("select[name=type]").select_option("install.skipped_joint_debug")
    assert form.locator("select[name=source]").input_value() == "onsite_inspection"
    form.locator("input[name=at]").fill("2019-06-01T10:00")
    form.locator("textarea[name=note]").fill("未参加全省大联调")
    form.locator("input[name=evidence]").set_input_files(str(image))
    form.locator("textarea[name=note]").press("Control+Enter")
    page.wait_for_function(
        "() => document.querySelector('#status').textContent.startsWith('已记录')"
    )
    assert "梅列区 · 无故不参加全省性大联调" in (page.text_content("#status") or "")

    form.locator("select[name=unit]").select_option("350403")
    form.locator("select[name=type]").select_option("criticism.named_by_leader")
    form.locator("input[name=at]").fill("2019-07-02T15:00")
    form.locator("button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('三元区')")
    screenshot(page, "record-reviewer")

    stored = client.get(
        "/api/incidents",
        params={
            "year": 2019,
            "type": "install.skipped_joint_debug",
            "unit": "350402",
            "source": "onsite_inspection",
        },
    ).json()
    recorded = [i for i in stored["items"] if i["note"] == "未参加全省大联调"]
    assert len(recorded) == 1 and recorded[0]["evidence"]
    assert recorded[0]["logged_by_name"] == "王审核"
    named = client.get("/api/incidents", params={"type": "criticism.named_by_leader"}).json()
    assert named["total"] == 1

    line = page.locator("#recent li", has_text="三元区 · 被省政府领导点名批评")
    line.get_by_role("button").click()
    page.fill("#reason-form input[name=reason]", "误记")
    page.click("#reason-form button[type=submit]")
    page.wait_for_selector("#recent li:has-text('已作废：误记（王审核）')")
    named = client.get("/api/incidents", params={"type": "criticism.named_by_leader"}).json()
    assert named["items"][0]["voided"]["reason"] == "误记"


def test_a_controller_sees_meeting_types_only_and_corrects_then_cancels_a_meeting(
    client: TestClient, person: Any
) -> None:
    prepare(client)
    # A meeting of today, in a year with a period: a roll-call mark is timed in it.
    today = datetime.now(SHANGHAI).replace(hour=9, minute=0, second=0, microsecond=0)
    assert client.put(f"/api/periods/{today.year}", json={"edition": "2019"}).status_code == 200
    meeting = {"key": "m00", "title": "全省视频会议", "starts_at": today.isoformat()}
    assert client.post("/api/meetings", json={**meeting, "key": "today"}).status_code == 201
    mark = client.put("/api/meetings/today/roll-call/half_day/350402", json={"status": "absent"})
    assert mark.status_code == 200, mark.text
    page = person("controller", display_name="李主控")
    page.goto(base(page) + "/record")
    page.wait_for_selector(
        "#record-form select[name=type] option[value='conduct.phone']", state="attached"
    )
    offered = page.eval_on_selector_all(
        "#record-form select[name=type] option", "options => options.map(o => o.value)"
    )
    assert "install.no_tech_staff" not in offered and "criticism.named_by_leader" not in offered

    title = "全省视频会议"
    row = page.locator("#meetings tr", has_text=title)
    row.get_by_role("button", name="修改会议").click()
    page.fill("#edit-form input[name=title]", "全省安全生产电视电话会议（更正）")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("#meetings td:has-text('全省安全生产电视电话会议（更正）')")
    assert client.get("/api/meetings/today").json()["title"] == "全省安全生产电视电话会议（更正）"

    row = page.locator("#meetings tr", has_text="全省安全生产电视电话会议（更正）")
    row.get_by_role("button", name="取消会议").click()
    page.fill("#reason-form input[name=reason]", "会议延期")
    page.click("#reason-form button[type=submit]")
    page.wait_for_selector("#meetings td:has-text('已取消：会议延期（李主控）')")
    screenshot(page, "record-controller-meetings")
    live = client.get(
        "/api/incidents", params={"meeting": "today", "voided": "false", "item": "roll_call"}
    ).json()
    assert live["total"] == 0
    assert "today" not in [m["key"] for m in client.get("/api/meetings").json()["items"]]
