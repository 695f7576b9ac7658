"""The errors users met in raw English now read in Chinese (and in English in English mode):
each one triggered from a page, its text asserted."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.browser.conftest import CHROMIUM, LiveServer
from tests.conftest import TEST_PASSWORD
from tests.fixtures import WORKED_EXAMPLE

# Calls the API from inside the page, as the pages do, and returns what a page would show.
ASK = """async ([method, path, body]) => {
  const { api, describeError } = await import('/static/js/api.js');
  try { await api(method, path, body === null ? {} : { body }); return 'ok'; }
  catch (failure) { return describeError(failure); }
}"""


EMPTY = {"leaders": [], "staff": []}


def prepare(client: TestClient) -> None:
    worked = json.loads(WORKED_EXAMPLE.read_text())
    assert client.post("/api/records", json=worked).status_code == 201


def login_error(browser: Any, server: LiveServer, username: str, password: str) -> str:
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_function("() => document.querySelector('#login-error').textContent !== ''")
        return page.text_content("#login-error") or ""
    finally:
        context.close()


def test_login_errors_read_in_chinese(
    client: TestClient, browser: Any, live_server: LiveServer, person: Any
) -> None:
    person("reviewer", username="wang")
    assert login_error(browser, live_server, "wang", "wrong-password") == "用户名或密码错误。"
    for _ in range(5):
        login_error(browser, live_server, "wang", "wrong-password")
    assert (
        login_error(browser, live_server, "wang", TEST_PASSWORD) == "登录失败次数过多，请稍后再试。"
    )


def test_account_errors_read_in_chinese_and_in_english(client: TestClient, person: Any) -> None:
    page = person("admin", username="boss")
    page.wait_for_selector("#create-form")
    form = page.locator("#create-form")
    form.locator("input[name=username]").fill("controller2")
    form.locator("input[name=display_name]").fill("李四")
    form.locator("select[name=role]").select_option("controller")
    form.locator("input[name=password]").fill("password123")
    form.locator("button[type=submit]").click()
    error = page.locator("#create-password-error")
    error.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#create-password-error').textContent !== ''"
    )
    assert error.text_content() == "该密码过于常见，请换一个。"

    form.locator("input[name=password]").fill("a-Long-enough-secret")
    form.locator("input[name=username]").fill("boss")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('#create-username-error').textContent !== ''"
    )
    assert page.text_content("#create-username-error") == "该用户名已被使用。"

    page.click("header.shell button:has-text('English')")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('#create-username-error').textContent.includes('taken')"
    )
    assert page.text_content("#create-username-error") == "This username is already taken."


def test_refusals_read_in_chinese(client: TestClient, person: Any) -> None:
    prepare(client)
    reviewer = person("reviewer")
    refused = reviewer.evaluate(
        ASK, ["PUT", "/api/units/350402/register", {"rooms": [], "staffing": EMPTY}]
    )
    assert refused == "您的账号无权进行此操作。"
    county = person("county_it", unit="350402")
    past = county.evaluate(
        ASK,
        [
            "PUT",
            "/api/units/350402/register",
            {"rooms": [], "staffing": EMPTY, "at": "2019-01-01T00:00:00+08:00"},
        ],
    )
    assert past == "县级人员不能把变更的生效时间定在过去。"
    onsite = county.evaluate(
        ASK,
        [
            "PUT",
            "/api/units/350402/register",
            {"rooms": [], "staffing": EMPTY, "source": "onsite_inspection"},
        ],
    )
    assert onsite == "县级人员只能以“自评上报”登记。"
    other = county.evaluate(ASK, ["GET", "/api/units/350403/register", None])
    assert other == "内容不存在或不属于本单位。"
    # The console opened by a county account: the one 无权访问 page, not the console's shell.
    county.goto(county.url.split("/county")[0] + "/console")
    assert "无权访问" in county.inner_text("body")
    assert "已断开" not in county.inner_text("body")


def test_a_malformed_venue_source_reads_in_chinese(client: TestClient, person: Any) -> None:
    prepare(client)
    page = person("admin")
    page.goto(page.url.split("/admin")[0] + "/venues")
    page.click("#venue-rows tr[data-unit='350402']")
    page.fill("#source-form input[name=url]", "ftp://camera.example/stream")
    page.click("#source-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#detail-error').textContent !== ''")
    text = page.text_content("#detail-error") or ""
    assert text == "视频源地址格式不正确。", text
    assert "pattern" not in text and "String" not in text


def test_the_chromium_under_test_is_debians() -> None:
    assert CHROMIUM.endswith("chromium")
