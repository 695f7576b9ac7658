"""A realistic year of demo records for 三明市 as one `vcwatch-records/1` interchange document.

`build_demo_records(year=…, seed=…)` guarantees:

- the document is plain JSON-serialisable data in the shape of DESIGN §4 (keys `format`,
  `period`, `units`, `meetings`, `incidents`, `rooms`, `staffing`) and is fully determined by its
  arguments: it draws only from `random.Random(seed)` and never reads the clock;
- the units are 三明市 (350400) and its county-level units, each county with `parent` 350400,
  with the real change of 2021 dated: 梅列区 (350402), 三元区 (350403) and 沙县 (350427) are
  abolished and 三元区 (350404) and 沙县区 (350405) established on 2021-03-01; only units that
  exist at a record's time have records then;
- about 40 provincial meetings on working days of the year, at 09:00 or 15:00 Asia/Shanghai,
  keyed `YYYY-MM-DD-am` / `YYYY-MM-DD-pm`;
- the edition is "2019" from 2019 on and "2017" before, and every incident type belongs to that
  edition; every venue-order and install type of the edition occurs at least once among the
  incidents that are not voided, and in 2019 there is a leader's criticism; roll-call lates and
  absences follow each unit's own rate (late far more often than absent);
- roll-call incidents carry `meeting` and `checkpoint` (`half_day`, `two_hours`), venue-order
  and conduct incidents carry `meeting` and a time inside it, install-cooperation incidents come
  from on-site inspection without a meeting; a few incidents are voided shortly after they were
  logged;
- every time is ISO-8601 with the +08:00 offset and falls inside the year, incident keys are
  `demo-<year>-NNNNN` and unique;
- the room register and staffing have gaps at year end (counties short of rooms, rooms missing
  equipment, a unit without 专职人员) and changes during the year, so the city's year-end
  deduction stays well below 10 while several counties lose points under different items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RECORDS_FORMAT = "vcwatch-records/1"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CITY_CODE = "350400"


@dataclass(frozen=True)
class _UnitProfile:
    code: str
    name: str
    level: str
    carelessness: float
    established: date | None = None
    abolished: date | None = None

    def exists_on(self, day: date) -> bool:
        after_start = self.established is None or day >= self.established
        return after_start and (self.abolished is None or day < self.abolished)


# 国务院批复 (2021): 梅列区 and 三元区 merge into a new 三元区; 沙县 becomes 沙县区.
SANMING_CHANGE = date(2021, 3, 1)


UNITS: tuple[_UnitProfile, ...] = (
    _UnitProfile("350400", "三明市", "city", 0.3),
    _UnitProfile("350402", "梅列区", "county", 0.6, abolished=SANMING_CHANGE),
    _UnitProfile("350403", "三元区", "county", 0.7, abolished=SANMING_CHANGE),
    _UnitProfile("350421", "明溪县", "county", 1.4),
    _UnitProfile("350423", "清流县", "county", 1.6),
    _UnitProfile("350424", "宁化县", "county", 1.0),
    _UnitProfile("350425", "大田县", "county", 1.2),
    _UnitProfile("350426", "尤溪县", "county", 2.2),
    _UnitProfile("350427", "沙县", "county", 0.8, abolished=SANMING_CHANGE),
    _UnitProfile("350428", "将乐县", "county", 1.0),
    _UnitProfile("350429", "泰宁县", "county", 0.9),
    _UnitProfile("350430", "建宁县", "county", 1.8),
    _UnitProfile("350481", "永安市", "county", 0.5),
    _UnitProfile("350404", "三元区", "county", 0.6, established=SANMING_CHANGE),
    _UnitProfile("350405", "沙县区", "county", 0.8, established=SANMING_CHANGE),
)


def _unit(code: str) -> _UnitProfile:
    (unit,) = [u for u in UNITS if u.code == code]
    return unit


def _on(units: tuple[_UnitProfile, ...], day: date) -> tuple[_UnitProfile, ...]:
    return tuple(u for u in units if u.exists_on(day))


ROLL_CALL_LATE_RATE = 0.04
ROLL_CALL_ABSENT_RATE = 0.006
VENUE_INCIDENT_RATE = 0.025

VENUE_ORDER_WEIGHTS_2019: dict[str, int] = {
    "venue.furniture": 1,
    "venue.background": 2,
    "venue.lighting": 3,
    "venue.framing": 3,
    "venue.poor_picture": 3,
    "venue.tilted_picture": 2,
    "venue.interference": 2,
    "conduct.whispering": 4,
    "conduct.sleeping": 2,
    "conduct.smoking": 1,
    "conduct.reading_book": 1,
    "conduct.reading_newspaper": 1,
    "conduct.phone": 5,
}
VENUE_ORDER_WEIGHTS_2017: dict[str, int] = {
    **VENUE_ORDER_WEIGHTS_2019,
    "venue.picture_moved": 2,
    "venue.picture_lost": 1,
}

VENUE_ORDER_NOTES: dict[str, tuple[str, ...]] = {
    "venue.furniture": ("桌椅摆放凌乱", "主席台桌椅未对齐"),
    "venue.background": ("背景未悬挂会标", "背景板歪斜"),
    "venue.lighting": ("会场灯光偏暗", "主席台逆光，人脸看不清"),
    "venue.framing": ("前排席位未入画面", "镜头未对准前排3-5个席位"),
    "venue.poor_picture": ("画面模糊", "画面出现马赛克"),
    "venue.tilted_picture": ("画面倾斜",),
    "venue.interference": ("会场传出手机铃声", "会场有无关对话声"),
    "venue.picture_moved": ("画面来回移动",),
    "venue.picture_lost": ("画面中断约2分钟",),
    "conduct.whispering": ("前排人员交头接耳",),
    "conduct.sleeping": ("第二排有人打瞌睡",),
    "conduct.smoking": ("会场内有人吸烟",),
    "conduct.reading_book": ("有人翻看书籍",),
    "conduct.reading_newspaper": ("前排有人看报纸",),
    "conduct.phone": ("前排有人低头玩手机", "有人在会上看手机"),
}

ALL_MONTHS = frozenset(range(1, 13))

MEETING_TITLES: tuple[tuple[str, frozenset[int]], ...] = (
    ("全省安全生产电视电话会议", ALL_MONTHS),
    ("全省元旦春节期间安全防范工作电视电话会议", frozenset({1})),
    ("全省根治拖欠农民工工资工作电视电话会议", frozenset({1, 12})),
    ("全省信访维稳工作电视电话会议", frozenset({1, 2, 9, 12})),
    ("全省春季森林防火工作视频会议", frozenset({2, 3})),
    ("全省春季农业生产工作电视电话会议", frozenset({2, 3})),
    ("全省重点项目建设工作视频会议", frozenset({2, 5, 8, 11})),
    ("全省优化营商环境工作电视电话会议", frozenset({3, 4, 5, 8, 9})),
    ("全省“放管服”改革工作电视电话会议", frozenset({3, 6, 11})),
    ("全省脱贫攻坚工作推进会", frozenset({3, 6, 9, 11})),
    ("全省生态环境保护工作电视电话会议", frozenset({3, 7, 10})),
    ("全省一季度经济运行分析视频会议", frozenset({4})),
    ("全省“五一”假期安全工作视频会议", frozenset({4})),
    ("全省防汛工作视频会议", frozenset({4, 5, 6})),
    ("全省河长制工作视频会议", frozenset({4, 8})),
    ("全省数字福建建设工作视频会议", frozenset({4, 8})),
    ("全省食品安全工作电视电话会议", frozenset({5, 10})),
    ("全省大气污染防治工作推进会", frozenset({5, 11})),
    ("全省“安全生产月”活动动员部署视频会议", frozenset({5, 6})),
    ("全省防汛防台风工作视频会议", frozenset({6, 7, 8, 9})),
    ("全省上半年经济运行分析视频会议", frozenset({7})),
    ("全省地质灾害防治工作电视电话会议", frozenset({7, 8})),
    ("全省国庆期间安全稳定工作电视电话会议", frozenset({9})),
    ("全省前三季度经济运行分析视频会议", frozenset({10})),
    ("全省秋冬季森林防火工作视频会议", frozenset({10, 11, 12})),
    ("全省冬春火灾防控工作电视电话会议", frozenset({11, 12})),
    ("全省年度目标任务冲刺工作视频会议", frozenset({12})),
)

# 农历正月初一; the Spring Festival holiday runs from the day before to five days after.
SPRING_FESTIVAL: dict[int, date] = {
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
}

SURNAMES = "陈林黄张李王吴刘蔡杨郑罗肖邱余廖赖郭周徐"
GIVEN_NAMES = (
    "建华", "志强", "丽萍", "文斌", "晓东", "秀英", "国平", "海燕", "永福", "明辉",
    "春生", "雪梅", "金水", "振宇", "慧敏", "德忠", "晓玲", "宏伟", "少华", "燕芳",
)  # fmt: skip

FULL_EQUIPMENT = (True, True, True)


@dataclass(frozen=True)
class _RoomChange:
    unit: str
    name: str
    month: int
    day: int
    equipment: tuple[bool, bool, bool] = FULL_EQUIPMENT
    """(hd_display, audio, cabling)"""
    removed: bool = False


STANDING_ROOM = "政府常务会议室"
EMERGENCY_ROOM = "应急指挥中心会议室"
SERVICE_ROOM = "行政服务中心会议室"

ROOM_CHANGES: tuple[_RoomChange, ...] = (
    _RoomChange("350400", "市政府视频会议中心", 1, 7),
    _RoomChange("350400", "市应急指挥中心会议室", 1, 7),
    _RoomChange("350402", "区" + STANDING_ROOM, 1, 8),
    _RoomChange("350402", "区" + EMERGENCY_ROOM, 1, 8),
    _RoomChange("350402", "区" + SERVICE_ROOM, 1, 8),
    _RoomChange("350403", "区" + STANDING_ROOM, 1, 8),
    _RoomChange("350403", "区" + EMERGENCY_ROOM, 1, 8),
    _RoomChange("350403", "区" + SERVICE_ROOM, 1, 8),
    _RoomChange("350421", "县" + STANDING_ROOM, 1, 9),
    _RoomChange("350421", "县" + EMERGENCY_ROOM, 1, 9),
    _RoomChange("350421", "县" + SERVICE_ROOM, 1, 9),
    _RoomChange("350421", "县" + SERVICE_ROOM, 7, 15, removed=True),
    _RoomChange("350423", "县" + STANDING_ROOM, 1, 9),
    _RoomChange("350423", "县" + EMERGENCY_ROOM, 1, 9, (True, False, True)),
    _RoomChange("350423", "县" + EMERGENCY_ROOM, 5, 20),
    _RoomChange("350424", "县" + STANDING_ROOM, 1, 10),
    _RoomChange("350424", "县" + EMERGENCY_ROOM, 1, 10),
    _RoomChange("350424", "县" + SERVICE_ROOM, 1, 10, (False, True, True)),
    _RoomChange("350424", "县" + SERVICE_ROOM, 9, 12),
    _RoomChange("350425", "县" + STANDING_ROOM, 1, 10),
    _RoomChange("350425", "县" + EMERGENCY_ROOM, 1, 10, (True, False, True)),
    _RoomChange("350425", "县" + SERVICE_ROOM, 1, 10),
    _RoomChange("350426", "县" + STANDING_ROOM, 1, 11),
    _RoomChange("350426", "县" + EMERGENCY_ROOM, 1, 11),
    _RoomChange("350426", "县" + SERVICE_ROOM, 1, 11),
    _RoomChange("350427", "县" + STANDING_ROOM, 1, 11),
    _RoomChange("350427", "县" + EMERGENCY_ROOM, 1, 11),
    _RoomChange("350427", "县" + SERVICE_ROOM, 4, 16, (True, True, False)),
    _RoomChange("350427", "县" + SERVICE_ROOM, 6, 5),
    _RoomChange("350428", "县" + STANDING_ROOM, 1, 14),
    _RoomChange("350428", "县" + EMERGENCY_ROOM, 1, 14),
    _RoomChange("350428", "县" + SERVICE_ROOM, 1, 14),
    _RoomChange("350429", "县" + STANDING_ROOM, 1, 14, (True, True, False)),
    _RoomChange("350429", "县" + STANDING_ROOM, 3, 18),
    _RoomChange("350429", "县" + EMERGENCY_ROOM, 1, 14),
    _RoomChange("350429", "县" + SERVICE_ROOM, 1, 14, (False, True, True)),
    _RoomChange("350430", "县" + STANDING_ROOM, 1, 15, (True, True, False)),
    _RoomChange("350481", "市" + STANDING_ROOM, 1, 15),
    _RoomChange("350481", "市" + EMERGENCY_ROOM, 1, 15),
    _RoomChange("350481", "市" + SERVICE_ROOM, 1, 15),
    _RoomChange("350404", "区" + STANDING_ROOM, 3, 2),
    _RoomChange("350404", "区" + EMERGENCY_ROOM, 3, 2),
    _RoomChange("350404", "区" + SERVICE_ROOM, 3, 2),
    _RoomChange("350405", "区" + STANDING_ROOM, 3, 2),
    _RoomChange("350405", "区" + EMERGENCY_ROOM, 3, 2, (True, True, False)),
)


@dataclass(frozen=True)
class _StaffingChange:
    """How many leaders and staff a unit names on a day; None keeps the people already named."""

    unit: str
    month: int
    day: int
    leaders: int | None
    staff: int | None


STAFFING_CHANGES: tuple[_StaffingChange, ...] = (
    _StaffingChange("350400", 1, 7, leaders=1, staff=2),
    _StaffingChange("350402", 1, 8, leaders=1, staff=1),
    _StaffingChange("350403", 1, 8, leaders=1, staff=0),
    _StaffingChange("350403", 3, 4, leaders=None, staff=1),
    _StaffingChange("350421", 1, 9, leaders=1, staff=1),
    _StaffingChange("350423", 1, 9, leaders=1, staff=1),
    _StaffingChange("350423", 7, 22, leaders=None, staff=0),
    _StaffingChange("350424", 1, 10, leaders=1, staff=2),
    _StaffingChange("350425", 1, 10, leaders=1, staff=1),
    _StaffingChange("350426", 1, 11, leaders=1, staff=1),
    _StaffingChange("350427", 1, 11, leaders=1, staff=1),
    _StaffingChange("350428", 4, 10, leaders=1, staff=1),
    _StaffingChange("350429", 1, 14, leaders=1, staff=1),
    _StaffingChange("350430", 1, 15, leaders=1, staff=1),
    _StaffingChange("350481", 1, 15, leaders=1, staff=2),
    _StaffingChange("350481", 9, 16, leaders=1, staff=None),
    _StaffingChange("350404", 3, 2, leaders=1, staff=1),
    _StaffingChange("350405", 3, 2, leaders=1, staff=0),
)


@dataclass(frozen=True)
class _InspectionFinding:
    unit: str
    type: str
    month: int
    day: int
    clock: time
    note: str


INSPECTION_FINDINGS: tuple[_InspectionFinding, ...] = (
    _InspectionFinding(
        unit="350430",
        type="install.no_tech_staff",
        month=3,
        day=12,
        clock=time(10, 30),
        note="高清终端安装调测时无技术人员到场配合",
    ),
    _InspectionFinding(
        unit="350426",
        type="install.poor_cooperation",
        month=6,
        day=18,
        clock=time(14, 30),
        note="调测期间会场未按约定开放，配合度差",
    ),
    _InspectionFinding(
        unit="350423",
        type="install.skipped_joint_debug",
        month=11,
        day=7,
        clock=time(9, 30),
        note="无故未参加全省性大联调",
    ),
)


@dataclass(frozen=True)
class _Meeting:
    key: str
    title: str
    starts_at: datetime


def build_demo_records(*, year: int = 2019, seed: int = 2019) -> dict[str, object]:
    """Return the demo interchange document for `year`, drawn from `random.Random(seed)`."""
    rng = random.Random(seed)
    edition = "2019" if year >= 2019 else "2017"
    working_days = _working_days(year)
    meetings = _schedule_meetings(rng, working_days=working_days)

    incidents = _roll_call_incidents(rng, meetings=meetings, working_days=working_days)
    incidents += _venue_order_incidents(rng, meetings=meetings, edition=edition, year=year)
    incidents += _inspection_incidents(edition=edition, working_days=working_days)
    if edition == "2019":
        incidents += _leader_criticisms(rng, meetings=meetings)
    incidents += _voided_incidents(rng, meetings=meetings, edition=edition, taken=incidents)
    incidents.sort(key=lambda incident: (str(incident["at"]), str(incident["unit"])))
    keyed = [{"key": f"demo-{year}-{n:05d}", **body} for n, body in enumerate(incidents, 1)]

    return {
        "format": RECORDS_FORMAT,
        "period": {"year": year, "edition": edition},
        "units": [_unit_record(unit) for unit in UNITS],
        "meetings": [
            {"key": m.key, "title": m.title, "starts_at": _iso(m.starts_at)} for m in meetings
        ],
        "incidents": keyed,
        "rooms": _room_register(working_days=working_days),
        "staffing": _staffing(rng, working_days=working_days),
    }


def _unit_record(unit: _UnitProfile) -> dict[str, object]:
    record: dict[str, object] = {"code": unit.code, "name": unit.name, "level": unit.level}
    if unit.level == "county":
        record["parent"] = CITY_CODE
    if unit.established is not None:
        record["established"] = unit.established.isoformat()
    if unit.abolished is not None:
        record["abolished"] = unit.abolished.isoformat()
    return record


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=SHANGHAI)


def _holidays(year: int) -> set[date]:
    days = {date(year, 1, 1)}
    days.update(date(year, 5, d) for d in range(1, 4))
    days.update(date(year, 10, d) for d in range(1, 8))
    new_year = SPRING_FESTIVAL.get(year)
    if new_year is not None:
        days.update(new_year + timedelta(days=d) for d in range(-1, 6))
    return days


def _working_days(year: int) -> list[date]:
    holidays = _holidays(year)
    day, last = date(year, 1, 1), date(year, 12, 31)
    days: list[date] = []
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _on_working_day(working_days: list[date], *, month: int, day: int) -> date:
    """The first working day on or after the given day of the month."""
    year = working_days[0].year
    wanted = date(year, month, day)
    return next(d for d in working_days if d >= wanted)


def _previous_working_day(working_days: list[date], day: date) -> date:
    return max(d for d in working_days if d < day)


def _schedule_meetings(rng: random.Random, *, working_days: list[date]) -> list[_Meeting]:
    per_month = {month: 3 for month in range(1, 13)}
    per_month[2] = 2
    for month in rng.sample([m for m in range(3, 13)], 5):
        per_month[month] += 1

    meetings: list[_Meeting] = []
    for month, count in per_month.items():
        candidates = [d for d in working_days[1:] if d.month == month]
        titles = [title for title, months in MEETING_TITLES if month in months]
        days = sorted(rng.sample(candidates, count))
        for day, title in zip(days, rng.sample(titles, count), strict=True):
            morning = rng.random() < 0.75
            starts_at = _at(day, time(9, 0) if morning else time(15, 0))
            key = f"{day.isoformat()}-{'am' if morning else 'pm'}"
            meetings.append(_Meeting(key=key, title=title, starts_at=starts_at))
    return meetings


def _roll_call_times(meeting: _Meeting, *, working_days: list[date]) -> dict[str, datetime]:
    """When the two roll calls before `meeting` open: 会前半天 and 会前两小时."""
    starts_at = meeting.starts_at
    if starts_at.hour < 12:
        half_day = _at(_previous_working_day(working_days, starts_at.date()), time(15, 0))
    else:
        half_day = _at(starts_at.date(), time(9, 0))
    return {"half_day": half_day, "two_hours": starts_at - timedelta(hours=2)}


def _roll_call_incidents(
    rng: random.Random, *, meetings: list[_Meeting], working_days: list[date]
) -> list[dict[str, object]]:
    incidents: list[dict[str, object]] = []
    for meeting in meetings:
        roll_calls = _roll_call_times(meeting, working_days=working_days)
        for checkpoint, opens_at in roll_calls.items():
            for unit in _on(UNITS, opens_at.date()):
                draw = rng.random()
                absent_rate = ROLL_CALL_ABSENT_RATE * unit.carelessness
                late_rate = ROLL_CALL_LATE_RATE * unit.carelessness
                if draw < absent_rate:
                    kind, seen_at = "roll_call.absent", opens_at + timedelta(minutes=30)
                elif draw < absent_rate + late_rate:
                    delay = timedelta(minutes=rng.randint(5, 25), seconds=rng.randint(0, 59))
                    kind, seen_at = "roll_call.late", opens_at + delay
                else:
                    continue
                incidents.append(
                    {
                        "unit": unit.code,
                        "type": kind,
                        "meeting": meeting.key,
                        "checkpoint": checkpoint,
                        "at": _iso(seen_at),
                        "source": "online_monitoring",
                    }
                )
    return incidents


def _during(rng: random.Random, meeting: _Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=rng.randint(5, 100), seconds=rng.randint(0, 59))


def _venue_order_incident(
    rng: random.Random, *, meeting: _Meeting, unit: _UnitProfile, kind: str
) -> dict[str, object]:
    incident: dict[str, object] = {
        "unit": unit.code,
        "type": kind,
        "meeting": meeting.key,
        "at": _iso(_during(rng, meeting)),
        "source": "online_monitoring",
    }
    if rng.random() < 0.5:
        incident["note"] = rng.choice(VENUE_ORDER_NOTES[kind])
    return incident


def _venue_order_incidents(
    rng: random.Random, *, meetings: list[_Meeting], edition: str, year: int
) -> list[dict[str, object]]:
    weights = VENUE_ORDER_WEIGHTS_2019 if edition == "2019" else VENUE_ORDER_WEIGHTS_2017
    kinds, kind_weights = list(weights), list(weights.values())
    incidents: list[dict[str, object]] = []
    for meeting in meetings:
        for unit in _on(UNITS, meeting.starts_at.date()):
            if rng.random() < VENUE_INCIDENT_RATE * unit.carelessness:
                kind = rng.choices(kinds, weights=kind_weights)[0]
                incidents.append(_venue_order_incident(rng, meeting=meeting, unit=unit, kind=kind))
    # Rare kinds still happen somewhere in a year: each kind is seen at least once.
    seen = {incident["type"] for incident in incidents}
    for kind in kinds:
        if kind not in seen:
            meeting = rng.choice(meetings)
            present = _on(UNITS, meeting.starts_at.date())
            unit = rng.choices(present, weights=[u.carelessness for u in present])[0]
            incidents.append(_venue_order_incident(rng, meeting=meeting, unit=unit, kind=kind))
    return incidents


def _inspection_incidents(*, edition: str, working_days: list[date]) -> list[dict[str, object]]:
    incidents: list[dict[str, object]] = []
    for finding in INSPECTION_FINDINGS:
        if edition == "2017" and finding.type == "install.skipped_joint_debug":
            continue
        day = _on_working_day(working_days, month=finding.month, day=finding.day)
        if not _unit(finding.unit).exists_on(day):
            continue
        incidents.append(
            {
                "unit": finding.unit,
                "type": finding.type,
                "at": _iso(_at(day, finding.clock)),
                "source": "onsite_inspection",
                "note": finding.note,
            }
        )
    return incidents


def _leader_criticisms(rng: random.Random, *, meetings: list[_Meeting]) -> list[dict[str, object]]:
    meeting = rng.choice(meetings[len(meetings) // 2 :])
    most_careless = max(_on(UNITS, meeting.starts_at.date()), key=lambda unit: unit.carelessness)
    return [
        {
            "unit": most_careless.code,
            "type": "criticism.named_by_leader",
            "meeting": meeting.key,
            "at": _iso(_during(rng, meeting)),
            "source": "online_monitoring",
            "note": "省政府领导在会上点名批评该会场纪律松散",
        }
    ]


def _voided_incidents(
    rng: random.Random, *, meetings: list[_Meeting], edition: str, taken: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Mistaken tags, each voided by the controller soon after it was logged."""
    weights = VENUE_ORDER_WEIGHTS_2019 if edition == "2019" else VENUE_ORDER_WEIGHTS_2017
    voided: list[dict[str, object]] = []
    for _ in range(2):
        meeting = rng.choice(meetings)
        unit = rng.choice(_on(UNITS, meeting.starts_at.date()))
        kind = rng.choices(list(weights), weights=list(weights.values()))[0]
        incident = _venue_order_incident(rng, meeting=meeting, unit=unit, kind=kind)
        seen_at = datetime.fromisoformat(str(incident["at"]))
        void_at = seen_at + timedelta(minutes=rng.randint(1, 3))
        incident["voided"] = {"reason": "误标", "at": _iso(void_at)}
        voided.append(incident)

    marked = {(i.get("meeting"), i.get("checkpoint"), i["unit"]) for i in taken}
    while True:
        meeting = rng.choice(meetings)
        unit = rng.choice(_on(UNITS, meeting.starts_at.date()))
        if (meeting.key, "two_hours", unit.code) not in marked:
            break
    seen_at = meeting.starts_at - timedelta(hours=2) + timedelta(minutes=rng.randint(5, 20))
    void_at = seen_at + timedelta(hours=rng.randint(2, 4), minutes=rng.randint(0, 59))
    voided.append(
        {
            "unit": unit.code,
            "type": "roll_call.late",
            "meeting": meeting.key,
            "checkpoint": "two_hours",
            "at": _iso(seen_at),
            "source": "online_monitoring",
            "voided": {"reason": "误标", "at": _iso(void_at)},
        }
    )
    return voided


def _room_register(*, working_days: list[date]) -> list[dict[str, object]]:
    rooms: list[dict[str, object]] = []
    for change in ROOM_CHANGES:
        day = _on_working_day(working_days, month=change.month, day=change.day)
        if not _unit(change.unit).exists_on(day):
            continue
        hd_display, audio, cabling = change.equipment
        room: dict[str, object] = {
            "unit": change.unit,
            "name": change.name,
            "at": _iso(_at(day, time(10, 0))),
            "equipment": {"hd_display": hd_display, "audio": audio, "cabling": cabling},
        }
        if change.removed:
            room["removed"] = True
        rooms.append(room)
    rooms.sort(key=lambda room: (str(room["at"]), str(room["unit"])))
    return rooms


def _person_names(rng: random.Random) -> list[str]:
    names = [surname + given for surname in SURNAMES for given in GIVEN_NAMES]
    rng.shuffle(names)
    return names


def _staffing(rng: random.Random, *, working_days: list[date]) -> list[dict[str, object]]:
    names = iter(_person_names(rng))
    current: dict[str, tuple[list[str], list[str]]] = {}
    entries: list[dict[str, object]] = []
    for change in STAFFING_CHANGES:
        day = _on_working_day(working_days, month=change.month, day=change.day)
        if not _unit(change.unit).exists_on(day):
            continue
        leaders, staff = current.get(change.unit, ([], []))
        if change.leaders is not None:
            leaders = [next(names) for _ in range(change.leaders)]
        if change.staff is not None:
            staff = [next(names) for _ in range(change.staff)]
        current[change.unit] = (leaders, staff)
        entries.append(
            {
                "unit": change.unit,
                "at": _iso(_at(day, time(16, 0))),
                "leaders": list(leaders),
                "staff": list(staff),
            }
        )
    entries.sort(key=lambda entry: (str(entry["at"]), str(entry["unit"])))
    return entries
