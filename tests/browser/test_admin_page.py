"""The admin page: accounts and the audit log, driven in headless Chromium."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, screenshot
from tests.fixtures import WORKED_EXAMPLE

NEW_USERNAME = "meilie_it"
NEW_PASSWORD = "Meilie-hall-Cam-7"
WEAK_PASSWORD = "password123"


def import_worked_example(page: Any, server: LiveServer) -> None:
    """Load the units (and the rest of the worked example) through the API as the page's admin."""
    session = page.request.get(f"{server.url}/api/session")
    assert session.ok, session.text()
    response = page.request.post(
        f"{server.url}/api/records",
        data=json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8")),
        headers={"X-CSRF-Token": session.json()["csrf_token"]},
    )
    assert response.status == 201, response.text()


def account_row(page: Any, username: str) -> Any:
    return page.locator(f"#accounts-body tr[data-username='{username}']")


def log_in_at_login_page(browser: Any, server: LiveServer, username: str, password: str) -> Any:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    # Where the login leads is another page's business: only leaving /login matters here.
    page.route(
        "**/county", lambda route: route.fulfill(content_type="text/html", body="<!doctype html>")
    )
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_response(
        lambda r: r.url.endswith("/api/session") and r.request.method == "POST"
    ) as sent:
        page.click("button[type=submit]")
    return context, page, sent.value


def test_admin_creates_disables_and_audits_a_county_account(
    person: Any, live_server: LiveServer, browser: Any
) -> None:
    page = person("admin", username="chief")
    import_worked_example(page, live_server)
    page.goto(f"{live_server.url}/admin")

    expect(account_row(page, "chief")).to_contain_text("管理员")
    create = page.locator("#create-form")
    unit_select = create.locator("select[name=unit]")
    expect(unit_select).to_be_hidden()

    create.locator("input[name=username]").fill(NEW_USERNAME)
    create.locator("input[name=display_name]").fill("梅列区信息中心")
    create.locator("select[name=role]").select_option("county_it")
    expect(unit_select).to_be_visible()
    unit_select.select_option("350402")

    # A common password: the API refuses it and its message sits beside the password field.
    create.locator("input[name=password]").fill(WEAK_PASSWORD)
    with page.expect_response(
        lambda r: r.url.endswith("/api/accounts") and r.request.method == "POST"
    ) as refused:
        create.locator("button[type=submit]").click()
    assert refused.value.status == 422
    assert refused.value.json()["detail"][0]["code"] == "password.common"
    # The glossary's sentence for the code, never the server's English.
    expect(page.locator("#create-password-error")).to_have_text("该密码过于常见，请换一个。")
    expect(create.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    expect(create.locator("input[name=password]")).to_be_focused()
    expect(account_row(page, NEW_USERNAME)).to_have_count(0)

    create.locator("input[name=password]").fill(NEW_PASSWORD)
    create.locator("button[type=submit]").click()
    row = account_row(page, NEW_USERNAME)
    expect(row).to_contain_text("梅列区信息中心")
    expect(row).to_contain_text("县级信息化人员")
    expect(row).to_contain_text("梅列区")
    expect(row.locator("[data-state]")).to_have_text("启用")
    expect(page.locator("#create-password-error")).to_be_empty()
    expect(unit_select).to_be_hidden()

    # The new account logs in at /login while it is active.
    other, other_page, login = log_in_at_login_page(
        browser, live_server, NEW_USERNAME, NEW_PASSWORD
    )
    assert login.status == 201
    other_page.wait_for_url(lambda url: "/login" not in url)
    who = other.request.get(f"{live_server.url}/api/session")
    assert who.status == 200 and who.json()["account"]["unit"] == "350402"

    # Disabling asks first; cancelling changes nothing.
    row.locator("button[data-action=disable]").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(NEW_USERNAME)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(row.locator("button[data-action=disable]")).to_be_focused()
    expect(row.locator("[data-state]")).to_have_text("启用")

    row.locator("button[data-action=disable]").click()
    dialog.locator("#confirm-ok").click()
    expect(row.locator("[data-state]")).to_have_text("已停用")
    expect(row.locator("button[data-action=enable]")).to_be_focused()
    expect(page.locator("#admin-status")).to_contain_text(NEW_USERNAME)
    screenshot(page, "admin-accounts")

    # Disabled: the open session ends and a new login is refused.
    assert other.request.get(f"{live_server.url}/api/session").status == 401
    other.close()
    other, other_page, login = log_in_at_login_page(
        browser, live_server, NEW_USERNAME, NEW_PASSWORD
    )
    assert login.status == 401
    expect(other_page.locator("#login-error")).not_to_be_empty()
    other.close()

    # The audit log, filtered to accounts by the kind picker, tells the creation and the update
    # as sentences with names.
    filters = page.locator("#audit-filters")
    filters.locator("select[name=kind]").select_option("account")
    filters.locator("button[type=submit]").click()
    audit_rows = page.locator("#audit-body > tr")
    expect(audit_rows).to_have_count(2)
    created = page.locator(
        f"#audit-body > tr[data-action='account.created'][data-entity-key='{NEW_USERNAME}']"
    )
    updated = page.locator(
        f"#audit-body > tr[data-action='account.updated'][data-entity-key='{NEW_USERNAME}']"
    )
    expect(created).to_contain_text("admin chief 新建账号 梅列区信息中心（县级信息化人员）")
    expect(updated).to_contain_text("admin chief 修改 梅列区信息中心 的账号")
    expect(updated.locator("summary")).to_have_text("记录详情（1 项变化）")
    updated.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(updated.locator("details")).to_have_attribute("open", "")
    expect(updated.locator(".admin-diff-changed")).to_have_count(1)
    expect(updated.locator(".admin-diff-changed")).to_contain_text("disabled")
    expect(page.locator("#audit-summary")).to_have_text("第 1–2 条，共 2 条")
    screenshot(page, "admin-audit")

    # An inverted date range is answered next to the end date, and asks nothing of the server.
    filters.locator("input[name=from]").fill("2019-12-31")
    filters.locator("input[name=to]").fill("2019-01-01")
    filters.locator("button[type=submit]").click()
    expect(page.locator("#audit-to-error")).to_have_text("截止日期早于起始日期，没有可显示的记录。")

    page.get_by_role("button", name="English").click()
    expect(page.locator("#accounts-title")).to_have_text("Accounts")
    expect(row.locator("[data-state]")).to_have_text("disabled")


def test_a_non_admin_is_told_they_have_no_access(person: Any, live_server: LiveServer) -> None:
    page = person("controller")
    answer = page.goto(f"{live_server.url}/admin")
    assert answer is not None and answer.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    expect(page.locator("#accounts-section")).to_have_count(0)
    expect(page.locator("#audit-section")).to_have_count(0)
