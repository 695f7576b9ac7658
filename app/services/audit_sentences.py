"""The audit log as sentences people read ("张三 将 梅列区 会前两小时点名 标为 迟到"): names for
people, units, meetings and types, the glossary's words for statuses — never keys or codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from app.db.repositories.audit import IncidentFacts
from app.db.tables import AuditEntry
from app.services.glossary import Lang, word
from app.timezone import ASSESSMENT_ZONE

# Kinds of entry, for the log's filter: each is one or more entities.
Kind = Literal[
    "incident",
    "roll_call",
    "meeting",
    "objection",
    "register",
    "frame",
    "account",
    "session",
    "settings",
]
KINDS: dict[str, tuple[str, ...]] = {
    "incident": ("incident", "evidence"),
    "roll_call": ("roll_call_mark",),
    "meeting": ("meeting",),
    "objection": ("objection",),
    "register": ("register", "room", "staffing", "unit"),
    "frame": ("flag", "venue"),
    "account": ("account",),
    "session": ("session", "request"),
    "settings": ("period", "records"),
}
assert set(get_args(Kind)) == set(KINDS)
KIND_OF_ENTITY = {entity: kind for kind, entities in KINDS.items() for entity in entities}

# action → (zh, en); the fields are filled by `_fields`.
TEMPLATES: dict[str, tuple[str, str]] = {
    "incident.logged": (
        "{who} 记录 {unit} {type}（{where}）",
        "{who} recorded {type} for {unit} ({where})",
    ),
    "incident.voided": (
        "{who} 作废 {unit} {type}（{where}），原因：{reason}",
        "{who} voided {type} of {unit} ({where}): {reason}",
    ),
    "evidence.uploaded": ("{who} 上传证据图片", "{who} uploaded an evidence image"),
    "roll_call.marked": (
        "{who} 将 {unit} {checkpoint}点名 标为 {status}（{meeting}）",
        "{who} marked {unit} {status} at the {checkpoint} roll call ({meeting})",
    ),
    "meeting.created": (
        "{who} 新建会议 {title}（{time}）",
        "{who} created the meeting {title} ({time})",
    ),
    "meeting.updated": (
        "{who} 修改会议 {title}（{time}）",
        "{who} corrected the meeting {title} ({time})",
    ),
    "meeting.cancelled": (
        "{who} 取消会议 {title}，原因：{reason}",
        "{who} cancelled the meeting {title}: {reason}",
    ),
    "objection.filed": (
        "{who} 对 {unit} {type}（{where}）提出申诉：{reason}",
        "{who} objected to {type} of {unit} ({where}): {reason}",
    ),
    "objection.upheld": (
        "{who} 裁定 {unit} {type}（{where}）的申诉成立：{reason}",
        "{who} upheld the objection to {type} of {unit} ({where}): {reason}",
    ),
    "objection.rejected": (
        "{who} 驳回 {unit} {type}（{where}）的申诉：{reason}",
        "{who} rejected the objection to {type} of {unit} ({where}): {reason}",
    ),
    "register.saved": (
        "{who} 保存 {unit} 的会议室与人员登记",
        "{who} saved the rooms and staffing of {unit}",
    ),
    "room.recorded": (
        "{who} 登记 {unit} 会议室 {room}",
        "{who} recorded the room {room} of {unit}",
    ),
    "room.removed": ("{who} 移除 {unit} 会议室 {room}", "{who} removed the room {room} of {unit}"),
    "staffing.recorded": (
        "{who} 更新 {unit} 的分管领导和专职人员",
        "{who} updated the leaders and staff of {unit}",
    ),
    "unit.created": ("{who} 新增单位 {unit}", "{who} added the unit {unit}"),
    "unit.updated": ("{who} 修改单位 {unit}", "{who} changed the unit {unit}"),
    "flag.raised": ("画面检测 在 {unit} 发现 {flag}", "Frame checks found {flag} at {unit}"),
    "flag.cleared": (
        "{unit} 的画面检测提示（{flag}）已恢复正常",
        "The {flag} flag of {unit} cleared",
    ),
    "flag.confirmed": (
        "{who} 确认 {unit} 的画面检测提示（{flag}）",
        "{who} confirmed the {flag} flag of {unit}",
    ),
    "flag.dismissed": (
        "{who} 忽略 {unit} 的画面检测提示（{flag}）",
        "{who} dismissed the {flag} flag of {unit}",
    ),
    "venue.configured": ("{who} 设置 {unit} 会场的视频源", "{who} set the video source of {unit}"),
    "venue.status": (
        "{unit} 会场视频源状态变为 {source_status}",
        "The video source of {unit} is now {source_status}",
    ),
    "venue.reference_set": (
        "{who} 设置 {unit} 会场的基准帧",
        "{who} set the reference frame of {unit}",
    ),
    "account.created": (
        "{who} 新建账号 {person}（{role}）",
        "{who} created the account of {person} ({role})",
    ),
    "account.updated": ("{who} 修改 {person} 的账号", "{who} changed the account of {person}"),
    "account.password_set": ("{who} 重设 {person} 的密码", "{who} reset the password of {person}"),
    "session.login": ("{who} 登录", "{who} logged in"),
    "session.logout": ("{who} 退出登录", "{who} logged out"),
    "session.login_failed": ("{person} 登录失败", "A login as {person} failed"),
    "access.refused": (
        "{who} 的请求被拒绝（{request}）",
        "A request of {who} was refused ({request})",
    ),
    "period.created": (
        "{who} 设置 {year} 年度考核（{edition} 年版细则）",
        "{who} set up the year {year} ({edition} edition)",
    ),
    "period.edition_changed": (
        "{who} 将 {year} 年度改用 {edition} 年版细则",
        "{who} moved the year {year} to the {edition} edition",
    ),
    "records.imported": ("{who} 导入 {year} 年度记录", "{who} imported records of {year}"),
}
FALLBACK = ("{who} 修改了{entity}", "{who} changed {entity}")
SOURCE_STATUS = {
    "online": ("在线", "online"),
    "offline": ("信号源离线", "offline"),
    "error": ("出错", "failing"),
}


@dataclass
class Context:
    """Names of what a page of entries mentions, read in one go per page."""

    people: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    incidents: dict[str, IncidentFacts] = field(default_factory=dict)
    objections: dict[int, str] = field(default_factory=dict)
    flags: dict[int, tuple[str, str]] = field(default_factory=dict)
    meetings: dict[str, tuple[str, datetime]] = field(default_factory=dict)


@dataclass(frozen=True)
class Wanted:
    """What a page of entries refers to, to look up before writing sentences."""

    people: set[str]
    incidents: set[str]
    objections: set[int]
    flags: set[int]
    meetings: set[str]


def wanted(entries: Iterable[AuditEntry]) -> Wanted:
    found = Wanted(set(), set(), set(), set(), set())
    for entry in entries:
        key = entry.entity_key or ""
        if entry.actor:
            found.people.add(entry.actor)
        if entry.entity in ("account", "session"):
            found.people.add(key)
        elif entry.entity == "incident":
            found.incidents.add(key)
        elif entry.entity == "objection" and key.isdigit():
            found.objections.add(int(key))
        elif entry.entity == "flag" and key.isdigit():
            found.flags.add(int(key))
        elif entry.entity in ("meeting", "roll_call_mark"):
            found.meetings.add(key.split("/")[0])
    return found


def kind_of(entry: AuditEntry) -> str:
    return KIND_OF_ENTITY.get(entry.entity, "settings")


def unit_of(entry: AuditEntry, context: Context) -> str | None:
    """The code of the unit the entry concerns, if any."""
    key = entry.entity_key or ""
    if entry.entity in ("register", "staffing", "venue", "unit"):
        return key
    if entry.entity == "room":
        return key.split("/", 1)[0]
    if entry.entity == "roll_call_mark":
        parts = key.split("/")
        return parts[1] if len(parts) == 3 else None
    facts = _incident(entry, context)
    if facts is not None:
        return facts.unit
    if entry.entity == "flag" and key.isdigit() and int(key) in context.flags:
        return context.flags[int(key)][0]
    return None


def _incident(entry: AuditEntry, context: Context) -> IncidentFacts | None:
    key = entry.entity_key or ""
    if entry.entity == "incident":
        return context.incidents.get(key)
    if entry.entity == "objection" and key.isdigit():
        incident_key = context.objections.get(int(key))
        return context.incidents.get(incident_key) if incident_key else None
    return None


def _minute(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return ""
    return moment.astimezone(ASSESSMENT_ZONE).strftime("%Y-%m-%d %H:%M")


def _data(entry: AuditEntry) -> dict[str, Any]:
    return {**(entry.before or {}), **(entry.after or {})}


def _fields(entry: AuditEntry, context: Context, lang: Lang) -> dict[str, str]:
    someone = "someone" if lang == "en" else "某人"
    system = "The system" if lang == "en" else "系统"
    data = _data(entry)
    after = entry.after or {}
    key = entry.entity_key or ""
    who = context.people.get(entry.actor or "", entry.actor or system)
    if entry.actor in (None, "anonymous"):
        who = system if entry.actor is None else (someone if lang == "zh" else "Someone")
    unit_code = unit_of(entry, context)
    unit = context.units.get(unit_code or "", unit_code or "")
    facts = _incident(entry, context)
    type_code = facts.type_code if facts else str(data.get("type", ""))
    where = " · ".join(
        part
        for part in ((facts.meeting_title if facts else None), _minute(facts.at if facts else None))
        if part
    )
    meeting_key = key.split("/")[0] if entry.entity in ("meeting", "roll_call_mark") else ""
    title, starts_at = context.meetings.get(meeting_key, (str(data.get("title", "")), None))
    checkpoint = (
        key.split("/")[2] if entry.entity == "roll_call_mark" and key.count("/") == 2 else ""
    )
    flag_kind = ""
    if entry.entity == "flag" and key.isdigit() and int(key) in context.flags:
        flag_kind = context.flags[int(key)][1]
    status = SOURCE_STATUS.get(str(after.get("state", after.get("status", ""))))
    reason = after.get("reason") or (after.get("voided") or {}).get("reason") or after.get("ruling")
    if entry.action.startswith("objection.") and entry.action != "objection.filed":
        reason = after.get("ruling") or after.get("reason")
    return {
        "who": who,
        "unit": unit,
        "type": word(f"type.{type_code}", lang=lang, default=type_code),
        "where": where,
        "reason": str(reason or ("—")),
        "checkpoint": word(f"checkpoint.{checkpoint}", lang=lang, default=""),
        "status": word(f"status.{after.get('status', '')}", lang=lang, default=""),
        "meeting": title,
        "title": title,
        "time": _minute(starts_at or data.get("starts_at")),
        "room": key.split("/", 1)[1] if entry.entity == "room" and "/" in key else "",
        "flag": word(f"flag.kind.{flag_kind}", lang=lang, default=flag_kind),
        "source_status": status[1 if lang == "en" else 0] if status else "",
        "person": context.people.get(key, key),
        "role": word(f"role.{data.get('role', '')}", lang=lang, default=""),
        "request": key,
        "year": key,
        "edition": str(data.get("edition", "")),
        "entity": word(f"audit.entity.{entry.entity}", lang=lang, default=entry.entity),
    }


def sentence(entry: AuditEntry, context: Context, *, lang: Lang = "zh") -> str:
    zh, en = TEMPLATES.get(entry.action, FALLBACK)
    text = (en if lang == "en" else zh).format(**_fields(entry, context, lang))
    # An empty part leaves "（）" or a doubled space behind: tidy it.
    return text.replace("（）", "").replace(" ()", "").replace("  ", " ").strip()
