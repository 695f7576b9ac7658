"""The incident list export names people, meetings, sources and checkpoints beside the codes."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.conftest import Login


def test_the_incident_csv_names_who_logged_and_the_meeting(
    imported: TestClient, login: Login
) -> None:
    reviewer = login("reviewer", username="wang", display_name="王五")
    logged = reviewer.post(
        "/api/incidents",
        json={
            "unit": "350402",
            "type": "install.no_tech_staff",
            "at": "2019-06-01T10:00:00+08:00",
            "source": "onsite_inspection",
        },
        headers={"Idempotency-Key": "named-1"},
    )
    assert logged.status_code == 201, logged.text
    text = imported.get("/api/exports/incidents.csv", params={"year": 2019}).content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r["编号"] == "named-1"]
    assert row["记录人"] == "王五"
    assert row["来源"] == "现场检查"
    roll_calls = [r for r in rows if r["点名时段"] == "会前半天"]
    assert roll_calls and all(r["会议"] and r["会议"] != r["编号"] for r in roll_calls)
    assert not any("half_day" in value for r in rows for value in r.values())
