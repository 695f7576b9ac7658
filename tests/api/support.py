"""Helpers shared by the API tests: error fields, standings look-ups, the worked example."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from httpx import Response

from tests.fixtures import WORKED_EXAMPLE

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARAMETER_SOURCES = {"body", "query", "path", "header", "cookie"}

# The 2019 edition, DESIGN §3: item → (points per occurrence, cap), in the rulebook's order.
ITEMS_2019 = {
    "roll_call": ("0.05", "1.00"),
    "venue_order": ("0.05", "2.00"),
    "hd_rooms": ("0.05", "1.00"),
    "room_equipment": ("0.10", "2.00"),
    "staffing": ("0.50", "2.00"),
    "install_cooperation": ("0.20", "2.00"),
    "leader_criticism": ("0.50", "10.00"),
}


def load_worked_example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    return data


def now_in_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def dotted(loc: list[str | int]) -> str:
    """`["body", "incidents", 3, "at"]` and `["incidents[3]", "at"]` both read `incidents[3].at`."""
    parts = list(loc)
    if parts and parts[0] in PARAMETER_SOURCES:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def error_fields(response: Response) -> list[str]:
    """The fields an error names, after checking the one error shape of the API."""
    body = response.json()
    assert set(body) == {"detail"}
    assert isinstance(body["detail"], list)
    assert body["detail"]
    for entry in body["detail"]:
        assert set(entry) == {"loc", "msg", "type", "code"}
        assert isinstance(entry["loc"], list)
        assert all(isinstance(part, str | int) for part in entry["loc"])
        assert isinstance(entry["msg"], str)
        assert entry["msg"]
        assert isinstance(entry["type"], str)
        assert entry["type"]
    return [dotted(entry["loc"]) for entry in body["detail"]]


def assert_refused(response: Response, status: int, field: str) -> None:
    """Refused with that status, naming the field (or a member of a union at that field)."""
    assert response.status_code == status, response.text
    fields = error_fields(response)
    assert any(f == field or f.startswith(f"{field}.") for f in fields), fields


def standings(client: TestClient, year: int = 2019, **params: str) -> dict[str, Any]:
    """The standings; without `as_of` they are known "now", a moment left out of the result so
    that two readings compare by their figures."""
    response = client.get("/api/scores", params={"year": year, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    if "as_of" not in params:
        body.pop("as_of")
    return body


def period_public(year: int, edition: str, **fields: Any) -> dict[str, Any]:
    """A period as the API shows it: not finalized, deadline 31 January of the next year."""
    return {
        "year": year,
        "edition": edition,
        "objection_deadline": f"{year + 1}-01-31",
        "final": False,
        "finalized_at": None,
        "finalized_by": None,
        "finalize_note": None,
    } | fields


def city_of(body: dict[str, Any], code: str = "350400") -> dict[str, Any]:
    (city,) = [c for c in body["cities"] if c["code"] == code]
    return city


def unit_score(body: dict[str, Any], code: str) -> dict[str, Any]:
    """A county's own view, or a city's own venue."""
    for city in body["cities"]:
        if city["code"] == code:
            own: dict[str, Any] = city["own"]
            return own
        for county in city["counties"]:
            if county["code"] == code:
                return dict(county)
    raise AssertionError(f"unit {code} is not in the standings")


def item_of(items: list[dict[str, Any]], code: str) -> dict[str, Any]:
    (item,) = [i for i in items if i["code"] == code]
    return item


def incident_total(client: TestClient, **params: str) -> int:
    response = client.get("/api/incidents", params={"limit": "1", **params})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def log_incident(client: TestClient, key: str, **payload: Any) -> Response:
    return client.post("/api/incidents", json=payload, headers={"Idempotency-Key": key})
