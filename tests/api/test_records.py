"""Import and export of the interchange file (`vcwatch-records/1`) through the API."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import LATE_DEADLINE
from .support import assert_refused, incident_total, period_public, standings

Mutation = Callable[[dict[str, Any]], None]


def _append_incident(**fields: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        incident = {
            "key": "bad-1",
            "unit": "350402",
            "type": "conduct.phone",
            "at": "2019-05-05T09:30:00+08:00",
        }
        incident.update(fields)
        data["incidents"].append({k: v for k, v in incident.items() if v is not None})

    return mutate


def _change_incident(index: int, **fields: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["incidents"][index].update(fields)

    return mutate


def _append(section: str, record: dict[str, Any]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[section].append(record)

    return mutate


def _with_new_records(worked_example: dict[str, Any]) -> dict[str, Any]:
    """The worked example plus records that are new to a database already holding it, so a file
    that is not refused as a whole would visibly change something."""
    data = copy.deepcopy(worked_example)
    data["units"].append(
        {"code": "350421", "name": "明溪县", "level": "county", "parent": "350400"}
    )
    data["meetings"].append(
        {"key": "new-m", "title": "新会议", "starts_at": "2019-07-01T09:00:00+08:00"}
    )
    for n in range(3):
        data["incidents"].append(
            {
                "key": f"new-{n}",
                "unit": "350421",
                "type": "criticism.named_by_leader",
                "at": "2019-07-01T10:00:00+08:00",
                "meeting": "new-m",
            }
        )
    data["rooms"].append(
        {
            "unit": "350421",
            "name": "县政府会议室",
            "at": "2019-07-01T00:00:00+08:00",
            "equipment": {"hd_display": True, "audio": True, "cabling": True},
        }
    )
    data["staffing"].append(
        {"unit": "350421", "at": "2019-07-01T00:00:00+08:00", "leaders": ["甲"], "staff": ["乙"]}
    )
    return data


def test_import_of_the_worked_example_reports_what_it_added(
    client: TestClient, worked_example: dict[str, Any]
) -> None:
    response = client.post("/api/records", json=worked_example)

    assert response.status_code == 201
    assert response.json() == {
        "period": period_public(2019, "2019"),
        "units": 3,
        "meetings": 20,
        "incidents": 29,
        "incidents_unchanged": 0,
        "rooms": 4,
        "staffing": 3,
    }
    assert incident_total(client) == 29
    assert client.get("/api/periods/2019").json() == period_public(2019, "2019")


def test_importing_the_same_file_again_changes_nothing(
    imported: TestClient, worked_example: dict[str, Any]
) -> None:
    before = standings(imported)

    response = imported.post("/api/records", json=worked_example)

    assert response.status_code == 201
    assert response.json() == {
        "period": period_public(2019, "2019", objection_deadline=LATE_DEADLINE),
        "units": 0,
        "meetings": 0,
        "incidents": 0,
        "incidents_unchanged": 29,
        "rooms": 0,
        "staffing": 0,
    }
    assert standings(imported) == before
    assert incident_total(imported) == 29
    assert len(imported.get("/api/units/350402/rooms/history").json()) == 3
    assert len(imported.get("/api/units/350402/staffing").json()) == 1


def test_units_may_come_in_any_order(client: TestClient, worked_example: dict[str, Any]) -> None:
    worked_example["units"].reverse()

    response = client.post("/api/records", json=worked_example)

    assert response.status_code == 201
    assert standings(client)["cities"][0]["score"] == "7.60"


def test_a_file_whose_records_are_all_valid_imports_completely(
    imported: TestClient, worked_example: dict[str, Any]
) -> None:
    response = imported.post("/api/records", json=_with_new_records(worked_example))

    assert response.status_code == 201
    summary = response.json()
    assert (summary["units"], summary["meetings"], summary["incidents"]) == (1, 1, 3)
    assert (summary["incidents_unchanged"], summary["rooms"], summary["staffing"]) == (29, 1, 1)
    assert imported.get("/api/units/350421").json()["parent"] == "350400"


BAD_RECORDS: list[Any] = [
    pytest.param(
        _append_incident(type="conduct.dancing"), 422, "incidents[32].type", id="unknown-type"
    ),
    pytest.param(
        _append_incident(type="venue.picture_lost"),
        422,
        "incidents[32].type",
        id="type-of-another-edition",
    ),
    pytest.param(_append_incident(unit="350499"), 422, "incidents[32].unit", id="unknown-unit"),
    pytest.param(
        _append_incident(at="2020-01-01T00:00:00+08:00"),
        422,
        "incidents[32].at",
        id="after-the-year",
    ),
    pytest.param(
        _append_incident(at="2018-12-31T23:59:59+08:00"),
        422,
        "incidents[32].at",
        id="before-the-year",
    ),
    pytest.param(
        _append_incident(at="2019-12-31T16:00:00+00:00"),
        422,
        "incidents[32].at",
        id="new-year-in-shanghai",
    ),
    pytest.param(
        _append_incident(key="w1", type="roll_call.absent", meeting="m00", checkpoint="two_hours"),
        422,
        "incidents[32].key",
        id="key-twice-in-the-file",
    ),
    pytest.param(
        _change_incident(5, type="conduct.phone", checkpoint=None),
        409,
        "incidents[5].key",
        id="known-key-other-details",
    ),
    pytest.param(
        _append_incident(meeting="nowhere"), 422, "incidents[32].meeting", id="unknown-meeting"
    ),
    pytest.param(
        _append_incident(checkpoint="half_day"),
        422,
        "incidents[32].checkpoint",
        id="checkpoint-on-conduct",
    ),
    pytest.param(
        _append_incident(voided={"reason": "误标", "at": "2019-05-05T09:00:00+08:00"}),
        422,
        "incidents[32].voided.at",
        id="voided-before-seen",
    ),
    pytest.param(_append_incident(at=None), 422, "incidents[32].at", id="missing-time"),
    pytest.param(
        _append_incident(at="2019-05-05T09:30:00"), 422, "incidents[32].at", id="time-no-offset"
    ),
    pytest.param(_append_incident(colour="red"), 422, "incidents[32].colour", id="unknown-field"),
    pytest.param(
        _append_incident(source="rumour"), 422, "incidents[32].source", id="unknown-source"
    ),
    pytest.param(
        _append("rooms", {"unit": "350499", "name": "x", "at": "2019-01-05T00:00:00+08:00"}),
        422,
        "rooms[5].unit",
        id="room-of-unknown-unit",
    ),
    pytest.param(
        _append("staffing", {"unit": "350499", "at": "2019-01-05T00:00:00+08:00"}),
        422,
        "staffing[4].unit",
        id="staffing-of-unknown-unit",
    ),
    pytest.param(
        _append("units", {"code": "350499", "name": "某县", "level": "county", "parent": "350402"}),
        422,
        "units[4].parent",
        id="county-under-a-county",
    ),
    pytest.param(
        _append(
            "meetings",
            {"key": "m00", "title": "另一个会", "starts_at": "2019-01-10T09:00:00+08:00"},
        ),
        409,
        "meetings[21]",
        id="known-meeting-other-details",
    ),
]


@pytest.mark.parametrize(("mutate", "status", "field"), BAD_RECORDS)
def test_a_file_with_one_bad_record_is_refused_whole_and_changes_nothing(
    imported: TestClient,
    worked_example: dict[str, Any],
    mutate: Mutation,
    status: int,
    field: str,
) -> None:
    data = _with_new_records(worked_example)
    mutate(data)
    scores_before = standings(imported)
    total_before = incident_total(imported)
    meetings_before = imported.get("/api/meetings").json()["total"]

    response = imported.post("/api/records", json=data)

    assert_refused(response, status, field)
    assert standings(imported) == scores_before
    assert incident_total(imported) == total_before
    assert imported.get("/api/meetings").json()["total"] == meetings_before
    assert imported.get("/api/units/350421").status_code == 404
    assert imported.get("/api/incidents/new-0").status_code == 404


def test_a_bad_file_into_an_empty_database_leaves_it_empty(
    client: TestClient, worked_example: dict[str, Any]
) -> None:
    worked_example["incidents"][28]["type"] = "conduct.dancing"

    response = client.post("/api/records", json=worked_example)

    assert_refused(response, 422, "incidents[28].type")
    assert client.get("/api/units").json() == []
    assert client.get("/api/periods").json() == []
    assert client.get("/api/meetings").json()["total"] == 0


def test_a_file_of_another_format_is_refused(
    client: TestClient, worked_example: dict[str, Any]
) -> None:
    worked_example["format"] = "vcwatch-records/2"

    assert_refused(client.post("/api/records", json=worked_example), 422, "format")


def test_a_file_of_an_unknown_edition_is_refused(
    client: TestClient, worked_example: dict[str, Any]
) -> None:
    worked_example["period"]["edition"] = "2018"

    assert_refused(client.post("/api/records", json=worked_example), 422, "period.edition")
    assert client.get("/api/periods").json() == []


def _without_defaults(incident: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in incident.items() if (k, v) != ("source", "online_monitoring")}


def _room(room: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in room.items() if (k, v) != ("removed", False)}


def _room_key(room: dict[str, Any]) -> tuple[str, str]:
    return room["unit"], room["name"]


def test_export_holds_the_content_of_the_imported_file(
    imported: TestClient, worked_example: dict[str, Any]
) -> None:
    response = imported.get("/api/records", params={"year": 2019})

    assert response.status_code == 200
    exported = response.json()
    assert exported["format"] == "vcwatch-records/1"
    assert exported["period"] == {"year": 2019, "edition": "2019"}
    by_code = {u["code"]: u for u in exported["units"]}
    assert by_code == {u["code"]: u for u in worked_example["units"]}
    assert sorted(exported["meetings"], key=lambda m: m["key"]) == sorted(
        worked_example["meetings"], key=lambda m: m["key"]
    )
    assert {i["key"]: _without_defaults(i) for i in exported["incidents"]} == {
        i["key"]: _without_defaults(i) for i in worked_example["incidents"]
    }
    assert sorted(map(_room, exported["rooms"]), key=_room_key) == sorted(
        worked_example["rooms"], key=_room_key
    )
    assert sorted(exported["staffing"], key=lambda s: s["unit"]) == sorted(
        worked_example["staffing"], key=lambda s: s["unit"]
    )


def test_importing_the_export_changes_nothing(imported: TestClient) -> None:
    imported.post("/api/incidents/w23/void", json={"reason": "误标"})
    before = standings(imported, as_of="2099-01-01T00:00:00+08:00")
    exported = imported.get("/api/records", params={"year": 2019}).json()

    response = imported.post("/api/records", json=exported)

    assert response.status_code == 201
    summary = response.json()
    assert (summary["units"], summary["meetings"], summary["incidents"]) == (0, 0, 0)
    assert (summary["incidents_unchanged"], summary["rooms"], summary["staffing"]) == (29, 0, 0)
    assert standings(imported, as_of="2099-01-01T00:00:00+08:00") == before
    assert imported.get("/api/records", params={"year": 2019}).json() == exported


def test_export_carries_a_void_with_its_reason(imported: TestClient) -> None:
    imported.post("/api/incidents/w23/void", json={"reason": "误标"})

    exported = imported.get("/api/records", params={"year": 2019}).json()

    (incident,) = [i for i in exported["incidents"] if i["key"] == "w23"]
    assert incident["voided"]["reason"] == "误标"
    assert set(incident["voided"]) >= {"reason", "at"}


def test_export_of_a_year_without_period_is_refused(imported: TestClient) -> None:
    assert_refused(imported.get("/api/records", params={"year": 2018}), 422, "year")


def test_an_upheld_objection_survives_export_and_reimport(imported: TestClient) -> None:
    objection = imported.post("/api/objections", json={"incident": "w29", "reason": "已参加"})
    ruling = {"decision": "uphold", "reason": "经核实，" + "已参加联调" * 39}
    assert len(ruling["reason"]) == 199
    response = imported.post(f"/api/objections/{objection.json()['id']}/ruling", json=ruling)
    assert response.status_code == 200

    exported = imported.get("/api/records", params={"year": 2019})

    assert exported.status_code == 200
    (incident,) = [i for i in exported.json()["incidents"] if i["key"] == "w29"]
    assert incident["voided"]["reason"].endswith(ruling["reason"])
    again = imported.post("/api/records", json=exported.json())
    assert again.status_code == 201
    assert again.json()["incidents_unchanged"] == 29


@pytest.mark.parametrize(
    ("section", "record", "field"),
    [
        (
            "units",
            {"code": "350421", "name": "县" * 65, "level": "county", "parent": "350400"},
            "units[3].name",
        ),
        (
            "incidents",
            {
                "key": "v1",
                "unit": "350402",
                "type": "conduct.phone",
                "at": "2019-05-05T10:00:00+08:00",
                "voided": {"reason": "误标", "at": "2019-05-06T10:00:00+08:00", "by": "u" * 65},
            },
            "incidents[29].voided.by",
        ),
    ],
)
def test_names_longer_than_their_columns_are_refused(
    client: TestClient,
    worked_example: dict[str, Any],
    section: str,
    record: dict[str, Any],
    field: str,
) -> None:
    worked_example[section].append(record)

    assert_refused(client.post("/api/records", json=worked_example), 422, field)
    assert client.get("/api/units").json() == []


def test_a_unit_name_of_64_characters_is_kept_whole(imported: TestClient) -> None:
    name = "县" * 64

    response = imported.post(
        "/api/units", json={"code": "350421", "name": name, "level": "county", "parent": "350400"}
    )

    assert response.status_code == 201
    assert imported.get("/api/units/350421").json()["name"] == name
    assert_refused(
        imported.post("/api/units", json={"code": "350423", "name": name + "县", "level": "city"}),
        422,
        "name",
    )


def _fuzhou_takes(*codes: str, demote: bool = True) -> dict[str, Any]:
    units: list[dict[str, Any]] = [{"code": "350100", "name": "福州市", "level": "city"}]
    if demote:
        units.append({"code": "350400", "name": "三明市", "level": "county", "parent": "350100"})
    names = {"350402": "梅列区", "350403": "三元区"}
    units += [
        {"code": code, "name": names[code], "level": "county", "parent": "350100"} for code in codes
    ]
    return {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "units": units,
    }


def test_a_city_keeping_its_counties_cannot_become_a_county(imported: TestClient) -> None:
    before = standings(imported)

    response = imported.post("/api/records", json=_fuzhou_takes("350402"))

    assert_refused(response, 422, "units[1].level")
    assert standings(imported) == before
    assert imported.get("/api/units/350400").json()["level"] == "city"


def test_an_import_never_silently_relevels_a_unit(imported: TestClient) -> None:
    """Issue 14 #18: a city whose counties all move away still stays a city (a unit that
    changes level is abolished and established under a new code)."""
    before = standings(imported)

    response = imported.post("/api/records", json=_fuzhou_takes("350402", "350403"))

    assert_refused(response, 422, "units[1].level")
    assert response.json()["detail"][0]["code"] == "unit.level_fixed"
    assert standings(imported) == before
