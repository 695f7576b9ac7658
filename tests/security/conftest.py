"""A small world for the security tests: the worked example of DESIGN §3, one account of each
role (two county accounts, for 梅列区 350402 and 三元区 350403), an objection of each county and
an evidence image attached to an incident of 350402."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher

from tests.conftest import TEST_PASSWORD

from .support import encoded, load_worked_example

OWN_UNIT = "350402"
OTHER_UNIT = "350403"
MEETING = "m00"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The test accounts' argon2id hash, made with small costs: these tests log in hundreds of
    times, and verifying reads the costs from the hash itself."""
    return Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1).hash(TEST_PASSWORD)


@dataclass(frozen=True)
class World:
    admin: TestClient
    controller: TestClient
    reviewer: TestClient
    county: TestClient  # county_it of OWN_UNIT
    other_county: TestClient  # county_it of OTHER_UNIT
    incident: str  # an incident of OWN_UNIT
    other_incident: str  # an incident of OTHER_UNIT
    objection: int  # filed by `county` on `incident`
    other_objection: int  # filed by `other_county` on `other_incident`
    evidence: str  # attached to an incident of OWN_UNIT

    def client_of(self, role: str) -> TestClient:
        return {
            "admin": self.admin,
            "controller": self.controller,
            "reviewer": self.reviewer,
            "county_it": self.county,
        }[role]


def created(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def first_incident_of(admin: TestClient, unit: str) -> str:
    page = created(admin.get("/api/incidents", params={"unit": unit, "voided": "false"}))
    key: str = page["items"][0]["key"]
    return key


@pytest.fixture
def world(client: TestClient, login: Any) -> World:
    created(client.post("/api/records", json=load_worked_example()))
    # Objections to 2019 stay open to the tests (by default they closed on 2020-01-31).
    created(client.put("/api/periods/2019", json={"objection_deadline": "2099-12-31"}))
    this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    for year in (this_year, this_year + 1):  # writes made now land in a period
        created(client.put(f"/api/periods/{year}", json={"edition": "2019"}))
    controller = login("controller", username="controller")
    reviewer = login("reviewer", username="reviewer")
    county = login("county_it", unit=OWN_UNIT, username="county")
    other_county = login("county_it", unit=OTHER_UNIT, username="other-county")

    evidence = created(
        client.post("/api/evidence", content=encoded(".png"), headers={"Content-Type": "image/png"})
    )["evidence"]
    created(
        client.post(
            "/api/incidents",
            json={
                "unit": OWN_UNIT,
                "type": "conduct.phone",
                "meeting": "m04",
                "at": "2019-05-10T09:40:00+08:00",
                "evidence": evidence,
            },
            headers={"Idempotency-Key": "with-evidence"},
        )
    )
    incident = first_incident_of(client, OWN_UNIT)
    other_incident = first_incident_of(client, OTHER_UNIT)
    objection = created(
        county.post("/api/objections", json={"incident": incident, "reason": "已到会"})
    )["id"]
    other_objection = created(
        other_county.post("/api/objections", json={"incident": other_incident, "reason": "已到会"})
    )["id"]
    return World(
        admin=client,
        controller=controller,
        reviewer=reviewer,
        county=county,
        other_county=other_county,
        incident=incident,
        other_incident=other_incident,
        objection=objection,
        other_objection=other_objection,
        evidence=evidence,
    )
