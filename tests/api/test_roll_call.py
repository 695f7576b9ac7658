"""Roll-call marks (会前点名签到): one live mark per venue and checkpoint; late and absent deduct."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import assert_refused, now_in_shanghai


@pytest.fixture
def meeting(imported: TestClient, this_year: int) -> str:
    """A meeting of today, in a year that has a period."""
    starts_at = now_in_shanghai().replace(hour=9, minute=0, second=0, microsecond=0)
    body = {"key": "today", "title": "全省视频会议", "starts_at": starts_at.isoformat()}
    response = imported.post("/api/meetings", json=body)
    assert response.status_code == 201, response.text
    return "today"


def _mark(
    client: TestClient,
    status: str,
    *,
    unit: str = "350402",
    checkpoint: str = "half_day",
    **body: Any,
) -> Any:
    return client.put(
        f"/api/meetings/today/roll-call/{checkpoint}/{unit}", json={"status": status, **body}
    )


def _live_incidents(client: TestClient, unit: str = "350402") -> list[dict[str, Any]]:
    params = {"meeting": "today", "unit": unit, "voided": "false"}
    items: list[dict[str, Any]] = client.get("/api/incidents", params=params).json()["items"]
    return items


@pytest.mark.parametrize(
    ("status", "body", "incident_type"),
    [
        ("present", {}, None),
        ("late", {}, "roll_call.late"),
        ("absent", {}, "roll_call.absent"),
        ("excused", {"reason": "参加市委常委会"}, None),
    ],
)
def test_a_mark_deducts_only_for_late_and_absent(
    imported: TestClient, meeting: str, status: str, body: dict[str, str], incident_type: str | None
) -> None:
    response = _mark(imported, status, **body)

    assert response.status_code == 200
    mark = response.json()
    assert (mark["meeting"], mark["unit"], mark["checkpoint"], mark["status"]) == (
        meeting,
        "350402",
        "half_day",
        status,
    )
    assert mark["reason"] == body.get("reason")
    live = _live_incidents(imported)
    if incident_type is None:
        assert mark["incident"] is None
        assert live == []
    else:
        (incident,) = live
        assert incident["key"] == mark["incident"]
        assert (incident["type"], incident["item"], incident["points"]) == (
            incident_type,
            "roll_call",
            "0.05",
        )
        assert (incident["meeting"], incident["checkpoint"]) == (meeting, "half_day")


def test_late_creates_a_late_incident_at_its_checkpoint(
    imported: TestClient, meeting: str, this_year: int
) -> None:
    mark = _mark(imported, "late").json()

    incident = imported.get(f"/api/incidents/{mark['incident']}").json()
    starts_at = imported.get(f"/api/meetings/{meeting}").json()["starts_at"]

    assert incident["type"] == "roll_call.late"
    # 会前半天: the meeting's start − 12 h, whenever the mark was entered (kept as marked_at).
    checkpoint = datetime.fromisoformat(starts_at) - timedelta(hours=12)
    assert datetime.fromisoformat(incident["at"]) == checkpoint
    assert int(mark["marked_at"][:4]) in (this_year, this_year + 1)
    assert incident["voided"] is None


def test_changing_late_to_present_voids_the_late_incident(
    imported: TestClient, meeting: str
) -> None:
    late = _mark(imported, "late").json()

    present = _mark(imported, "present")

    assert present.status_code == 200
    assert (present.json()["status"], present.json()["incident"]) == ("present", None)
    voided = imported.get(f"/api/incidents/{late['incident']}").json()["voided"]
    assert voided is not None
    assert "签到" in voided["reason"]
    assert _live_incidents(imported) == []


def test_changing_late_to_absent_replaces_the_incident(imported: TestClient, meeting: str) -> None:
    late = _mark(imported, "late").json()

    absent = _mark(imported, "absent").json()

    (live,) = _live_incidents(imported)
    assert live["key"] == absent["incident"] != late["incident"]
    assert live["type"] == "roll_call.absent"
    assert imported.get(f"/api/incidents/{late['incident']}").json()["voided"] is not None


def test_the_same_mark_again_changes_nothing(imported: TestClient, meeting: str) -> None:
    first = _mark(imported, "absent").json()

    again = _mark(imported, "absent")

    assert again.status_code == 200
    assert again.json()["incident"] == first["incident"]
    assert len(_live_incidents(imported)) == 1
    assert imported.get("/api/incidents", params={"meeting": meeting}).json()["total"] == 1


def test_only_one_live_mark_per_venue_and_checkpoint(imported: TestClient, meeting: str) -> None:
    for status in ("late", "absent", "present", "late", "excused", "absent"):
        body = {"reason": "病假"} if status == "excused" else {}
        assert _mark(imported, status, **body).status_code == 200

    marks = imported.get(f"/api/meetings/{meeting}/roll-call").json()

    assert [(m["unit"], m["checkpoint"], m["status"]) for m in marks] == [
        ("350402", "half_day", "absent")
    ]
    (live,) = _live_incidents(imported)
    assert live["key"] == marks[0]["incident"]
    history = imported.get("/api/incidents", params={"meeting": meeting}).json()
    assert history["total"] == 4
    assert sum(1 for i in history["items"] if i["voided"] is None) == 1


def test_each_checkpoint_and_venue_has_its_own_mark(imported: TestClient, meeting: str) -> None:
    _mark(imported, "late", checkpoint="half_day")
    _mark(imported, "absent", checkpoint="two_hours")
    _mark(imported, "absent", unit="350403", checkpoint="two_hours")

    marks = imported.get(f"/api/meetings/{meeting}/roll-call").json()

    assert sorted((m["checkpoint"], m["unit"], m["status"]) for m in marks) == [
        ("half_day", "350402", "late"),
        ("two_hours", "350402", "absent"),
        ("two_hours", "350403", "absent"),
    ]
    live = {(i["checkpoint"], i["type"]) for i in _live_incidents(imported)}
    assert live == {("half_day", "roll_call.late"), ("two_hours", "roll_call.absent")}
    assert len(_live_incidents(imported, "350403")) == 1


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": None}])
def test_excused_needs_a_reason(imported: TestClient, meeting: str, body: dict[str, Any]) -> None:
    response = _mark(imported, "excused", **body)

    assert_refused(response, 422, "reason")
    assert imported.get(f"/api/meetings/{meeting}/roll-call").json() == []


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/meetings/nowhere/roll-call/half_day/350402", {"status": "late"}, 404, "meeting"),
        ("/api/meetings/today/roll-call/half_day/350499", {"status": "late"}, 404, "unit"),
        ("/api/meetings/today/roll-call/noon/350402", {"status": "late"}, 422, "checkpoint"),
        ("/api/meetings/today/roll-call/half_day/35040", {"status": "late"}, 422, "unit"),
        ("/api/meetings/today/roll-call/half_day/350402", {"status": "asleep"}, 422, "status"),
        ("/api/meetings/today/roll-call/half_day/350402", {}, 422, "status"),
        (
            "/api/meetings/today/roll-call/half_day/350402",
            {"status": "late", "by": "me"},
            422,
            "by",
        ),
    ],
)
def test_a_bad_mark_is_refused_naming_the_field(
    imported: TestClient, meeting: str, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    assert_refused(imported.put(path, json=body), status, field)
    assert imported.get(f"/api/meetings/{meeting}/roll-call").json() == []


def test_the_marks_of_an_unknown_meeting_are_not_found(imported: TestClient) -> None:
    assert_refused(imported.get("/api/meetings/nowhere/roll-call"), 404, "meeting")
