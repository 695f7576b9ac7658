"""County staff report their own register as it is now: no backdating, no inspection entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Login

from .support import load_worked_example

OWN_UNIT = "350402"


@pytest.fixture
def county(client: TestClient, login: Login) -> TestClient:
    assert client.post("/api/records", json=load_worked_example()).status_code == 201
    return login("county_it", unit=OWN_UNIT)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/rooms",
            {"unit": OWN_UNIT, "name": "旧会议室", "at": "2019-06-01T00:00:00+08:00"},
            "at",
        ),
        (
            "/api/rooms",
            {"unit": OWN_UNIT, "name": "会议室9", "source": "onsite_inspection"},
            "source",
        ),
        (
            "/api/staffing",
            {"unit": OWN_UNIT, "leaders": ["甲"], "at": "2019-06-01T00:00:00+08:00"},
            "at",
        ),
    ],
)
def test_county_staff_cannot_backdate_or_pose_as_inspectors(
    county: TestClient, client: TestClient, path: str, body: dict[str, object], field: str
) -> None:
    # The standings at one moment after the refusal: it changed nothing.
    moment = {"year": 2019, "as_of": "2030-01-01T00:00:00+08:00"}
    before = client.get("/api/scores", params=moment).json()
    response = county.post(path, json=body)
    assert response.status_code == 403
    assert response.json()["detail"][0]["loc"] == [field]
    assert client.get("/api/scores", params=moment).json() == before


def test_county_staff_cannot_backdate_a_register_save(county: TestClient) -> None:
    body = {"rooms": [], "staffing": {}, "at": "2019-06-01T00:00:00+08:00"}
    response = county.put(f"/api/units/{OWN_UNIT}/register", json=body)
    assert response.status_code == 403


def test_an_admin_may_record_an_inspection_finding_in_the_past(client: TestClient) -> None:
    assert client.post("/api/records", json=load_worked_example()).status_code == 201
    body = {
        "unit": OWN_UNIT,
        "name": "会议室4",
        "at": "2019-06-01T00:00:00+08:00",
        "source": "onsite_inspection",
    }
    assert client.post("/api/rooms", json=body).status_code == 201


def test_county_staff_cannot_date_a_save_ahead_either(county: TestClient) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    body = {"rooms": [], "staffing": {"staff": ["钱七"]}, "at": ahead}

    response = county.put(f"/api/units/{OWN_UNIT}/register", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "register.future"
