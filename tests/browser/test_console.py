"""The meeting console in headless Chromium: live tags across consoles, a keyboard-only roll call,
tagging offline, undo — and screenshots of both modes."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Page, Route, expect

from app.db.engine import Database
from tests.browser.conftest import screenshot
from tests.conftest import add_account, log_in
from tests.fixtures import WORKED_EXAMPLE

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY = "350400"
# 三明市's other county-level units (DESIGN §2); the worked example brings 梅列区 and 三元区.
MORE_COUNTIES = {
    "350421": "明溪县",
    "350423": "清流县",
    "350424": "宁化县",
    "350425": "大田县",
    "350426": "尤溪县",
    "350427": "沙县",
    "350428": "将乐县",
    "350429": "泰宁县",
    "350430": "建宁县",
    "350481": "永安市",
}
# The console numbers venues city first, then its counties by code.
VENUES = [CITY, "350402", "350403", *MORE_COUNTIES]
MEETING = "console-test"


@pytest.fixture
def api(app: FastAPI, db: Database, password_hash: str) -> Iterator[TestClient]:
    """An admin's client on the served app and database.

    Not entered as a context manager: entering would run the app's lifespan a second time beside
    the live server's, moving the event hub to the test client's loop (and, on PostgreSQL,
    starting a second notice listener)."""
    add_account(db, username="setup-admin", role="admin", unit=None, password_hash=password_hash)
    client = TestClient(app)
    yield log_in(client, "setup-admin")
    client.close()


@pytest.fixture
def meeting(api: TestClient) -> str:
    """三明市 and its 12 counties, the worked example's records, a 2019-edition period for this
    year (and the next, for a run across New Year) and two meetings today: the console opens the
    first."""
    worked_example = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    response = api.post("/api/records", json=worked_example)
    assert response.status_code == 201, response.text
    today = datetime.now(SHANGHAI)
    for year in (today.year, today.year + 1):
        response = api.put(f"/api/periods/{year}", json={"edition": "2019"})
        assert response.status_code == 200, response.text
    for code, name in MORE_COUNTIES.items():
        unit = {"code": code, "name": name, "level": "county", "parent": CITY}
        response = api.post("/api/units", json=unit)
        assert response.status_code == 201, response.text
    day = today.date().isoformat()
    for key, title, time in (
        ("console-later", "全省防汛工作视频会议", "15:30"),
        (MEETING, "全省安全生产电视电话会议", "08:30"),
    ):
        body = {"key": key, "title": title, "starts_at": f"{day}T{time}:00+08:00"}
        response = api.post("/api/meetings", json=body)
        assert response.status_code == 201, response.text
    return MEETING


def incidents_of(api: TestClient, meeting: str) -> list[dict[str, Any]]:
    response = api.get("/api/incidents", params={"meeting": meeting, "limit": 500})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def open_console(page: Page) -> Page:
    """A controller lands on the console after logging in; wait until it is live."""
    expect(page).to_have_url(re.compile(r"/console"))
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")
    expect(page.locator("#meeting-select")).to_have_value(MEETING)
    return page


def incident_mode(page: Page) -> None:
    page.keyboard.press("Shift+3")
    expect(page.locator(".composer")).to_be_visible()


def tag(page: Page, venue_number: int, type_key: str) -> None:
    """Venue by its number on the keyboard, then the type's key."""
    for digit in str(venue_number):
        page.keyboard.press(digit)
    expect(page.locator(".venue-item.selected .venue-number")).to_have_text(str(venue_number))
    page.keyboard.press(type_key)


def row(page: Page, **data: str) -> Any:
    selector = "".join(f'[data-{name}="{value}"]' for name, value in data.items())
    return page.locator(f".tl-row.incident{selector}")


def picture(tmp_path: Path, name: str = "snapshot.png") -> Path:
    """A synthetic venue frame: a dim room with a bright window and a row of desks."""
    frame = np.full((360, 640, 3), (60, 52, 45), dtype=np.uint8)
    cv2.rectangle(frame, (40, 40), (220, 180), (230, 225, 210), thickness=-1)
    for x in range(60, 600, 110):
        cv2.rectangle(frame, (x, 250), (x + 80, 300), (30, 70, 120), thickness=-1)
    path = tmp_path / name
    cv2.imwrite(str(path), frame)
    return path


PASTE_IMAGE = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], "paste.png", { type: "image/png" }));
  document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
}"""


def paste(page: Page, path: Path) -> None:
    page.evaluate(PASTE_IMAGE, base64.b64encode(path.read_bytes()).decode())
    expect(page.locator(".snapshot img.thumb")).to_be_visible()


def test_a_tag_in_one_console_shows_in_the_other_at_once(
    api: TestClient, meeting: str, person: Any, tmp_path: Path
) -> None:
    zhang = open_console(person("controller", username="zhang"))
    li = open_console(person("controller", username="li"))
    incident_mode(zhang)
    incident_mode(li)

    tag(zhang, 2, "s")  # 梅列区, 睡觉
    # The tag shows at once where it was made, then in the other console within a second.
    expect(row(zhang, unit="350402", type="conduct.sleeping")).to_have_count(1)
    seen = row(li, unit="350402", type="conduct.sleeping")
    expect(seen).to_have_count(1, timeout=1000)
    expect(seen).to_contain_text("梅列区")
    expect(seen).to_contain_text("睡觉")
    expect(seen).to_contain_text("−0.05")
    expect(seen).to_contain_text("zhang")

    # The other way, with a note and a snapshot picked from a file.
    li.set_input_files("#snapshot-file", str(picture(tmp_path)))
    expect(li.locator(".snapshot img.thumb")).to_be_visible()
    li.keyboard.press("n")
    li.keyboard.type("前排第二座低头")
    li.keyboard.press("Enter")
    tag(li, 13, "h")  # 永安市, 玩手机
    seen = row(zhang, unit="350481", type="conduct.phone")
    expect(seen).to_have_count(1, timeout=1000)
    expect(seen).to_contain_text("前排第二座低头")
    expect(seen.locator("a.evidence-link")).to_have_attribute(
        "href", re.compile(r"^/api/evidence/[0-9a-f]{32}\.jpg$")
    )
    expect(li.locator(".tl-row.incident[data-state=confirmed]")).to_have_count(2)

    stored = {(i["unit"], i["type"]): i for i in incidents_of(api, meeting)}
    assert set(stored) == {("350402", "conduct.sleeping"), ("350481", "conduct.phone")}
    assert stored["350402", "conduct.sleeping"]["logged_by"] == "zhang"
    phone = stored["350481", "conduct.phone"]
    assert phone["note"] == "前排第二座低头"
    assert phone["evidence"] is not None
    assert api.get(f"/api/evidence/{phone['evidence']}").headers["content-type"] == "image/jpeg"

    # Per-venue running count and points, in both consoles.
    for page in (zhang, li):
        expect(page.locator('.venue-item[data-unit="350402"] .venue-count')).to_have_text(
            "1 次 · 0.05 分"
        )
    expect(zhang.locator(".tag-total")).to_have_text("本会合计 2 次 · 0.10 分")

    # Filter the timeline to one venue.
    zhang.select_option(".timeline-filter", "350481")
    expect(zhang.locator(".tl-row.incident")).to_have_count(1)
    zhang.select_option(".timeline-filter", "")

    # A few more tags, then a composer ready with a pasted snapshot, for the screenshot.
    tag(zhang, 7, "e")  # 大田县, 照明
    tag(zhang, 1, "t")  # 三明市, 画面质量较差
    zhang.keyboard.press("/")
    zhang.keyboard.type("尤溪")
    zhang.keyboard.press("Enter")
    expect(zhang.locator(".selected-name")).to_have_text("尤溪县")
    paste(zhang, picture(tmp_path, "paste.png"))
    zhang.keyboard.press("n")
    zhang.keyboard.type("会场背景不规范")
    zhang.keyboard.press("Enter")
    expect(row(li, unit="350400", type="venue.poor_picture")).to_have_count(1)
    expect(zhang.locator(".tl-row.incident[data-state=confirmed]")).to_have_count(4)
    screenshot(zhang, "console-incidents")


def test_a_roll_call_made_with_the_keyboard_alone(
    api: TestClient, meeting: str, person: Any
) -> None:
    wang = open_console(person("controller", username="wang"))
    zhao = open_console(person("controller", username="zhao"))
    zhao.keyboard.press("Shift+1")
    wang.keyboard.press("Shift+1")
    expect(wang.locator(".rc-cell")).to_have_count(len(VENUES))
    expect(wang.locator(".rc-cell").first).to_be_focused()

    # One key per venue; each mark moves on to the next venue. E asks for a reason.
    keys = ["p", "p", "l", "1", "a", "p", "e", "2", "3", "4", "p", "p", "p"]
    expected = {"p": "present", "1": "present", "l": "late", "2": "late"}
    expected |= {"a": "absent", "3": "absent", "e": "excused", "4": "excused"}
    for key in keys:
        wang.keyboard.press(key)
        if expected[key] == "excused":
            expect(wang.locator("#reason-dialog")).to_be_visible()
            wang.keyboard.type("赴京参会")
            wang.keyboard.press("Enter")
            expect(wang.locator("#reason-dialog")).to_be_hidden()

    # Once the first pass is stored, arrows move back to 三元区 (third): present after all.
    expect(wang.locator(".rc-cell.pending")).to_have_count(0)
    wang.keyboard.press("Home")
    wang.keyboard.press("ArrowRight")
    wang.keyboard.press("ArrowRight")
    expect(wang.locator(".rc-cell").nth(2)).to_be_focused()
    wang.keyboard.press("p")

    statuses = [expected[key] for key in keys]
    statuses[2] = "present"
    cells = wang.locator(".rc-cell")
    expect(wang.locator(".rc-cell.pending")).to_have_count(0)
    expect(wang.locator("#outbox-count")).to_be_hidden()
    for index, status in enumerate(statuses):
        expect(cells.nth(index)).to_have_attribute("data-status", status)
        expect(cells.nth(index).locator(".rc-who")).to_contain_text("wang")
        # The other console sees every mark arrive.
        expect(zhao.locator(f'.rc-cell[data-unit="{VENUES[index]}"]')).to_have_attribute(
            "data-status", status
        )
    excused = VENUES[keys.index("e")]
    expect(zhao.locator(f'.rc-cell[data-unit="{excused}"] .rc-reason')).to_have_text("赴京参会")

    response = api.get(f"/api/meetings/{meeting}/roll-call")
    assert response.status_code == 200, response.text
    marks = {m["unit"]: m for m in response.json() if m["checkpoint"] == "half_day"}
    assert {unit: marks[unit]["status"] for unit in VENUES} == dict(
        zip(VENUES, statuses, strict=True)
    )
    assert all(mark["marked_by"] == "wang" for mark in marks.values())
    assert marks[excused]["reason"] == "赴京参会"
    # Late and absent marks carry an incident; 三元区's was voided when it became present.
    live = [i for i in incidents_of(api, meeting) if i["voided"] is None]
    assert sorted((i["unit"], i["type"]) for i in live) == sorted(
        (VENUES[n], f"roll_call.{s}") for n, s in enumerate(statuses) if s in ("late", "absent")
    )
    # The marks fold into one timeline line; unfolded, the voided incident shows struck.
    expect(wang.locator(".tl-row.folded")).to_have_count(1)
    wang.check(".timeline-tools input[type=checkbox]")
    expect(wang.locator(".tl-row.incident.struck")).to_have_count(1)
    wang.uncheck(".timeline-tools input[type=checkbox]")
    screenshot(wang, "console-roll-call")

    # The other checkpoint is a grid of its own.
    wang.keyboard.press("Shift+2")
    expect(wang.locator(".rc-cell[data-status=unmarked]")).to_have_count(len(VENUES))


def test_tags_made_offline_arrive_once_when_the_connection_is_back(
    api: TestClient, meeting: str, person: Any
) -> None:
    sun = open_console(person("controller", username="sun"))
    zhou = open_console(person("controller", username="zhou"))
    incident_mode(sun)
    incident_mode(zhou)

    sun.context.set_offline(True)
    expect(sun.locator("#connection")).to_have_attribute("data-state", "offline")
    tag(sun, 2, "q")  # 梅列区, 桌椅
    tag(sun, 3, "w")  # 三元区, 背景
    tag(sun, 13, "a")  # 永安市, 交头接耳
    expect(sun.locator(".tl-row.incident.pending")).to_have_count(3)
    expect(sun.locator("#outbox-count")).to_have_text("待发送 3")
    waiting = sun.evaluate("JSON.parse(localStorage.getItem('vcwatch.outbox.sun'))")
    keys = {entry["id"] for entry in waiting}
    assert len(keys) == 3
    assert incidents_of(api, meeting) == []

    # Meanwhile another console tags; the offline one does not hear of it yet.
    tag(zhou, 9, "d")  # 沙县, 抽烟
    expect(row(zhou, unit="350427", state="confirmed")).to_have_count(1)
    expect(row(sun, unit="350427")).to_have_count(0)

    # The first tag sent after the reconnect reaches the server, but its answer is lost: the
    # console keeps it and sends it again under the same key.
    lost: list[int] = []

    def lose_first_answer(route: Route) -> None:
        if not lost and route.request.method == "POST":
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    sun.route("**/api/incidents", lose_first_answer)
    sun.context.set_offline(False)
    expect(sun.locator("#connection")).to_have_attribute("data-state", "online")
    expect(sun.locator(".tl-row.incident.pending, .tl-row.incident.sending")).to_have_count(0)
    expect(sun.locator("#outbox-count")).to_be_hidden()
    assert lost == [201]

    stored = incidents_of(api, meeting)
    assert len(stored) == 4
    assert {i["key"] for i in stored if i["logged_by"] == "sun"} == keys
    # Each tag once in both timelines, the other console's caught up from the last seq seen.
    for page in (sun, zhou):
        expect(page.locator(".tl-row.incident")).to_have_count(4)
        for key in keys:
            expect(row(page, key=key)).to_have_count(1)
        expect(row(page, unit="350427", type="conduct.smoking")).to_have_count(1)
    assert sun.evaluate("localStorage.getItem('vcwatch.outbox.sun')") is None


def test_undo_within_ten_seconds_voids_the_tag_in_every_console(
    api: TestClient, meeting: str, person: Any
) -> None:
    wu = open_console(person("controller", username="wu"))
    zheng = open_console(person("controller", username="zheng"))
    incident_mode(wu)
    incident_mode(zheng)

    tag(wu, 5, "g")  # 清流县, 看报
    expect(row(zheng, unit="350423", type="conduct.reading_newspaper")).to_have_count(1)
    wu.keyboard.press("Control+z")
    for page in (wu, zheng):
        voided = row(page, unit="350423", type="conduct.reading_newspaper")
        expect(voided).to_have_class(re.compile(r"\bvoided\b.*\bstruck\b"))
        expect(voided).to_contain_text("已作废：撤销（controller wu）")
        expect(voided.locator(".tl-venue")).to_have_css("text-decoration-line", "line-through")
        expect(page.locator('.venue-item[data-unit="350423"] .venue-count')).to_have_text("")
    (undone,) = incidents_of(api, meeting)
    assert undone["voided"]["reason"] == "撤销"
    assert undone["voided"]["by"] == "wu"

    # Another's tag is not undone by Ctrl+Z; voiding it asks for a reason.
    tag(zheng, 11, "f")  # 泰宁县, 看书
    target = row(wu, unit="350429")
    expect(target).to_have_count(1)
    wu.keyboard.press("Control+z")
    expect(wu.locator(".toast", has_text="没有可撤销的标记")).to_be_visible()
    target.locator("button[data-action=void]").click()
    expect(wu.locator("#reason-dialog")).to_be_visible()
    wu.keyboard.type("看的是会议材料")
    wu.keyboard.press("Enter")
    for page in (wu, zheng):
        expect(row(page, unit="350429")).to_contain_text("已作废：看的是会议材料（controller wu）")
        expect(row(page, unit="350429")).to_have_class(re.compile(r"\bstruck\b"))
    reasons = {i["unit"]: i["voided"]["reason"] for i in incidents_of(api, meeting)}
    assert reasons == {"350423": "撤销", "350429": "看的是会议材料"}


def test_a_controller_creates_a_meeting_and_the_console_opens_it(
    api: TestClient, meeting: str, person: Any
) -> None:
    qian = open_console(person("controller", username="qian"))
    day = datetime.now(SHANGHAI).date().isoformat()
    for title, key in (
        ("全省森林防火视频会议", f"{day}-1645"),
        ("全省春耕生产视频会议", f"{day}-1645-2"),  # same start, another meeting
    ):
        qian.click("#new-meeting")
        expect(qian.locator("#meeting-dialog")).to_be_visible()
        qian.fill("#meeting-form input[name=date]", day)
        qian.fill("#meeting-form input[name=time]", "16:45")
        qian.fill("#meeting-form input[name=title]", title)
        qian.keyboard.press("Enter")
        expect(qian.locator("#meeting-dialog")).to_be_hidden()
        expect(qian.locator("#meeting-select")).to_have_value(key)
        expect(qian.locator("#meeting-title")).to_have_text(title)
        expect(qian.locator("#connection")).to_have_attribute("data-state", "online")
        stored = api.get(f"/api/meetings/{key}").json()
        assert stored == {
            "key": key,
            "title": title,
            "starts_at": f"{day}T16:45:00+08:00",
            "cancelled": None,
        }
    expect(qian).to_have_url(re.compile(rf"meeting={day}-1645-2$"))


def test_a_tag_waiting_to_be_sent_survives_a_reload(
    api: TestClient, meeting: str, person: Any
) -> None:
    he = open_console(person("controller", username="he"))
    incident_mode(he)
    # The server cannot be reached for incidents: the tag waits in the outbox.
    he.route("**/api/incidents", lambda route: route.abort("connectionrefused"))
    tag(he, 6, "r")  # 宁化县, 图像位置
    expect(row(he, unit="350424", state="pending")).to_have_count(1)
    (waiting,) = he.evaluate("JSON.parse(localStorage.getItem('vcwatch.outbox.he'))")

    he.reload()
    open_console(he)
    expect(row(he, unit="350424", state="pending")).to_have_count(1)
    assert incidents_of(api, meeting) == []

    he.unroute("**/api/incidents")
    expect(row(he, key=waiting["id"], state="confirmed")).to_have_count(1, timeout=15000)
    (stored,) = incidents_of(api, meeting)
    assert (stored["key"], stored["unit"], stored["type"]) == (
        waiting["id"],
        "350424",
        "venue.framing",
    )
    assert (
        stored["at"][:19]
        == datetime.fromisoformat(waiting["body"]["at"]).astimezone(SHANGHAI).isoformat()[:19]
    )


def test_roll_call_marks_made_offline_go_out_with_each_venues_last_mark(
    api: TestClient, meeting: str, person: Any
) -> None:
    lin = open_console(person("controller", username="lin"))
    lin.keyboard.press("Shift+2")
    expect(lin.locator(".rc-cell").first).to_be_focused()
    lin.context.set_offline(True)
    expect(lin.locator("#connection")).to_have_attribute("data-state", "offline")
    for key in ("a", "l", "p"):  # 三明市 absent, 梅列区 late, 三元区 present
        lin.keyboard.press(key)
    lin.keyboard.press("Home")
    lin.keyboard.press("p")  # 三明市 was there after all
    expect(lin.locator(".rc-cell.pending")).to_have_count(3)
    expect(lin.locator(".rc-cell").first).to_have_attribute("data-status", "present")
    assert api.get(f"/api/meetings/{meeting}/roll-call").json() == []

    lin.context.set_offline(False)
    expect(lin.locator("#connection")).to_have_attribute("data-state", "online")
    expect(lin.locator(".rc-cell.pending")).to_have_count(0)
    marks = api.get(f"/api/meetings/{meeting}/roll-call").json()
    assert {(m["checkpoint"], m["unit"], m["status"]) for m in marks} == {
        ("two_hours", CITY, "present"),
        ("two_hours", "350402", "late"),
        ("two_hours", "350403", "present"),
    }
    # The absent mark never left the browser: no incident for it, only 梅列区's late.
    assert [(i["unit"], i["type"]) for i in incidents_of(api, meeting)] == [
        ("350402", "roll_call.late")
    ]
