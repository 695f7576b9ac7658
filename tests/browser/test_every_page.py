"""Every role visits every page in zh-CN and in English: no raw code, no UUID, no English server
text in Chinese mode, no control the server would refuse, no 404 in the network log — and a
screenshot of each page."""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.browser.conftest import LiveServer, screenshot
from tests.conftest import Login
from tests.fixtures import WORKED_EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = json.loads((ROOT / "static" / "js" / "glossary.json").read_text(encoding="utf-8"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
PAGES = ["/console", "/venues", "/record", "/county", "/review", "/admin"]
ALLOWED = {
    "admin": set(PAGES),
    "controller": {"/console", "/venues", "/record"},
    "county_it": {"/county", "/review"},
    "reviewer": {"/record", "/county", "/review"},
}
PEOPLE = {"admin": "管理员甲", "controller": "主控乙", "county_it": "县级丙", "reviewer": "审核丁"}
# What pages may never show: the machine codes of types, statuses, errors (the glossary's keys
# and the codes behind them).
CODES = sorted(
    {key.split(".", 1)[1] for key in GLOSSARY if key.startswith(("type.", "error."))}
    - {"invalid", "network", "unknown"},
    key=len,
    reverse=True,
)


def server_messages() -> list[str]:
    """The opening words of every English message the services raise."""
    found = set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            if not any(k.arg == "code" for k in node.keywords):
                continue
            first = node.args[0]
            text = None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                text = str(first.values[0].value)
            if text and len(text.strip()) >= 8:
                found.add(text.strip())
    return sorted(found)


SERVER_MESSAGES = server_messages() + [
    "Failed to fetch",
    "String should",
    "Field required",
    "Not Found",
    "Internal Server Error",
]


# Who recorded the data the pages show: their login must never appear, only their name.
WRITER = "ctl-zhao"


def prepare(client: TestClient, login: Login) -> str:
    worked = json.loads(WORKED_EXAMPLE.read_text())
    assert client.post("/api/records", json=worked).status_code == 201
    today = datetime.now(SHANGHAI).replace(hour=9, minute=0, second=0, microsecond=0)
    assert client.put(f"/api/periods/{today.year}", json={"edition": "2019"}).status_code == 200
    meeting = {"key": "today", "title": "全省视频会议", "starts_at": today.isoformat()}
    assert client.post("/api/meetings", json=meeting).status_code == 201
    writer = login("controller", username=WRITER, display_name="赵值守")
    mark = writer.put("/api/meetings/today/roll-call/half_day/350402", json={"status": "late"})
    assert mark.status_code == 200, mark.text
    county = login("county_it", unit="350402", username="cty-qian", display_name="钱县级")
    objected = county.post(
        "/api/objections", json={"incident": mark.json()["incident"], "reason": "网络故障"}
    )
    assert objected.status_code == 201, objected.text
    logged = writer.post(
        "/api/incidents",
        json={"unit": "350402", "type": "conduct.phone", "meeting": "today"},
        headers={"Idempotency-Key": "phone-today"},
    )
    assert logged.status_code == 201, logged.text
    return "today"


def visit(page: Any, url: str) -> tuple[int, list[str]]:
    """Open a page, wait for it to settle; its status and the failed requests it made."""
    failures: list[str] = []

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.url != url:
            failures.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    try:
        response = page.goto(url)
        # Settled: every request the page made has been answered and rendered (api.js).
        page.wait_for_function(
            "() => document.documentElement.getAttribute('aria-busy') !== 'true'"
        )
    finally:
        page.remove_listener("response", on_response)
    return response.status, failures


def problems_in(text: str, *, lang: str, logins: list[str]) -> list[str]:
    found = [f"UUID {m}" for m in UUID.findall(text)]
    found += [
        f"code {code}" for code in CODES if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text)
    ]
    found += [f"login {login}" for login in logins if login in text]
    if lang == "zh":
        found += [f"English '{m}'" for m in SERVER_MESSAGES if m in text]
    return found


def enabled_refused_controls(page: Any, role: str, path: str) -> list[str]:
    """Controls a page offers that the server would refuse this role."""
    bad: list[str] = []
    if role == "reviewer" and path == "/county":
        bad += page.eval_on_selector_all(
            "main button:not([disabled]), main input:not([disabled]):not([type=hidden])",
            "els => els.filter(e => e.offsetParent !== null && !e.closest('.toolbar')).map(e => e.outerHTML.slice(0, 80))",
        )
    if role == "county_it" and path == "/county":
        sources = page.eval_on_selector_all(
            "select[name=source] option, #source option", "els => els.map(e => e.value)"
        )
        bad += [f"source {s}" for s in sources if s == "onsite_inspection"]
    if role == "reviewer" and path == "/record":
        bad += page.eval_on_selector_all("#meetings button", "els => els.map(e => e.textContent)")
    if role == "county_it" and path == "/review":
        bad += page.eval_on_selector_all(
            "button",
            "els => els.filter(e => /裁定|支持|驳回|定稿|Uphold|Reject/.test(e.textContent) && !e.disabled && e.offsetParent !== null).map(e => e.textContent)",
        )
    return bad


@pytest.mark.parametrize("role", ["admin", "controller", "county_it", "reviewer"])
def test_each_role_visits_every_page_in_both_languages(
    client: TestClient, login: Login, person: Any, live_server: LiveServer, role: str
) -> None:
    prepare(client, login)
    unit = "350402" if role == "county_it" else None
    page = person(role, unit=unit, username=f"u-{role}", display_name=PEOPLE[role])
    logins = [f"u-{role}", WRITER, "cty-qian"]
    report: dict[str, list[str]] = {}
    for lang in ("zh", "en"):
        page.evaluate(f"localStorage.setItem('vcwatch.lang', '{lang}')")
        for path in [*PAGES, "/no-such-page"]:
            status, failures = visit(page, f"{live_server.url}{path}")
            where = f"{lang} {path}"
            if path == "/no-such-page":
                assert status == 404, where
                expected = "页面不存在" if lang == "zh" else "Page not found"
            elif path in ALLOWED[role]:
                assert status == 200, where
                expected = None
            else:
                assert status == 403, where
                expected = "无权访问" if lang == "zh" else "No access"
            text = page.inner_text("body")
            if expected:
                assert expected in text, where
            name = path.strip("/") or "home"
            screenshot(page, f"{name}-{role}-{lang}")
            found = problems_in(text, lang=lang, logins=logins if path != "/admin" else [])
            found += [f"network {f}" for f in failures]
            if expected is None:
                found += [f"offered {c}" for c in enabled_refused_controls(page, role, path)]
                if PEOPLE[role] not in text:
                    found.append("the header does not name the person")
                links = page.eval_on_selector_all(
                    "header.shell nav a", "links => links.map((a) => [a.pathname, a.textContent])"
                )
                if {href for href, _ in links} != ALLOWED[role]:
                    found.append(f"the navigation offers {sorted(href for href, _ in links)}")
                found += [f"navigation label {label}" for _, label in links if "nav." in label]
            if found:
                report[where] = found
    assert report == {}
