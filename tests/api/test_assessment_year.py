"""The assessment year as it runs (DESIGN §3): two moments, roll calls charged to their meeting,
one live roll-call deduction per venue, dated units, a fixed edition, finalizing, the objection
deadline."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import LATE_DEADLINE
from .support import (
    assert_refused,
    city_of,
    item_of,
    log_incident,
    standings,
    unit_score,
)

FORMAT = "vcwatch-records/1"
SANMING = {"code": "350400", "name": "三明市", "level": "city"}
MEILIE = {"code": "350402", "name": "梅列区", "level": "county", "parent": "350400"}
FULL_ROOM = {"hd_display": True, "audio": True, "cabling": True}


def records(year: int, **parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": FORMAT, "period": {"year": year, "edition": "2019"}, **parts}


def imported_ok(client: TestClient, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/records", json=document)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def code_of(response: Any) -> str:
    code: str = response.json()["detail"][0]["code"]
    return code


# --- the two moments: the 9.35 county of the issue ------------------------------------------


@pytest.fixture
def county_935(client: TestClient) -> TestClient:
    """梅列区 in 2019: one leader's criticism (upheld on 2020-01-20), one phone incident, at
    year end one room and no 专职人员 — both fixed on 2020-01-15. 三明市's own venue is complete
    (a city needs no rooms)."""
    imported_ok(
        client,
        records(
            2019,
            units=[SANMING, MEILIE],
            meetings=[{"key": "m1", "title": "全省会议", "starts_at": "2019-06-03T09:00:00+08:00"}],
            incidents=[
                {
                    "key": "crit",
                    "unit": "350402",
                    "type": "criticism.named_by_leader",
                    "meeting": "m1",
                    "at": "2019-06-03T09:30:00+08:00",
                    "voided": {"reason": "申诉成立", "at": "2020-01-20T10:00:00+08:00"},
                },
                {
                    "key": "phone",
                    "unit": "350402",
                    "type": "conduct.phone",
                    "meeting": "m1",
                    "at": "2019-06-03T09:40:00+08:00",
                },
            ],
            rooms=[
                {"unit": "350402", "name": "一号室", "at": "2019-01-05T00:00:00+08:00",
                 "equipment": FULL_ROOM},
                {"unit": "350402", "name": "二号室", "at": "2020-01-15T00:00:00+08:00",
                 "equipment": FULL_ROOM},
                {"unit": "350402", "name": "三号室", "at": "2020-01-15T00:00:00+08:00",
                 "equipment": FULL_ROOM},
            ],
            staffing=[
                {"unit": "350400", "at": "2019-01-05T00:00:00+08:00", "leaders": ["王"],
                 "staff": ["赵"]},
                {"unit": "350402", "at": "2019-01-05T00:00:00+08:00", "leaders": ["张"],
                 "staff": []},
                {"unit": "350402", "at": "2020-01-15T00:00:00+08:00", "leaders": ["张"],
                 "staff": ["李"]},
            ],
        ),
    )  # fmt: skip
    return client


@pytest.mark.parametrize(
    ("as_of", "score"),
    [
        pytest.param("2019-12-31T23:59:59+08:00", "8.85", id="at-year-end"),
        pytest.param("2020-01-10T00:00:00+08:00", "8.85", id="before-the-ruling"),
        pytest.param("2020-01-20T10:00:00+08:00", "9.35", id="at-the-ruling"),
        pytest.param("2020-02-01T00:00:00+08:00", "9.35", id="after-the-register-was-fixed"),
    ],
)
def test_the_ruling_counts_from_its_moment_on_the_year_end_register(
    county_935: TestClient, as_of: str, score: str
) -> None:
    body = standings(county_935, as_of=as_of)

    assert body["as_of"] == as_of
    assert body["register_at"] == "2019-12-31T23:59:59+08:00"
    assert city_of(body)["score"] == score


def test_the_935_county_before_the_ruling_after_it_and_after_finalizing(
    county_935: TestClient,
) -> None:
    before = standings(county_935, as_of="2020-01-10T00:00:00+08:00")
    after = standings(county_935)
    finalized = county_935.post("/api/periods/2019/finalize", json={"note": "年度考核定稿"})
    final = county_935.get("/api/scores", params={"year": 2019}).json()

    assert city_of(before)["score"] == "8.85"
    assert city_of(after)["score"] == "9.35"
    county = unit_score(after, "350402")
    assert county["deduction"] == "0.65"
    assert [
        item_of(county["items"], c)["raw"] for c in ("venue_order", "hd_rooms", "staffing")
    ] == [
        "0.05",
        "0.10",
        "0.50",
    ]
    assert item_of(county["items"], "leader_criticism")["occurrences"] == 0
    assert finalized.status_code == 200, finalized.text
    assert (final["final"], final["finalized_by"]) == (True, "admin")
    assert final["finalized_at"] == finalized.json()["finalized_at"]
    assert city_of(final)["score"] == "9.35"
    assert final["register_at"] == "2019-12-31T23:59:59+08:00"
    # A moment before the finalizing is still recomputed from history.
    assert city_of(standings(county_935, as_of="2020-01-10T00:00:00+08:00"))["score"] == "8.85"
    assert standings(county_935, as_of="2020-01-10T00:00:00+08:00")["final"] is False


# --- roll calls: charged to their meeting's year, one live deduction per venue ---------------


@pytest.fixture
def december_meeting(imported: TestClient) -> str:
    body = {"key": "m-1231", "title": "全省年终视频会议", "starts_at": "2019-12-31T09:00:00+08:00"}
    response = imported.post("/api/meetings", json=body)
    assert response.status_code == 201, response.text
    return "m-1231"


def mark(client: TestClient, meeting: str, status: str, unit: str = "350403") -> dict[str, Any]:
    response = client.put(
        f"/api/meetings/{meeting}/roll-call/half_day/{unit}", json={"status": status}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def roll_call_of(client: TestClient, unit: str, **params: str) -> dict[str, Any]:
    return item_of(unit_score(standings(client, **params), unit)["items"], "roll_call")


def test_a_mark_entered_years_later_charges_the_meetings_year(
    imported: TestClient, december_meeting: str
) -> None:
    before = roll_call_of(imported, "350403")["occurrences"]

    late = mark(imported, december_meeting, "late")

    incident = imported.get(f"/api/incidents/{late['incident']}").json()
    assert incident["at"] == "2019-12-30T21:00:00+08:00"  # 会前半天: the start − 12 h
    assert late["marked_at"][:4] >= "2026"
    assert roll_call_of(imported, "350403")["occurrences"] == before + 1


def test_a_december_mark_changed_in_january_stays_in_december(
    imported: TestClient, december_meeting: str
) -> None:
    before = roll_call_of(imported, "350403")
    late = mark(imported, december_meeting, "late")

    absent = mark(imported, december_meeting, "absent")

    voided = imported.get(f"/api/incidents/{late['incident']}").json()
    replacing = imported.get(f"/api/incidents/{absent['incident']}").json()
    assert voided["voided"] is not None
    assert (replacing["type"], replacing["at"]) == (
        "roll_call.absent",
        "2019-12-30T21:00:00+08:00",
    )
    after = roll_call_of(imported, "350403")
    assert after["occurrences"] == before["occurrences"] + 1
    mark(imported, december_meeting, "present")
    assert roll_call_of(imported, "350403")["occurrences"] == before["occurrences"]


def test_a_second_live_roll_call_incident_is_refused_by_the_api(
    imported: TestClient, december_meeting: str
) -> None:
    payload = {
        "unit": "350403",
        "type": "roll_call.late",
        "meeting": december_meeting,
        "checkpoint": "two_hours",
    }
    first = log_incident(imported, "rc-1", **payload)

    second = log_incident(imported, "rc-2", **(payload | {"type": "roll_call.absent"}))

    assert first.status_code == 201, first.text
    assert first.json()["at"] == "2019-12-31T07:00:00+08:00"
    assert_refused(second, 409, "checkpoint")
    assert code_of(second) == "incident.roll_call_taken"
    message = second.json()["detail"][0]["msg"]
    assert "rc-1" in message
    assert f"/api/meetings/{december_meeting}/roll-call/two_hours/350403" in message
    assert imported.get("/api/incidents/rc-2").status_code == 404


@pytest.mark.parametrize("missing", ["meeting", "checkpoint"])
def test_a_roll_call_incident_names_its_meeting_and_checkpoint(
    imported: TestClient, december_meeting: str, missing: str
) -> None:
    payload = {
        "unit": "350403",
        "type": "roll_call.late",
        "meeting": december_meeting,
        "checkpoint": "half_day",
        "at": "2019-12-30T21:10:00+08:00",
    }
    del payload[missing]

    response = log_incident(imported, "rc-x", **payload)

    assert_refused(response, 422, missing)
    assert code_of(response) == "incident.roll_call_unplaced"


def test_duplicate_roll_call_incidents_are_refused_by_import_naming_both(
    imported: TestClient,
) -> None:
    total = imported.get("/api/incidents", params={"limit": "1"}).json()["total"]
    roll_call = {
        "unit": "350403",
        "type": "roll_call.late",
        "meeting": "2019-03-05",
        "checkpoint": "two_hours",
        "at": "2019-03-05T07:10:00+08:00",
    }
    document = records(
        2019,
        meetings=[
            {"key": "2019-03-05", "title": "全省会议", "starts_at": "2019-03-05T09:00:00+08:00"}
        ],
        incidents=[{"key": "dup-1", **roll_call}, {"key": "dup-2", **roll_call}],
    )

    response = imported.post("/api/records", json=document)

    assert_refused(response, 409, "incidents[1].checkpoint")
    message = response.json()["detail"][0]["msg"]
    assert "dup-1" in message and "dup-2" in message
    assert imported.get("/api/incidents", params={"limit": "1"}).json()["total"] == total


def test_an_import_cannot_add_a_second_live_roll_call_to_a_stored_one(
    imported: TestClient, december_meeting: str
) -> None:
    stored = mark(imported, december_meeting, "late")
    document = records(
        2019,
        incidents=[
            {
                "key": "dup-3",
                "unit": "350403",
                "type": "roll_call.absent",
                "meeting": december_meeting,
                "checkpoint": "half_day",
                "at": "2019-12-30T21:00:00+08:00",
            }
        ],
    )

    response = imported.post("/api/records", json=document)

    assert_refused(response, 409, "incidents[0].checkpoint")
    assert stored["incident"] in response.json()["detail"][0]["msg"]


# --- units with dates ------------------------------------------------------------------------


@pytest.fixture
def dated_units(client: TestClient) -> TestClient:
    """2019–2022; 梅列区 abolished and the new 三元区 established on 2021-03-01; 明溪县 moves
    to 福州市 on 2021-07-01. Nobody has rooms or staff."""
    for year in (2019, 2021, 2022):
        assert client.put(f"/api/periods/{year}", json={"edition": "2019"}).status_code == 200
    imported_ok(
        client,
        records(
            2021,
            units=[
                SANMING,
                {"code": "350100", "name": "福州市", "level": "city"},
                MEILIE | {"abolished": "2021-03-01"},
                {"code": "350404", "name": "三元区", "level": "county", "parent": "350400",
                 "established": "2021-03-01"},
                {"code": "350421", "name": "明溪县", "level": "county", "parent": "350400"},
            ],
            parent_changes=[{"code": "350421", "parent": "350100", "from": "2021-07-01"}],
            incidents=[
                {"key": "mx-spring", "unit": "350421", "type": "install.no_tech_staff",
                 "at": "2021-03-10T10:00:00+08:00"},
                {"key": "mx-autumn", "unit": "350421", "type": "install.no_tech_staff",
                 "at": "2021-09-10T10:00:00+08:00"},
                {"key": "ml-jan", "unit": "350402", "type": "install.no_tech_staff",
                 "at": "2021-01-10T10:00:00+08:00"},
            ],
        ),
    )  # fmt: skip
    return client


def counties_of(body: dict[str, Any], city: str) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in city_of(body, city)["counties"]}


def occurrences(county: dict[str, Any], item: str) -> int:
    count: int = item_of(county["items"], item)["occurrences"]
    return count


def test_a_county_established_in_2021_is_absent_from_2019_and_present_in_2021(
    dated_units: TestClient,
) -> None:
    in_2019 = counties_of(standings(dated_units, 2019), "350400")
    in_2021 = counties_of(standings(dated_units, 2021), "350400")

    assert "350404" not in in_2019
    assert "350404" in in_2021
    assert occurrences(in_2021["350404"], "hd_rooms") == 3
    assert occurrences(in_2021["350404"], "staffing") == 1


def test_an_abolished_county_is_charged_nothing_after_it_ended(dated_units: TestClient) -> None:
    in_2021 = counties_of(standings(dated_units, 2021), "350400")
    in_2022 = counties_of(standings(dated_units, 2022), "350400")
    late = log_incident(
        dated_units,
        "ml-late",
        unit="350402",
        type="install.no_tech_staff",
        at="2021-06-01T10:00:00+08:00",
    )

    assert "350402" not in in_2022
    county = in_2021["350402"]
    assert occurrences(county, "install_cooperation") == 1  # January, while it existed
    assert (occurrences(county, "hd_rooms"), occurrences(county, "staffing")) == (0, 0)
    assert_refused(late, 422, "unit")
    assert code_of(late) == "unit.not_existing"


def test_a_reparented_county_is_charged_to_its_parent_of_the_time(
    dated_units: TestClient,
) -> None:
    body = standings(dated_units, 2021)
    under_sanming = counties_of(body, "350400")["350421"]
    under_fuzhou = counties_of(body, "350100")["350421"]

    assert occurrences(under_sanming, "install_cooperation") == 1
    assert occurrences(under_sanming, "hd_rooms") == 0
    assert occurrences(under_fuzhou, "install_cooperation") == 1
    assert occurrences(under_fuzhou, "hd_rooms") == 3  # at register_at it belongs to 福州市
    in_2019 = standings(dated_units, 2019)
    assert "350421" in counties_of(in_2019, "350400")
    assert "350421" not in counties_of(in_2019, "350100")
    unit = dated_units.get("/api/units/350421").json()
    assert unit["parent"] == "350100"
    assert unit["parent_changes"] == [{"parent": "350100", "from": "2021-07-01"}]


def test_an_import_never_reparents_a_unit_without_a_date(dated_units: TestClient) -> None:
    moved = {"code": "350421", "name": "明溪县", "level": "county", "parent": "350100"}

    response = dated_units.post("/api/records", json=records(2021, units=[SANMING, moved]))

    assert_refused(response, 422, "units[1].parent")
    assert code_of(response) == "unit.parent_undated"


def test_dated_units_survive_export_and_reimport(dated_units: TestClient) -> None:
    exported = dated_units.get("/api/records", params={"year": 2021}).json()

    again = dated_units.post("/api/records", json=exported)

    assert exported["parent_changes"] == [
        {"code": "350421", "parent": "350100", "from": "2021-07-01"}
    ]
    units = {u["code"]: u for u in exported["units"]}
    assert units["350404"]["established"] == "2021-03-01"
    assert units["350402"]["abolished"] == "2021-03-01"
    assert again.status_code == 201, again.text
    assert again.json()["units"] == 0


# --- the edition of a year is fixed ------------------------------------------------------------


def test_an_import_cannot_switch_a_years_edition(imported: TestClient) -> None:
    before = standings(imported)
    document = {"format": FORMAT, "period": {"year": 2019, "edition": "2017"}}

    response = imported.post("/api/records", json=document)

    assert_refused(response, 409, "period.edition")
    assert code_of(response) == "period.edition_fixed"
    assert imported.get("/api/periods/2019").json()["edition"] == "2019"
    assert standings(imported) == before


def test_changing_an_edition_in_use_needs_force_and_a_reason_and_is_audited(
    client: TestClient,
) -> None:
    imported_ok(
        client,
        {
            "format": FORMAT,
            "period": {"year": 2018, "edition": "2019"},
            "units": [SANMING],
            "incidents": [
                {"key": "p18", "unit": "350400", "type": "conduct.phone",
                 "at": "2018-05-01T10:00:00+08:00"}
            ],
        },
    )  # fmt: skip

    unforced = client.put("/api/periods/2018", json={"edition": "2017"})
    unexplained = client.put("/api/periods/2018", json={"edition": "2017", "force": True})
    forced = client.put(
        "/api/periods/2018", json={"edition": "2017", "force": True, "reason": "按2017版考核"}
    )

    assert_refused(unforced, 409, "edition")
    assert code_of(unforced) == "period.edition_in_use"
    assert_refused(unexplained, 422, "reason")
    assert forced.status_code == 200, forced.text
    assert forced.json()["edition"] == "2017"
    audit = client.get("/api/audit", params={"action": "period.edition_changed"}).json()
    entries = audit["items"] if isinstance(audit, dict) else audit
    assert any(e["after"].get("reason") == "按2017版考核" for e in entries)


# --- finalizing --------------------------------------------------------------------------------


def writes_into_2019(client: TestClient) -> dict[str, Any]:
    """One of each write that would change 2019."""
    objection = client.post("/api/objections", json={"incident": "w1", "reason": "有异议"})
    return {
        "incident": log_incident(
            client, "fin-1", unit="350402", type="conduct.phone", at="2019-06-01T10:00:00+08:00"
        ),
        "void": client.post("/api/incidents/w2/void", json={"reason": "误标"}),
        "objection": objection,
        "import": client.post(
            "/api/records",
            json=records(
                2019,
                incidents=[
                    {
                        "key": "fin-2",
                        "unit": "350402",
                        "type": "conduct.phone",
                        "at": "2019-06-02T10:00:00+08:00",
                    }
                ],
            ),
        ),
        "room": client.post(
            "/api/rooms",
            json={"unit": "350402", "name": "新会议室", "at": "2019-06-01T00:00:00+08:00"},
        ),
    }


def test_finalize_refuses_writes_until_reopened(imported: TestClient) -> None:
    before = standings(imported)
    finalized = imported.post("/api/periods/2019/finalize", json={"note": "定稿"})
    refused = writes_into_2019(imported)

    assert finalized.status_code == 200, finalized.text
    for what, response in refused.items():
        if what == "objection":
            continue  # filing changes nothing; its ruling would
        assert response.status_code == 409, (what, response.text)
        assert code_of(response) == "period.finalized", what
        assert "2019" in response.json()["detail"][0]["msg"]
    final = imported.get("/api/scores", params={"year": 2019}).json()
    assert final["final"] is True
    assert {
        k: v
        for k, v in final.items()
        if k not in ("as_of", "final", "finalized_at", "finalized_by")
    } == {k: v for k, v in before.items() if k not in ("final", "finalized_at", "finalized_by")}
    objection_id = refused["objection"].json()["id"]
    ruling = imported.post(
        f"/api/objections/{objection_id}/ruling", json={"decision": "uphold", "reason": "属实"}
    )
    assert code_of(ruling) == "period.finalized"

    reopened = imported.post("/api/periods/2019/reopen", json={"reason": "更正"})

    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["final"] is False
    assert standings(imported)["final"] is False
    allowed = writes_into_2019(imported)
    for what in ("incident", "void", "import", "room"):
        assert allowed[what].status_code in (200, 201), (what, allowed[what].text)
    ruling = imported.post(
        f"/api/objections/{objection_id}/ruling", json={"decision": "uphold", "reason": "属实"}
    )
    assert ruling.status_code == 200, ruling.text
    actions = {e["action"] for e in _audit(imported) if e["action"].startswith("period.")}
    assert {"period.finalized", "period.reopened"} <= actions


def _audit(client: TestClient) -> list[dict[str, Any]]:
    body = client.get("/api/audit", params={"limit": "200"}).json()
    entries: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
    return entries


def test_finalizing_with_open_objections_needs_confirmation_and_lists_them(
    imported: TestClient,
) -> None:
    filed = imported.post("/api/objections", json={"incident": "w1", "reason": "已签到"}).json()

    refused = imported.post("/api/periods/2019/finalize", json={"note": "定稿"})
    confirmed = imported.post(
        "/api/periods/2019/finalize", json={"note": "定稿", "confirm_open_objections": True}
    )

    assert_refused(refused, 409, "confirm_open_objections")
    assert code_of(refused) == "period.open_objections"
    assert f"#{filed['id']}" in refused.json()["detail"][0]["msg"]
    assert confirmed.status_code == 200, confirmed.text
    assert [o["id"] for o in confirmed.json()["open_objections"]] == [filed["id"]]


def test_only_an_admin_reopens_and_only_reviewers_and_admins_finalize(
    imported: TestClient, login: Any
) -> None:
    reviewer = login("reviewer")
    controller = login("controller")

    assert controller.post("/api/periods/2019/finalize", json={"note": "x"}).status_code == 403
    assert reviewer.post("/api/periods/2019/finalize", json={"note": "x"}).status_code == 200
    assert reviewer.post("/api/periods/2019/reopen", json={"reason": "x"}).status_code == 403
    assert imported.post("/api/periods/2019/reopen", json={"reason": "x"}).status_code == 200


# --- the objection deadline --------------------------------------------------------------------


def test_no_objection_after_the_deadline(
    client: TestClient, login: Any, worked_example: Any
) -> None:
    imported_ok(client, worked_example)
    county = login("county_it", unit="350402")
    status = client.get("/api/periods/2019/status").json()

    late = county.post("/api/objections", json={"incident": "w1", "reason": "已签到"})
    client.put("/api/periods/2019", json={"objection_deadline": LATE_DEADLINE})
    in_time = county.post("/api/objections", json={"incident": "w1", "reason": "已签到"})
    reopened = client.get("/api/periods/2019/status").json()

    assert status["objection_deadline"] == "2020-01-31"
    assert status["objection_days_left"] == 0
    assert_refused(late, 409, "incident")
    assert code_of(late) == "objection.deadline_passed"
    assert in_time.status_code == 201, in_time.text
    assert reopened["objection_deadline"] == LATE_DEADLINE
    assert reopened["objection_days_left"] > 0
    assert [o["incident"] for o in reopened["open_objections"]] == ["w1"]
    own = county.get("/api/periods/2019/status").json()
    other = login("county_it", unit="350403").get("/api/periods/2019/status").json()
    assert [o["incident"] for o in own["open_objections"]] == ["w1"]
    assert other["open_objections"] == []


def test_two_states_of_one_room_at_one_moment_in_one_file_are_refused(
    imported: TestClient,
) -> None:
    room = {"unit": "350402", "name": "四号室", "at": "2019-08-01T00:00:00+08:00"}
    document = records(
        2019,
        rooms=[room | {"equipment": FULL_ROOM}, room | {"equipment": {"audio": True}}],
    )

    response = imported.post("/api/records", json=document)

    assert_refused(response, 409, "rooms[1]")
    assert code_of(response) == "room.two_states"
    assert "rooms[0]" in response.json()["detail"][0]["msg"]
