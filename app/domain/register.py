"""The room register and staffing at a moment, and what they cost a unit under the derived items
(3, 4 and 5).

Invariants: `rooms_at` and `staffing_at` are the one definition of "the latest state of each room"
(and of a unit's staffing) at a moment: the entry with the highest precedence at or before it,
removed rooms dropped. The findings for a unit are the only source of its derived occurrences; the
scoring engine counts exactly `sum(f.occurrences)` per item, so the explanation lines shown to a
county always add up to the engine's figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.domain.facts import EQUIPMENT, RoomEntry, StaffingEntry, Unit
from app.domain.rulebook import Rulebook

EQUIPMENT_NAMES = {"hd_display": "高清显示设备", "audio": "音频设备", "cabling": "网络综合布线"}


@dataclass(frozen=True)
class Finding:
    item_code: str
    occurrences: int
    points: Decimal
    text: str
    # What the pages need to say it in any language: the room concerned, and what is missing
    # (equipment codes, or "leader" / "staff" for a post left empty).
    room: str | None = None
    missing: tuple[str, ...] = ()

    @property
    def line(self) -> str:
        return f"{self.text} −{self.points:.2f}"


def register_findings(
    rulebook: Rulebook,
    unit: Unit,
    *,
    rooms: Sequence[RoomEntry],
    staffing: StaffingEntry | None,
) -> list[Finding]:
    """The derived occurrences of one unit, each with the sentence that explains it."""
    findings: list[Finding] = []

    hd_rooms = rulebook.derived_item("hd_rooms")
    if hd_rooms is not None and unit.level == "county":
        short = max(0, hd_rooms.rooms_required - len(rooms))
        if short:
            findings.append(
                Finding(hd_rooms.code, short, hd_rooms.points * short, f"缺少{short}间高清会议室")
            )

    room_equipment = rulebook.derived_item("room_equipment")
    if room_equipment is not None:
        for room in rooms:
            missing = [k for k in EQUIPMENT if not room.has(k)]
            if missing:
                findings.append(
                    Finding(
                        room_equipment.code,
                        len(missing),
                        room_equipment.points * len(missing),
                        f"{room.name}缺{'、'.join(EQUIPMENT_NAMES[k] for k in missing)}",
                        room=room.name,
                        missing=tuple(missing),
                    )
                )

    staffing_item = rulebook.derived_item("staffing")
    if staffing_item is not None:
        posts = {"leader": "分管领导", "staff": "视频会议专职人员"}
        lacking = []
        if staffing is None or not staffing.leaders:
            lacking.append("leader")
        if staffing is None or not staffing.staff:
            lacking.append("staff")
        if lacking:
            text = f"缺{'和'.join(posts[post] for post in lacking)}"
            findings.append(
                Finding(staffing_item.code, 1, staffing_item.points, text, missing=tuple(lacking))
            )
    return findings


def rooms_at(entries: Iterable[RoomEntry], *, as_of: datetime) -> dict[str, list[RoomEntry]]:
    """The register at `as_of`: per unit, its rooms (latest entry per name, removed dropped)."""
    latest: dict[tuple[str, str], RoomEntry] = {}
    for entry in entries:
        if entry.at > as_of:
            continue
        key = (entry.unit, entry.name)
        current = latest.get(key)
        if current is None or entry.precedence() > current.precedence():
            latest[key] = entry
    register: dict[str, list[RoomEntry]] = {}
    for (unit, _), entry in sorted(latest.items()):
        if not entry.removed:
            register.setdefault(unit, []).append(entry)
    return register


def staffing_at(entries: Iterable[StaffingEntry], *, as_of: datetime) -> dict[str, StaffingEntry]:
    """Per unit, the latest staffing entry at or before `as_of`."""
    latest: dict[str, StaffingEntry] = {}
    for entry in entries:
        if entry.at > as_of:
            continue
        current = latest.get(entry.unit)
        if current is None or entry.precedence() > current.precedence():
            latest[entry.unit] = entry
    return latest
