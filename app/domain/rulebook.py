"""The rulebook: an edition of the 视频会议 indicator, loaded from a data file.

Invariant: a loaded `Rulebook` is internally consistent — item and type codes are unique, every
occurrence type belongs to exactly one item, points and caps are positive decimals with at most
two places, derived items name a known rule (each rule once), and every flag kind maps to a
type of the edition.
A file that breaks any of this is refused with a `RulebookError` that says where and what.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

DERIVED_RULES = frozenset({"hd_rooms", "room_equipment", "staffing"})
FLAG_KINDS = (
    "dark",
    "black",
    "frozen",
    "blurred",
    "tilted",
    "moved",
    "overexposed",
    "low_contrast",
    "colour_cast",
    "noisy",
    "stripes",
    "covered",
    "shaking",
    "no_signal",
)
# Audio flags (frame_checks.audio_judge); `silent` maps to no type: it suggests a note on the
# venue's 音频设备, never an interference incident.
AUDIO_FLAG_KINDS = ("leak", "feedback", "hum", "clipping", "noise", "silent")
TWO_PLACES = Decimal("0.01")


class RulebookError(ValueError):
    """A rulebook file that cannot be used; the message names the place and the fault."""


@dataclass(frozen=True)
class OccurrenceType:
    code: str
    name: str
    group: str
    item_code: str


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    points: Decimal
    cap: Decimal
    derived: str | None = None
    rooms_required: int = 0
    types: tuple[OccurrenceType, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    edition: str
    title: str
    full_marks: Decimal
    items: tuple[Item, ...]
    flag_types: dict[str, str] = field(default_factory=dict)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def derived_item(self, rule: str) -> Item | None:
        return next((item for item in self.items if item.derived == rule), None)

    @property
    def types(self) -> dict[str, OccurrenceType]:
        return {t.code: t for item in self.items for t in item.types}

    def occurrence_type(self, code: str) -> OccurrenceType | None:
        return self.types.get(code)


def _points(value: Any, *, where: str) -> Decimal:
    if not isinstance(value, str):
        raise RulebookError(f'{where}: must be a decimal string such as "0.05", got {value!r}')
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RulebookError(f"{where}: {value!r} is not a decimal number") from None
    if not number.is_finite() or number <= 0:
        raise RulebookError(f"{where}: must be positive, got {value}")
    try:
        quantized = number.quantize(TWO_PLACES)
    except InvalidOperation:
        raise RulebookError(f"{where}: {value!r} is too large") from None
    if number != quantized:
        raise RulebookError(f"{where}: at most two decimal places, got {value}")
    return quantized


def _text(data: dict[str, Any], key: str, *, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulebookError(f"{where}.{key}: required text is missing")
    return value


def parse_rulebook(data: Any) -> Rulebook:
    """Validate the parsed JSON of an edition file and build the rulebook."""
    if not isinstance(data, dict):
        raise RulebookError("rulebook: the file must hold a JSON object")
    edition = _text(data, "edition", where="rulebook")
    full_marks = _points(data.get("full_marks"), where="rulebook.full_marks")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise RulebookError("rulebook.items: must be a non-empty list")

    items: list[Item] = []
    item_codes: set[str] = set()
    type_owner: dict[str, str] = {}
    rule_owner: dict[str, str] = {}
    for index, raw in enumerate(raw_items):
        where = f"items[{index}]"
        if not isinstance(raw, dict):
            raise RulebookError(f"{where}: must be an object")
        code = _text(raw, "code", where=where)
        where = f"items[{index}] ({code})"
        if code in item_codes:
            raise RulebookError(f"{where}: duplicate item code {code!r}")
        item_codes.add(code)
        points = _points(raw.get("points"), where=f"{where}.points")
        cap = _points(raw.get("cap"), where=f"{where}.cap")
        derived = raw.get("derived")
        raw_types = raw.get("types", [])
        if derived is not None:
            if not isinstance(derived, str) or derived not in DERIVED_RULES:
                known = ", ".join(sorted(DERIVED_RULES))
                raise RulebookError(f"{where}.derived: unknown rule {derived!r} (known: {known})")
            if derived in rule_owner:
                raise RulebookError(
                    f"{where}.derived: rule {derived!r} is already used by item "
                    f"{rule_owner[derived]!r}"
                )
            rule_owner[derived] = code
            if raw_types:
                raise RulebookError(f"{where}: a derived item takes no occurrence types")
        elif not isinstance(raw_types, list) or not raw_types:
            raise RulebookError(f"{where}.types: an item needs occurrence types or a derived rule")
        rooms_required = raw.get("rooms_required", 0)
        if derived == "hd_rooms" and (not isinstance(rooms_required, int) or rooms_required < 1):
            raise RulebookError(f"{where}.rooms_required: must be a positive whole number")

        types: list[OccurrenceType] = []
        for type_index, raw_type in enumerate(raw_types):
            type_where = f"{where}.types[{type_index}]"
            if not isinstance(raw_type, dict):
                raise RulebookError(f"{type_where}: must be an object")
            type_code = _text(raw_type, "code", where=type_where)
            if type_code in type_owner:
                raise RulebookError(
                    f"{type_where}: type {type_code!r} is already listed under item "
                    f"{type_owner[type_code]!r}"
                )
            type_owner[type_code] = code
            types.append(
                OccurrenceType(
                    code=type_code,
                    name=_text(raw_type, "name", where=type_where),
                    group=_text(raw_type, "group", where=type_where),
                    item_code=code,
                )
            )
        items.append(
            Item(
                code=code,
                name=_text(raw, "name", where=where),
                points=points,
                cap=cap,
                derived=derived,
                rooms_required=rooms_required if derived == "hd_rooms" else 0,
                types=tuple(types),
            )
        )

    flag_types = data.get("flag_types", {})
    if not isinstance(flag_types, dict):
        raise RulebookError("rulebook.flag_types: must be an object of flag kind → type code")
    for kind, type_code in flag_types.items():
        if kind not in FLAG_KINDS + AUDIO_FLAG_KINDS:
            raise RulebookError(f"rulebook.flag_types.{kind}: unknown flag kind")
        if not isinstance(type_code, str) or type_code not in type_owner:
            raise RulebookError(
                f"rulebook.flag_types.{kind}: type {type_code!r} is not listed in any item"
            )

    return Rulebook(
        edition=edition,
        title=str(data.get("title", edition)),
        full_marks=full_marks,
        items=tuple(items),
        flag_types=dict(flag_types),
    )


def load_rulebook_text(text: str) -> Rulebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RulebookError(f"rulebook: not valid JSON ({error})") from None
    return parse_rulebook(data)


_cache: dict[str, Rulebook] = {}


def available_editions() -> list[str]:
    folder = resources.files("app.domain") / "editions"
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".json") for n in names if n.endswith(".json"))


def load_edition(edition: str) -> Rulebook:
    """The shipped edition of that name; `KeyError` when there is none."""
    if edition not in _cache:
        if edition not in available_editions():
            raise KeyError(edition)
        path = resources.files("app.domain") / "editions" / f"{edition}.json"
        rulebook = load_rulebook_text(path.read_text(encoding="utf-8"))
        if rulebook.edition != edition:
            raise RulebookError(f"{edition}.json: declares edition {rulebook.edition!r}")
        _cache[edition] = rulebook
    return _cache[edition]
