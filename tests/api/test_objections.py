"""Objections (申诉): a county objects to an incident; a reviewer upholds or rejects it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import assert_refused, city_of, log_incident, standings


def _file(client: TestClient, incident: str, reason: str = "当时网络故障，非本单位原因") -> Any:
    return client.post("/api/objections", json={"incident": incident, "reason": reason})


def _rule(client: TestClient, objection_id: int, decision: str, reason: str = "核实") -> Any:
    return client.post(
        f"/api/objections/{objection_id}/ruling", json={"decision": decision, "reason": reason}
    )


@pytest.fixture
def criticism(imported: TestClient, this_year: int) -> str:
    """A criticism of 三元区 logged now, in the running year."""
    response = log_incident(imported, "crit-1", unit="350403", type="criticism.named_by_leader")
    assert response.status_code == 201
    return "crit-1"


def test_an_objection_is_filed_open(imported: TestClient) -> None:
    response = _file(imported, "w29")

    assert response.status_code == 201
    body = response.json()
    assert (body["incident"], body["unit"], body["status"]) == ("w29", "350403", "open")
    assert (body["reason"], body["ruled_at"], body["ruling"]) == (
        "当时网络故障，非本单位原因",
        None,
        None,
    )
    assert imported.get(f"/api/objections/{body['id']}").json() == body


def test_upholding_voids_the_incident_citing_the_objection(
    imported: TestClient, criticism: str, this_year: int
) -> None:
    before = city_of(standings(imported, this_year))
    objection = _file(imported, criticism).json()

    response = _rule(imported, objection["id"], "uphold", "经核实属实")

    assert response.status_code == 200
    ruled = response.json()
    assert (ruled["status"], ruled["ruling"]) == ("upheld", "经核实属实")
    assert ruled["ruled_at"] is not None
    incident = imported.get(f"/api/incidents/{criticism}").json()
    assert f"#{objection['id']}" in incident["voided"]["reason"]
    assert incident["objections"] == [ruled]
    after = city_of(standings(imported, this_year))
    assert (before["deduction"], after["deduction"]) == ("1.40", "0.90")
    assert (before["score"], after["score"]) == ("8.60", "9.10")


def test_rejecting_keeps_the_incident_counted(
    imported: TestClient, criticism: str, this_year: int
) -> None:
    before = standings(imported, this_year)
    objection = _file(imported, criticism).json()

    response = _rule(imported, objection["id"], "reject", "理由不成立")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["ruling"]) == ("rejected", "理由不成立")
    assert imported.get(f"/api/incidents/{criticism}").json()["voided"] is None
    assert standings(imported, this_year)["cities"] == before["cities"]


@pytest.mark.parametrize("first", ["uphold", "reject"])
@pytest.mark.parametrize("second", ["uphold", "reject"])
def test_a_second_ruling_is_a_conflict(imported: TestClient, first: str, second: str) -> None:
    objection = _file(imported, "w29").json()
    assert _rule(imported, objection["id"], first).status_code == 200
    ruled = imported.get(f"/api/objections/{objection['id']}").json()

    response = _rule(imported, objection["id"], second)

    assert_refused(response, 409, "id")
    assert imported.get(f"/api/objections/{objection['id']}").json() == ruled


def test_an_objection_to_a_voided_incident_is_a_conflict(imported: TestClient) -> None:
    assert imported.post("/api/incidents/w29/void", json={"reason": "误标"}).status_code == 200

    response = _file(imported, "w29")

    assert_refused(response, 409, "incident")
    assert imported.get("/api/objections").json()["total"] == 0


def test_a_second_open_objection_is_a_conflict(imported: TestClient) -> None:
    assert _file(imported, "w29").status_code == 201

    assert_refused(_file(imported, "w29", "再次申诉"), 409, "incident")


def test_a_rejected_objection_may_be_followed_by_another(imported: TestClient) -> None:
    first = _file(imported, "w29").json()
    _rule(imported, first["id"], "reject")

    second = _file(imported, "w29", "补充材料")

    assert second.status_code == 201
    statuses = [o["status"] for o in imported.get("/api/incidents/w29").json()["objections"]]
    assert statuses == ["rejected", "open"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"incident": "nope", "reason": "x"}, 404, "incident"),
        ({"incident": "w29"}, 422, "reason"),
        ({"reason": "x"}, 422, "incident"),
        ({"incident": "w29", "reason": "x", "unit": "350403"}, 422, "unit"),
    ],
)
def test_a_bad_objection_is_refused_naming_the_field(
    imported: TestClient, body: dict[str, Any], status: int, field: str
) -> None:
    assert_refused(imported.post("/api/objections", json=body), status, field)


@pytest.mark.parametrize(
    ("objection", "body", "status", "field"),
    [
        ("999", {"decision": "uphold", "reason": "x"}, 404, "id"),
        ("0", {"decision": "uphold", "reason": "x"}, 422, "objection_id"),
        ("1", {"decision": "maybe", "reason": "x"}, 422, "decision"),
        ("1", {"decision": "uphold"}, 422, "reason"),
        ("1", {"decision": "uphold", "reason": " "}, 422, "reason"),
    ],
)
def test_a_bad_ruling_is_refused_naming_the_field(
    imported: TestClient, objection: str, body: dict[str, Any], status: int, field: str
) -> None:
    assert _file(imported, "w29").json()["id"] == 1

    response = imported.post(f"/api/objections/{objection}/ruling", json=body)

    assert_refused(response, status, field)
    assert imported.get("/api/objections/1").json()["status"] == "open"


def test_objections_are_listed_by_status_and_unit(imported: TestClient) -> None:
    ids = {key: _file(imported, key).json()["id"] for key in ("w1", "w22", "w27", "w29")}
    _rule(imported, ids["w1"], "uphold")
    _rule(imported, ids["w27"], "reject")

    def listed(**params: str) -> list[str]:
        page = imported.get("/api/objections", params=params).json()
        assert page["total"] == len(page["items"])
        return sorted(o["incident"] for o in page["items"])

    assert listed() == ["w1", "w22", "w27", "w29"]
    assert listed(status="open") == ["w22", "w29"]
    assert listed(status="upheld") == ["w1"]
    assert listed(status="rejected") == ["w27"]
    assert listed(unit="350403") == ["w27", "w29"]
    assert listed(unit="350400", status="open") == ["w22"]


def test_an_unknown_objection_is_not_found(imported: TestClient) -> None:
    assert_refused(imported.get("/api/objections/999"), 404, "id")
