"""Meetings can be corrected (title, start) and cancelled with a reason; a cancelled meeting's
roll-call incidents are voided citing the cancellation and it leaves the default listing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Login

from .support import now_in_shanghai


def _code(response: Any) -> str:
    code: str = response.json()["detail"][0]["code"]
    return code


@pytest.fixture
def meeting(imported: TestClient, this_year: int) -> str:
    starts_at = now_in_shanghai().replace(hour=9, minute=0, second=0, microsecond=0)
    body = {"key": "today", "title": "全省视频会议", "starts_at": starts_at.isoformat()}
    assert imported.post("/api/meetings", json=body).status_code == 201
    return "today"


def test_a_meeting_title_and_start_are_corrected_and_audited(
    imported: TestClient, meeting: str
) -> None:
    starts_at = now_in_shanghai().replace(hour=15, minute=0, second=0, microsecond=0)
    response = imported.patch(
        f"/api/meetings/{meeting}",
        json={"title": "全省安全生产电视电话会议", "starts_at": starts_at.isoformat()},
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "全省安全生产电视电话会议"
    stored = imported.get(f"/api/meetings/{meeting}").json()
    assert stored["title"] == "全省安全生产电视电话会议"
    assert stored["starts_at"].startswith(starts_at.strftime("%Y-%m-%dT15:00"))
    audit = imported.get("/api/audit", params={"action": "meeting.updated"}).json()["items"]
    assert audit[0]["before"]["title"] == "全省视频会议"
    assert audit[0]["after"]["title"] == "全省安全生产电视电话会议"


def test_moving_a_meeting_moves_its_roll_calls_to_the_new_checkpoints(
    imported: TestClient, meeting: str
) -> None:
    """A roll call is timed at its checkpoint: correcting the start re-times it, audited."""
    incidents = {}
    for checkpoint in ("half_day", "two_hours"):
        mark = imported.put(
            f"/api/meetings/{meeting}/roll-call/{checkpoint}/350402", json={"status": "late"}
        )
        assert mark.status_code == 200, mark.text
        incidents[checkpoint] = mark.json()["incident"]
    starts_at = now_in_shanghai().replace(hour=15, minute=0, second=0, microsecond=0)
    moved = imported.patch(f"/api/meetings/{meeting}", json={"starts_at": starts_at.isoformat()})
    assert moved.status_code == 200, moved.text

    for checkpoint, hours in (("half_day", 12), ("two_hours", 2)):
        incident = imported.get(f"/api/incidents/{incidents[checkpoint]}").json()
        expected = starts_at - timedelta(hours=hours)
        assert datetime.fromisoformat(incident["at"]) == expected, checkpoint
    audit = imported.get("/api/audit", params={"action": "meeting.updated"}).json()["items"]
    assert sorted(audit[0]["after"]["retimed"]) == sorted(incidents.values())


def test_a_meeting_cannot_move_to_another_year(imported: TestClient) -> None:
    response = imported.patch("/api/meetings/m00", json={"starts_at": "2021-03-05T09:00:00+08:00"})
    assert response.status_code == 422
    assert _code(response) == "meeting.moved_year"


def test_cancelling_voids_the_roll_call_incidents_and_hides_the_meeting(
    imported: TestClient, meeting: str
) -> None:
    mark = imported.put(
        f"/api/meetings/{meeting}/roll-call/half_day/350402", json={"status": "absent"}
    )
    assert mark.status_code == 200, mark.text
    tagged = imported.post(
        "/api/incidents",
        json={"unit": "350403", "type": "conduct.phone", "meeting": meeting},
        headers={"Idempotency-Key": "phone-1"},
    )
    assert tagged.status_code == 201, tagged.text

    response = imported.post(f"/api/meetings/{meeting}/cancel", json={"reason": "会议延期"})
    assert response.status_code == 200, response.text
    assert response.json()["cancelled"]["reason"] == "会议延期"

    live = imported.get("/api/incidents", params={"meeting": meeting, "voided": "false"}).json()
    assert [i["type"] for i in live["items"]] == ["conduct.phone"]
    voided = imported.get("/api/incidents", params={"meeting": meeting, "voided": "true"}).json()
    assert [i["voided"]["reason"] for i in voided["items"]] == ["会议取消：会议延期"]

    listed = imported.get("/api/meetings").json()["items"]
    assert meeting not in [m["key"] for m in listed]
    with_cancelled = imported.get("/api/meetings", params={"cancelled": "true"}).json()["items"]
    assert meeting in [m["key"] for m in with_cancelled]

    again = imported.post(f"/api/meetings/{meeting}/cancel", json={"reason": "再次"})
    assert again.status_code == 409 and _code(again) == "meeting.cancelled"
    late = imported.put(
        f"/api/meetings/{meeting}/roll-call/two_hours/350402", json={"status": "late"}
    )
    assert late.status_code == 409 and _code(late) == "meeting.cancelled"
    audit = imported.get("/api/audit", params={"action": "meeting.cancelled"}).json()["items"]
    assert audit[0]["after"]["reason"] == "会议延期"


def test_a_controller_records_meeting_types_and_a_reviewer_records_the_rest(
    imported: TestClient, this_year: int, login: Login
) -> None:
    controller = login("controller")
    reviewer = login("reviewer")
    install = {"unit": "350402", "type": "install.poor_cooperation", "source": "onsite_inspection"}
    refused = controller.post("/api/incidents", json=install, headers={"Idempotency-Key": "i-1"})
    assert refused.status_code == 403 and _code(refused) == "incident.type_forbidden"
    recorded = reviewer.post("/api/incidents", json=install, headers={"Idempotency-Key": "i-2"})
    assert recorded.status_code == 201, recorded.text
    criticism = {"unit": "350402", "type": "criticism.named_by_leader", "note": "省领导点名"}
    named = reviewer.post("/api/incidents", json=criticism, headers={"Idempotency-Key": "c-1"})
    assert named.status_code == 201, named.text
    again = reviewer.post("/api/incidents", json=criticism, headers={"Idempotency-Key": "c-1"})
    assert again.status_code == 200 and again.json()["key"] == "c-1"
    voided = reviewer.post("/api/incidents/c-1/void", json={"reason": "误记"})
    assert voided.status_code == 200, voided.text
