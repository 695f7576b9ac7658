from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.demo_records import build_demo_records

SHANGHAI = ZoneInfo("Asia/Shanghai")

UNIT_CODES = {
    "350400": "三明市",
    "350402": "梅列区",
    "350403": "三元区",
    "350421": "明溪县",
    "350423": "清流县",
    "350424": "宁化县",
    "350425": "大田县",
    "350426": "尤溪县",
    "350427": "沙县",
    "350428": "将乐县",
    "350429": "泰宁县",
    "350430": "建宁县",
    "350481": "永安市",
}
# Established on 2021-03-01 (三明市's change of 2021): listed, dated, without records in 2019.
ESTABLISHED_2021 = {"350404": "三元区", "350405": "沙县区"}

TYPES_2019 = {
    "roll_call.absent",
    "roll_call.late",
    "venue.furniture",
    "venue.background",
    "venue.lighting",
    "venue.framing",
    "venue.poor_picture",
    "venue.tilted_picture",
    "venue.interference",
    "conduct.whispering",
    "conduct.sleeping",
    "conduct.smoking",
    "conduct.reading_book",
    "conduct.reading_newspaper",
    "conduct.phone",
    "install.no_tech_staff",
    "install.poor_cooperation",
    "install.skipped_joint_debug",
    "criticism.named_by_leader",
}
TYPES_2017 = (TYPES_2019 - {"install.skipped_joint_debug", "criticism.named_by_leader"}) | {
    "venue.picture_moved",
    "venue.picture_lost",
}

# item: (per occurrence, cap) of the 2019 edition, DESIGN §3.
ITEMS_2019 = {
    "roll_call": (Decimal("0.05"), Decimal("1.00")),
    "venue_order": (Decimal("0.05"), Decimal("2.00")),
    "hd_rooms": (Decimal("0.05"), Decimal("1.00")),
    "room_equipment": (Decimal("0.10"), Decimal("2.00")),
    "staffing": (Decimal("0.50"), Decimal("2.00")),
    "install_cooperation": (Decimal("0.20"), Decimal("2.00")),
    "leader_criticism": (Decimal("0.50"), Decimal("10.00")),
}


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None, text
    return moment


def _item_of(type_code: str) -> str:
    prefix = type_code.split(".")[0]
    return {
        "roll_call": "roll_call",
        "venue": "venue_order",
        "conduct": "venue_order",
        "install": "install_cooperation",
        "criticism": "leader_criticism",
    }[prefix]


def _year_end_rooms(document: dict[str, Any]) -> dict[str, dict[str, dict[str, bool]]]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for room in sorted(document["rooms"], key=lambda room: _moment(room["at"])):
        latest[room["unit"], room["name"]] = room
    register: dict[str, dict[str, dict[str, bool]]] = {code: {} for code in UNIT_CODES}
    for (unit, name), room in latest.items():
        if not room.get("removed", False):
            register[unit][name] = room["equipment"]
    return register


def _year_end_staffing(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for entry in sorted(document["staffing"], key=lambda entry: _moment(entry["at"])):
        latest[entry["unit"]] = entry
    return latest


def _live_incidents(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [incident for incident in document["incidents"] if "voided" not in incident]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_demo_records()


def test_same_arguments_give_the_same_json_document(document: dict[str, Any]) -> None:
    again = build_demo_records(year=2019, seed=2019)
    assert again == document
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert build_demo_records(seed=7) != document


def test_document_header_and_units(document: dict[str, Any]) -> None:
    assert document["format"] == "vcwatch-records/1"
    assert document["period"] == {"year": 2019, "edition": "2019"}
    assert set(document) == {
        "format",
        "period",
        "units",
        "meetings",
        "incidents",
        "rooms",
        "staffing",
    }
    units = {unit["code"]: unit for unit in document["units"]}
    assert {code: unit["name"] for code, unit in units.items()} == UNIT_CODES | ESTABLISHED_2021
    assert units["350400"]["level"] == "city"
    for code, unit in units.items():
        if code != "350400":
            assert unit["level"] == "county"
            assert unit["parent"] == "350400"
    # The change of 2021 in 三明市, dated.
    for code in ("350402", "350403", "350427"):
        assert units[code]["abolished"] == "2021-03-01"
    for code in ("350404", "350405"):
        assert units[code]["established"] == "2021-03-01"
    listed = {i["unit"] for i in document["incidents"]} | {r["unit"] for r in document["rooms"]}
    assert not listed & {"350404", "350405"}


def test_the_2021_demo_charges_each_county_only_while_it_exists() -> None:
    document = build_demo_records(year=2021, seed=2021)

    for incident in document["incidents"]:
        day = incident["at"][:10]
        if incident["unit"] in ("350402", "350403", "350427"):
            assert day < "2021-03-01", incident
        if incident["unit"] in ("350404", "350405"):
            assert day >= "2021-03-01", incident
    assert {"350404", "350405"} <= {r["unit"] for r in document["rooms"]}


def test_about_forty_meetings_on_working_days(document: dict[str, Any]) -> None:
    meetings = document["meetings"]
    assert 35 <= len(meetings) <= 45
    assert len({meeting["key"] for meeting in meetings}) == len(meetings)
    for meeting in meetings:
        starts_at = _moment(meeting["starts_at"])
        assert starts_at.utcoffset() == SHANGHAI.utcoffset(starts_at)
        assert starts_at.year == 2019
        assert starts_at.weekday() < 5
        assert (starts_at.hour, starts_at.minute) in {(9, 0), (15, 0)}
        assert meeting["key"] == starts_at.strftime("%Y-%m-%d-") + (
            "am" if starts_at.hour == 9 else "pm"
        )
        assert meeting["title"].startswith("全省")
    assert len({_moment(meeting["starts_at"]).month for meeting in meetings}) == 12


def test_every_2019_type_occurs_among_live_incidents(document: dict[str, Any]) -> None:
    types = Counter(incident["type"] for incident in _live_incidents(document))
    assert set(types) == TYPES_2019
    assert types["roll_call.late"] > types["roll_call.absent"]
    assert 1 <= types["criticism.named_by_leader"] <= 2


def test_every_time_carries_an_offset_and_falls_in_the_year(document: dict[str, Any]) -> None:
    times = [incident["at"] for incident in document["incidents"]]
    times += [
        incident["voided"]["at"] for incident in document["incidents"] if "voided" in incident
    ]
    times += [room["at"] for room in document["rooms"]]
    times += [entry["at"] for entry in document["staffing"]]
    for text in times:
        assert _moment(text).astimezone(SHANGHAI).year == 2019, text


def test_incident_keys_are_unique(document: dict[str, Any]) -> None:
    keys = [incident["key"] for incident in document["incidents"]]
    assert len(set(keys)) == len(keys)
    assert all(key.startswith("demo-2019-") for key in keys)


def test_incidents_refer_to_known_units_and_meetings(document: dict[str, Any]) -> None:
    meetings = {meeting["key"]: _moment(meeting["starts_at"]) for meeting in document["meetings"]}
    for incident in document["incidents"]:
        assert incident["unit"] in UNIT_CODES
        at = _moment(incident["at"])
        if incident["type"].startswith(("venue.", "conduct.")):
            starts_at = meetings[incident["meeting"]]
            assert starts_at < at < starts_at + timedelta(hours=2)
            assert incident["source"] == "online_monitoring"
        if incident["type"].startswith("install."):
            assert "meeting" not in incident
            assert incident["source"] == "onsite_inspection"


def test_roll_call_incidents_name_meeting_and_checkpoint(document: dict[str, Any]) -> None:
    meetings = {meeting["key"]: _moment(meeting["starts_at"]) for meeting in document["meetings"]}
    roll_call = [i for i in document["incidents"] if i["type"].startswith("roll_call.")]
    assert roll_call
    marks = Counter(
        (i["meeting"], i["checkpoint"], i["unit"]) for i in roll_call if "voided" not in i
    )
    assert max(marks.values()) == 1
    for incident in roll_call:
        assert incident["checkpoint"] in {"half_day", "two_hours"}
        two_hours_before = meetings[incident["meeting"]] - timedelta(hours=2)
        at = _moment(incident["at"])
        if incident["checkpoint"] == "two_hours":
            assert two_hours_before <= at < two_hours_before + timedelta(hours=1)
        else:
            assert two_hours_before - timedelta(days=4) < at < two_hours_before


def test_some_incidents_are_voided_soon_after(document: dict[str, Any]) -> None:
    voided = [incident for incident in document["incidents"] if "voided" in incident]
    assert voided
    for incident in voided:
        assert incident["voided"]["reason"]
        delay = _moment(incident["voided"]["at"]) - _moment(incident["at"])
        assert 0 < delay.total_seconds() <= 5 * 3600


def test_room_register_has_gaps_and_changes(document: dict[str, Any]) -> None:
    for room in document["rooms"]:
        assert set(room) <= {"unit", "name", "at", "equipment", "removed"}
        assert set(room["equipment"]) == {"hd_display", "audio", "cabling"}
    register = _year_end_rooms(document)
    counties = [code for code in UNIT_CODES if code != "350400"]
    assert any(len(register[code]) < 3 for code in counties)
    assert all(1 <= len(register[code]) <= 3 for code in counties)
    assert 1 <= len(register["350400"]) <= 2
    assert any(not all(kit.values()) for rooms in register.values() for kit in rooms.values())
    assert any(room.get("removed") for room in document["rooms"])
    entries = Counter((room["unit"], room["name"]) for room in document["rooms"])
    assert max(entries.values()) > 1


def test_staffing_has_gaps_and_changes(document: dict[str, Any]) -> None:
    staffing = _year_end_staffing(document)
    assert set(staffing) == set(UNIT_CODES)
    assert any(not entry["staff"] for entry in staffing.values())
    assert all(entry["leaders"] for entry in staffing.values())
    january = {entry["unit"] for entry in document["staffing"] if entry["at"][5:7] == "01"}
    assert january < set(UNIT_CODES)


def test_city_scores_between_five_and_eight_with_roll_call_capped(
    document: dict[str, Any],
) -> None:
    occurrences: Counter[str] = Counter(
        _item_of(incident["type"]) for incident in _live_incidents(document)
    )
    register = _year_end_rooms(document)
    staffing = _year_end_staffing(document)
    for code, rooms in register.items():
        if code != "350400":
            occurrences["hd_rooms"] += max(0, 3 - len(rooms))
        occurrences["room_equipment"] += sum(
            not present for kit in rooms.values() for present in kit.values()
        )
    for code in UNIT_CODES:
        entry = staffing.get(code)
        if entry is None or not entry["leaders"] or not entry["staff"]:
            occurrences["staffing"] += 1

    raw = {item: points * occurrences[item] for item, (points, _) in ITEMS_2019.items()}
    capped = {item: min(cap, raw[item]) for item, (_, cap) in ITEMS_2019.items()}
    deduction = min(Decimal("10.00"), sum(capped.values(), Decimal("0")))
    assert raw["roll_call"] > capped["roll_call"]
    assert Decimal("5.00") <= Decimal("10.00") - deduction <= Decimal("8.00")


def test_2017_uses_only_the_2017_edition() -> None:
    document: dict[str, Any] = build_demo_records(year=2017, seed=2017)
    assert document["period"] == {"year": 2017, "edition": "2017"}
    types = {incident["type"] for incident in document["incidents"]}
    assert types <= TYPES_2017
    assert {"venue.picture_moved", "venue.picture_lost"} <= types
    for incident in document["incidents"]:
        assert _moment(incident["at"]).astimezone(SHANGHAI).year == 2017
        assert incident["key"].startswith("demo-2017-")
