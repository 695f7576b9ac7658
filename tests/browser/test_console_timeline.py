"""The console timeline: roll-call marks folded into one line per checkpoint, a filter by kind
beside the filter by venue, and toasts that never cover it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import (  # noqa: F401 - fixtures
    VENUES,
    api,
    incident_mode,
    meeting,
    open_console,
    tag,
)


def test_marks_fold_per_checkpoint_and_the_timeline_filters_by_kind(
    api: TestClient,  # noqa: F811
    meeting: str,  # noqa: F811
    person: Any,
) -> None:
    for index, unit in enumerate(VENUES):
        status = "late" if index == 2 else "absent" if index == 3 else "present"
        marked = api.put(
            f"/api/meetings/{meeting}/roll-call/half_day/{unit}", json={"status": status}
        )
        assert marked.status_code == 200, marked.text
    page = open_console(person("controller", username="zhou", display_name="周值守"))
    incident_mode(page)
    tag(page, 2, "s")  # 梅列区, 睡觉
    expect(page.locator(".tl-row.incident[data-type='conduct.sleeping']")).to_have_count(1)

    folded = page.locator(".tl-row.folded")
    expect(folded).to_have_count(1)
    expect(folded).to_contain_text("点名 · 会前半天")
    expect(folded).to_contain_text("签到 11 · 迟到 1 · 缺席 1")
    expect(page.locator(".tl-row.note.roll_call-marked")).to_have_count(0)
    expect(page.locator(".tl-row.incident[data-type^='roll_call.']")).to_have_count(0)

    page.select_option(".timeline-kind", "incident")
    expect(page.locator(".tl-row")).to_have_count(1)
    expect(page.locator(".tl-row.incident[data-type='conduct.sleeping']")).to_contain_text("周值守")
    page.select_option(".timeline-kind", "roll_call")
    expect(page.locator(".tl-row.folded")).to_have_count(1)
    expect(page.locator(".tl-row.incident")).to_have_count(0)

    page.check(".timeline-tools input[type=checkbox]")
    expect(page.locator(".tl-row.note.roll_call-marked")).to_have_count(len(VENUES) - 2)
    expect(page.locator(".tl-row.incident[data-type^='roll_call.']")).to_have_count(2)
    page.uncheck(".timeline-tools input[type=checkbox]")
    page.select_option(".timeline-kind", "")

    # A toast (the undo countdown) sits in its own band, below the timeline.
    tag(page, 3, "h")
    toast = page.locator(".toast").last
    expect(toast).to_be_visible()
    toast_box = toast.bounding_box()
    timeline_box = page.locator("#timeline").bounding_box()
    assert toast_box is not None and timeline_box is not None
    assert toast_box["y"] >= timeline_box["y"] + timeline_box["height"]
    screenshot(page, "console-timeline-folded")
