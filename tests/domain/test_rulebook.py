"""The shipped editions say exactly what DESIGN §3 says, and the loader refuses broken files."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from app.domain.rulebook import (
    AUDIO_FLAG_KINDS,
    FLAG_KINDS,
    RulebookError,
    available_editions,
    load_edition,
    load_rulebook_text,
    parse_rulebook,
)

ROLL_CALL_TYPES = {"roll_call.absent": "缺席", "roll_call.late": "迟到"}
VENUE_TYPES_2019 = {
    "venue.furniture": "桌椅",
    "venue.background": "背景",
    "venue.lighting": "照明",
    "venue.framing": "视频会场图像（前排3-5个席位）位置",
    "venue.poor_picture": "画面质量较差",
    "venue.tilted_picture": "画面偏转",
    "venue.interference": "无关音视频干扰",
}
VENUE_TYPES_2017 = {
    "venue.furniture": "桌椅",
    "venue.background": "背景",
    "venue.lighting": "照明",
    "venue.framing": "摄像头位置",
    "venue.poor_picture": "画面质量较差",
    "venue.tilted_picture": "画面偏转",
    "venue.picture_moved": "画面移动",
    "venue.picture_lost": "画面消失",
    "venue.interference": "无关音视频干扰",
}
CONDUCT_TYPES = {
    "conduct.whispering": "交头接耳",
    "conduct.sleeping": "睡觉",
    "conduct.smoking": "抽烟",
    "conduct.reading_book": "看书",
    "conduct.reading_newspaper": "看报",
    "conduct.phone": "玩手机",
}
INSTALL_TYPES_2019 = {
    "install.no_tech_staff": "无技术人员配合",
    "install.poor_cooperation": "配合度差",
    "install.skipped_joint_debug": "无故不参加全省性大联调",
}
INSTALL_TYPES_2017 = {
    "install.no_tech_staff": "无技术人员配合",
    "install.poor_cooperation": "配合度差",
}
CRITICISM_TYPES: dict[str, str | None] = {"criticism.named_by_leader": None}

ItemRow = tuple[str, str, str, str, str | None, Mapping[str, str | None]]

# (item code, 中文, per occurrence, cap, derived rule, {type code: 中文 or None when unnamed})
ITEMS_2019: list[ItemRow] = [
    ("roll_call", "会前调试点名", "0.05", "1.00", None, ROLL_CALL_TYPES),
    ("venue_order", "会场秩序", "0.05", "2.00", None, VENUE_TYPES_2019 | CONDUCT_TYPES),
    ("hd_rooms", "高清视频会议室配备", "0.05", "1.00", "hd_rooms", {}),
    ("room_equipment", "会议室设备条件", "0.10", "2.00", "room_equipment", {}),
    ("staffing", "分管领导和专职人员", "0.50", "2.00", "staffing", {}),
    ("install_cooperation", "安装调测配合", "0.20", "2.00", None, INSTALL_TYPES_2019),
    ("leader_criticism", "省政府领导点名批评", "0.50", "10.00", None, CRITICISM_TYPES),
]
ITEMS_2017: list[ItemRow] = [
    ("roll_call", "会前调试点名", "0.05", "1.00", None, ROLL_CALL_TYPES),
    ("venue_order", "会场秩序", "0.05", "2.00", None, VENUE_TYPES_2017 | CONDUCT_TYPES),
    ("hd_rooms", "高清视频会议室配备", "0.05", "1.00", "hd_rooms", {}),
    ("room_equipment", "会议室设备条件", "0.10", "2.00", "room_equipment", {}),
    ("staffing", "分管领导和专职人员", "0.50", "2.00", "staffing", {}),
    ("install_cooperation", "安装调测配合", "0.50", "2.00", None, INSTALL_TYPES_2017),
]
EDITION_ITEMS = {"2019": ITEMS_2019, "2017": ITEMS_2017}

FLAG_TYPES = {
    "2019": {
        "dark": "venue.lighting",
        "black": "venue.poor_picture",
        "frozen": "venue.poor_picture",
        "blurred": "venue.poor_picture",
        "tilted": "venue.tilted_picture",
        "moved": "venue.framing",
        **dict.fromkeys(
            (
                "overexposed",
                "low_contrast",
                "colour_cast",
                "noisy",
                "stripes",
                "covered",
                "shaking",
                "no_signal",
            ),
            "venue.poor_picture",
        ),
    },
    "2017": {
        "dark": "venue.lighting",
        "black": "venue.picture_lost",
        "frozen": "venue.poor_picture",
        "blurred": "venue.poor_picture",
        "tilted": "venue.tilted_picture",
        "moved": "venue.picture_moved",
        # 2017 item 2: 画面偏转移动消失 — a covered lens or a test card: the picture is lost;
        # a shaking picture moves
        "covered": "venue.picture_lost",
        "no_signal": "venue.picture_lost",
        "shaking": "venue.picture_moved",
        **dict.fromkeys(
            ("overexposed", "low_contrast", "colour_cast", "noisy", "stripes"),
            "venue.poor_picture",
        ),
    },
}

ITEM_ROWS = [
    pytest.param(edition, *row, id=f"{edition}-{row[0]}")
    for edition, rows in EDITION_ITEMS.items()
    for row in rows
]


@pytest.mark.parametrize("edition", ["2017", "2019"])
def test_shipped_edition_loads_with_full_marks_of_ten(edition: str) -> None:
    rulebook = load_edition(edition)

    assert edition in available_editions()
    assert rulebook.edition == edition
    assert rulebook.full_marks == Decimal("10.00")
    assert str(rulebook.full_marks) == "10.00"


@pytest.mark.parametrize("edition", ["2017", "2019"])
def test_edition_lists_exactly_the_items_of_design_in_order(edition: str) -> None:
    rulebook = load_edition(edition)

    assert [item.code for item in rulebook.items] == [row[0] for row in EDITION_ITEMS[edition]]


@pytest.mark.parametrize(
    ("edition", "code", "name", "points", "cap", "derived", "types"), ITEM_ROWS
)
def test_item_has_the_points_cap_rule_and_types_of_design(
    edition: str,
    code: str,
    name: str,
    points: str,
    cap: str,
    derived: str | None,
    types: Mapping[str, str | None],
) -> None:
    item = load_edition(edition).item(code)

    assert item.name == name
    assert str(item.points) == points
    assert str(item.cap) == cap
    assert item.derived == derived
    assert [t.code for t in item.types] == list(types)
    for occurrence_type in item.types:
        assert occurrence_type.item_code == code
        expected_name = types[occurrence_type.code]
        if expected_name is not None:
            assert occurrence_type.name == expected_name


@pytest.mark.parametrize("edition", ["2017", "2019"])
def test_a_county_needs_three_hd_rooms(edition: str) -> None:
    assert load_edition(edition).item("hd_rooms").rooms_required == 3


@pytest.mark.parametrize("edition", ["2017", "2019"])
def test_every_type_code_belongs_to_exactly_one_item(edition: str) -> None:
    rulebook = load_edition(edition)
    listed = [t.code for item in rulebook.items for t in item.types]

    assert len(listed) == len(set(listed))
    assert set(rulebook.types) == set(listed)
    for code in listed:
        owner = rulebook.occurrence_type(code)
        assert owner is not None
        assert code in {t.code for t in rulebook.item(owner.item_code).types}


@pytest.mark.parametrize(
    ("edition", "type_code", "listed"),
    [
        ("2017", "venue.picture_moved", True),
        ("2017", "venue.picture_lost", True),
        ("2017", "install.skipped_joint_debug", False),
        ("2017", "criticism.named_by_leader", False),
        ("2019", "venue.picture_moved", False),
        ("2019", "venue.picture_lost", False),
        ("2019", "install.skipped_joint_debug", True),
        ("2019", "criticism.named_by_leader", True),
        ("2019", "no.such_type", False),
    ],
)
def test_edition_lists_only_its_own_types(edition: str, type_code: str, listed: bool) -> None:
    assert (load_edition(edition).occurrence_type(type_code) is not None) is listed


def test_2017_has_no_leader_criticism_item() -> None:
    rulebook = load_edition("2017")

    with pytest.raises(KeyError):
        rulebook.item("leader_criticism")


@pytest.mark.parametrize(
    ("edition", "kind", "type_code"),
    [
        (edition, kind, code)
        for edition, flags in FLAG_TYPES.items()
        for kind, code in flags.items()
    ],
)
def test_flag_kind_maps_to_the_type_of_design(edition: str, kind: str, type_code: str) -> None:
    rulebook = load_edition(edition)

    assert rulebook.flag_types[kind] == type_code
    mapped = rulebook.occurrence_type(type_code)
    assert mapped is not None
    assert mapped.item_code == "venue_order"


@pytest.mark.parametrize("edition", ["2017", "2019"])
def test_every_flag_kind_is_mapped(edition: str) -> None:
    """Every picture kind maps to a type; every audio kind to 无关音视频干扰, except `silent`,
    which is a note on the venue's audio equipment, never an incident."""
    flag_types = load_edition(edition).flag_types
    assert set(flag_types) == set(FLAG_KINDS) | (set(AUDIO_FLAG_KINDS) - {"silent"})
    assert {flag_types[kind] for kind in AUDIO_FLAG_KINDS if kind != "silent"} == {
        "venue.interference"
    }


def test_unknown_edition_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_edition("1999")


def _edition_2019() -> dict[str, Any]:
    text = (resources.files("app.domain") / "editions" / "2019.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_a_copy_of_the_shipped_file_parses_like_the_edition() -> None:
    assert parse_rulebook(_edition_2019()) == load_edition("2019")


Mutation = Callable[[dict[str, Any]], None]


def _set_item(index: int, key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][index][key] = value

    return mutate


def _drop_item_key(index: int, key: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data["items"][index][key]

    return mutate


def _set_type_code(index: int, type_index: int, code: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][index]["types"][type_index]["code"] = code

    return mutate


def _set_flag(kind: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["flag_types"][kind] = value

    return mutate


def _set_top(key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[key] = value

    return mutate


KNOWN_RULES = "known: hd_rooms, room_equipment, staffing"

BROKEN_FILES = [
    pytest.param(
        _set_item(1, "code", "roll_call"),
        "items[1] (roll_call): duplicate item code 'roll_call'",
        id="duplicate-item-code",
    ),
    pytest.param(
        _set_type_code(1, 0, "roll_call.absent"),
        "items[1] (venue_order).types[0]: type 'roll_call.absent' is already listed under "
        "item 'roll_call'",
        id="duplicate-type-code-across-items",
    ),
    pytest.param(
        _set_type_code(0, 1, "roll_call.absent"),
        "items[0] (roll_call).types[1]: type 'roll_call.absent' is already listed under "
        "item 'roll_call'",
        id="duplicate-type-code-within-item",
    ),
    pytest.param(
        _set_item(0, "types", []),
        "items[0] (roll_call).types: an item needs occurrence types or a derived rule",
        id="item-with-empty-types-and-no-rule",
    ),
    pytest.param(
        _drop_item_key(0, "types"),
        "items[0] (roll_call).types: an item needs occurrence types or a derived rule",
        id="item-without-types-or-rule",
    ),
    pytest.param(
        _set_item(2, "types", [{"code": "hd.x", "name": "x", "group": "hd"}]),
        "items[2] (hd_rooms): a derived item takes no occurrence types",
        id="derived-item-with-types",
    ),
    pytest.param(
        _set_item(0, "types", [{"name": "缺席", "group": "roll_call"}]),
        "items[0] (roll_call).types[0].code: required text is missing",
        id="type-without-code",
    ),
    pytest.param(
        _set_item(0, "types", ["roll_call.absent"]),
        "items[0] (roll_call).types[0]: must be an object",
        id="type-not-an-object",
    ),
    pytest.param(
        _set_item(0, "points", "abc"),
        "items[0] (roll_call).points: 'abc' is not a decimal number",
        id="non-decimal-points",
    ),
    pytest.param(
        _set_item(0, "points", 0.05),
        'items[0] (roll_call).points: must be a decimal string such as "0.05", got 0.05',
        id="float-points",
    ),
    pytest.param(
        _set_item(0, "points", 1),
        'items[0] (roll_call).points: must be a decimal string such as "0.05", got 1',
        id="integer-points",
    ),
    pytest.param(
        _drop_item_key(0, "points"),
        'items[0] (roll_call).points: must be a decimal string such as "0.05", got None',
        id="missing-points",
    ),
    pytest.param(
        _set_item(0, "points", "0.055"),
        "items[0] (roll_call).points: at most two decimal places, got 0.055",
        id="three-decimal-places",
    ),
    pytest.param(
        _set_item(0, "points", "1e30"),
        "items[0] (roll_call).points: '1e30' is too large",
        id="points-too-large",
    ),
    pytest.param(
        _set_item(0, "points", "NaN"),
        "items[0] (roll_call).points: must be positive, got NaN",
        id="nan-points",
    ),
    pytest.param(
        _set_item(0, "cap", "0.00"),
        "items[0] (roll_call).cap: must be positive, got 0.00",
        id="zero-cap",
    ),
    pytest.param(
        _set_item(0, "cap", "-1.00"),
        "items[0] (roll_call).cap: must be positive, got -1.00",
        id="negative-cap",
    ),
    pytest.param(
        _set_item(2, "derived", "hd_room"),
        f"items[2] (hd_rooms).derived: unknown rule 'hd_room' ({KNOWN_RULES})",
        id="unknown-derived-rule",
    ),
    pytest.param(
        _set_item(2, "derived", ["hd_rooms"]),
        f"items[2] (hd_rooms).derived: unknown rule ['hd_rooms'] ({KNOWN_RULES})",
        id="derived-rule-not-text",
    ),
    pytest.param(
        _set_item(3, "derived", "staffing"),
        "items[4] (staffing).derived: rule 'staffing' is already used by item 'room_equipment'",
        id="derived-rule-used-twice",
    ),
    pytest.param(
        _set_item(2, "rooms_required", 0),
        "items[2] (hd_rooms).rooms_required: must be a positive whole number",
        id="no-rooms-required",
    ),
    pytest.param(
        _drop_item_key(0, "name"),
        "items[0] (roll_call).name: required text is missing",
        id="item-without-name",
    ),
    pytest.param(
        _set_flag("glare", "venue.lighting"),
        "rulebook.flag_types.glare: unknown flag kind",
        id="unknown-flag-kind",
    ),
    pytest.param(
        _set_flag("black", "venue.picture_lost"),
        "rulebook.flag_types.black: type 'venue.picture_lost' is not listed in any item",
        id="flag-mapped-to-unknown-type",
    ),
    pytest.param(
        _set_flag("dark", ["venue.lighting"]),
        "rulebook.flag_types.dark: type ['venue.lighting'] is not listed in any item",
        id="flag-mapped-to-non-text",
    ),
    pytest.param(
        _set_top("flag_types", ["dark"]),
        "rulebook.flag_types: must be an object of flag kind → type code",
        id="flag-types-not-an-object",
    ),
    pytest.param(
        _set_top("items", []),
        "rulebook.items: must be a non-empty list",
        id="no-items",
    ),
    pytest.param(
        _set_top("full_marks", 10),
        'rulebook.full_marks: must be a decimal string such as "0.05", got 10',
        id="numeric-full-marks",
    ),
    pytest.param(
        _set_top("edition", ""),
        "rulebook.edition: required text is missing",
        id="no-edition",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), BROKEN_FILES)
def test_loader_refuses_a_broken_file_naming_the_place(mutate: Mutation, message: str) -> None:
    data = copy.deepcopy(_edition_2019())
    mutate(data)

    with pytest.raises(RulebookError) as refused:
        load_rulebook_text(json.dumps(data, ensure_ascii=False))

    assert str(refused.value) == message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("{", id="truncated"),
        pytest.param("edition: 2019", id="yaml"),
        pytest.param('{"points": 0.05,}', id="trailing-comma"),
    ],
)
def test_loader_refuses_text_that_is_not_json(text: str) -> None:
    with pytest.raises(RulebookError, match=r"^rulebook: not valid JSON \(.+\)$"):
        load_rulebook_text(text)


@pytest.mark.parametrize("text", ["[]", '"2019"', "null", "3"])
def test_loader_refuses_json_that_is_not_an_object(text: str) -> None:
    with pytest.raises(RulebookError) as refused:
        load_rulebook_text(text)

    assert str(refused.value) == "rulebook: the file must hold a JSON object"


def test_points_are_read_exactly_and_kept_to_two_places() -> None:
    data = _edition_2019()
    data["items"][0]["points"] = "0.1"
    data["items"][0]["cap"] = "1"

    item = parse_rulebook(data).item("roll_call")

    assert str(item.points) == "0.10"
    assert str(item.cap) == "1.00"
