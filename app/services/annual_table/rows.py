"""The rows of the official annual table, built once for every layout (XLSX, print, PDF, CSV).

Invariants:
- the city lines are `/api/scores` figure for figure (they are made from the same standings);
- in a city's section every unit's uncapped figure per item is the sum of its reason lines, and
  the units' figures add up to the city's raw figure, which the cap then bounds;
- every text that comes from the data passes `cells.safe_text` here, so no writer can forget it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from app.db.repositories import annual as annual_repo
from app.db.repositories import people as people_repo
from app.db.repositories import register as register_repo
from app.db.repositories.annual import MeetingLine, TableRow
from app.db.repositories.incidents import IncidentFilter
from app.domain.counting import Moments
from app.domain.facts import Unit
from app.domain.rulebook import Item, Rulebook
from app.domain.scoring import unit_findings
from app.schemas.public import CityScorePublic, ItemScorePublic, StandingsPublic, UnitScorePublic
from app.services.annual_table.cells import chinese_date, chinese_moment, minute, safe_text
from app.services.periods import period_of_year
from app.services.room_register import room_entry, staffing_entry

TITLE = "视频会议（10分）考核结果"
CHECKPOINT_NAMES = {"half_day": "会前半天", "two_hours": "会前两小时"}
SOURCE_NAMES = {
    "online_monitoring": "在线监测",
    "onsite_inspection": "现场检查",
    "self_report": "自评上报",
}
REGISTER_SOURCE = "登记信息"
OWN_VENUE = "本级"
# A unit's reason lines per item, at most; the rest are summed on one line that points to the
# 扣分明细 sheet, so a year of thousands of incidents per county still prints, and adds up.
REASON_LINES = 30

DETAIL_HEADINGS = (
    "设区市",
    "单位代码",
    "单位",
    "考核项目",
    "扣分类型",
    "次数",
    "扣分",
    "会议",
    "会议时间",
    "点名时段",
    "发生时间",
    "来源",
    "说明",
    "记录人",
    "证据",
    "编号",
)
# The first columns of a detail line depend only on the unit, the type, the meeting and the
# checkpoint: they are one shared tuple per such combination (writers may cache its layout).
DETAIL_HEAD = DETAIL_HEADINGS.index("发生时间")
COUNT_COLUMN = DETAIL_HEADINGS.index("次数")
POINTS_COLUMN = DETAIL_HEADINGS.index("扣分")
VOIDED_HEADINGS = (
    "设区市",
    "单位代码",
    "单位",
    "考核项目",
    "扣分类型",
    "扣分",
    "会议",
    "会议时间",
    "点名时段",
    "发生时间",
    "作废人",
    "作废时间",
    "作废原因",
    "编号",
)
VOIDED_POINTS_COLUMN = VOIDED_HEADINGS.index("扣分")
CSV_HEADINGS = (*DETAIL_HEADINGS, "状态", "作废人", "作废时间", "作废原因")
COUNTED, VOIDED = "计入", "已作废"

Cell = str | int | Decimal


@dataclass(frozen=True)
class ItemFigures:
    code: str
    occurrences: int
    raw: Decimal
    cap: Decimal
    capped: Decimal

    @property
    def binds(self) -> bool:
        """The cap bounds the figure: more was lost than counts."""
        return self.raw > self.cap


@dataclass(frozen=True)
class CityLine:
    """A city's line of the indicator table (sheet 1)."""

    rank: int
    code: str
    name: str
    items: tuple[ItemFigures, ...]
    before_cap: Decimal  # Σ capped items, before the indicator's own cap
    deduction: Decimal
    score: Decimal

    @property
    def total_binds(self) -> bool:
        return self.before_cap > self.deduction


@dataclass(frozen=True)
class ReasonLine:
    item_code: str
    text: str
    occurrences: int
    points: Decimal


@dataclass(frozen=True)
class UnitBlock:
    """A county, or the city's own venue, in its city's section: uncapped figures and reasons."""

    code: str
    name: str
    own_venue: bool
    items: tuple[ItemFigures, ...]
    total: Decimal  # Σ raw items, uncapped: what the unit contributes to its city
    reasons: tuple[ReasonLine, ...]


@dataclass(frozen=True)
class CitySection:
    code: str
    name: str
    units: tuple[UnitBlock, ...]
    items: tuple[ItemFigures, ...]  # the city's raw, cap and capped per item
    raw_total: Decimal
    before_cap: Decimal
    deduction: Decimal
    score: Decimal


@dataclass(frozen=True)
class AnnualTable:
    year: int
    edition: str
    edition_title: str
    full_marks: Decimal
    as_of: datetime
    register_at: datetime
    final: bool
    finalized_at: datetime | None
    finalized_by: str | None
    issuing_office: str
    items: tuple[Item, ...]
    cities: tuple[CityLine, ...]
    sections: tuple[CitySection, ...]

    @property
    def title(self) -> str:
        return f"{self.year}年度{TITLE}"

    @property
    def status(self) -> str:
        return "定稿" if self.final else "未定稿"

    @property
    def meta(self) -> str:
        """The line under the title: edition, both moments, and whether it is final."""
        edition = "" if self.edition in self.edition_title else f"（{self.edition}版）"
        parts = [
            f"考核细则：{self.edition_title}{edition}",
            f"扣分统计截至{chinese_moment(self.as_of)}",
            f"会议室和人员配备以{chinese_moment(self.register_at)}登记为准",
            self.status,
        ]
        if self.final and self.finalized_at is not None:
            by = f"，{self.finalized_by}" if self.finalized_by else ""
            parts[-1] = f"定稿（{chinese_date(self.finalized_at)}{by}）"
        return "；".join(parts)

    def item_name(self, code: str) -> str:
        return next(item.name for item in self.items if item.code == code)


def _figures(items: list[ItemScorePublic]) -> tuple[ItemFigures, ...]:
    return tuple(
        ItemFigures(
            code=i.code,
            occurrences=i.occurrences,
            raw=Decimal(i.raw),
            cap=Decimal(i.cap),
            capped=Decimal(i.capped),
        )
        for i in items
    )


def _ranked(cities: list[CityScorePublic]) -> list[tuple[int, CityScorePublic]]:
    """Highest score first; equal scores share a rank (1, 1, 3)."""
    ordered = sorted(cities, key=lambda c: (-Decimal(c.score), c.code))
    ranked = []
    for city in ordered:
        rank = 1 + sum(1 for other in ordered if Decimal(other.score) > Decimal(city.score))
        ranked.append((rank, city))
    return ranked


def _moment(value: object, default: datetime) -> datetime:
    """A moment the standings may carry as ISO text (fields added to `/api/scores`)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else default


class _Names:
    """Chinese names of what the rows mention, each made cell-safe once."""

    def __init__(self, rulebook: Rulebook, public: StandingsPublic) -> None:
        self.types = {code: t.name for code, t in rulebook.types.items()}
        self.item_of_type = {code: t.item_code for code, t in rulebook.types.items()}
        self.items = {item.code: item.name for item in rulebook.items}
        self.points = {item.code: item.points for item in rulebook.items}
        self.units: dict[str, tuple[str, str]] = {}  # code → (city name, unit name)
        for city in public.cities:
            city_name = safe_text(city.name)
            self.units[city.code] = (city_name, city_name)
            for county in city.counties:
                self.units[county.code] = (city_name, safe_text(county.name))

    def unit(self, code: str) -> tuple[str, str]:
        return self.units.get(code, ("", code))

    def type_name(self, code: str) -> str:
        return self.types.get(code, code)


class ReasonTally:
    """The incidents that count, tallied per unit, type, meeting and checkpoint as they stream
    past (for the 扣分明细) — the city sections' reason lines are made from the tally."""

    def __init__(self, meetings: dict[int, MeetingLine]) -> None:
        self.meetings = meetings
        # (unit, type, meeting id, checkpoint) → [count, first at, last at]
        self.counts: dict[tuple[str, str, int | None, str | None], list[Any]] = {}

    def add(self, row: TableRow) -> list[Any]:
        """Counts `row`; its tally entry (keyed like the detail lines' shared heads)."""
        key = (row.unit, row.type_code, row.meeting_id, row.checkpoint)
        tally = self.counts.get(key)
        if tally is None:
            tally = self.counts[key] = [1, row.at, row.at]
        else:
            tally[0] += 1
            if row.at < tally[1]:
                tally[1] = row.at
            elif row.at > tally[2]:
                tally[2] = row.at
        return tally

    def lines(self, names: _Names) -> dict[tuple[str, str], list[ReasonLine]]:
        """Per (unit, item), the reason lines: by meeting date, checkpoint and type; past
        REASON_LINES, the rest summed on one line (their texts are never made)."""
        grouped: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for (unit, type_code, meeting_id, checkpoint), (count, first, last) in self.counts.items():
            item_code = names.item_of_type.get(type_code)
            if item_code is None:
                continue
            meeting = self.meetings.get(meeting_id) if meeting_id is not None else None
            order = (meeting.starts_at if meeting else first, checkpoint or "", type_code)
            entry = (order, type_code, meeting_id, checkpoint, count, first, last)
            grouped.setdefault((unit, item_code), []).append(entry)
        meeting_texts: dict[int, str] = {}

        def text_of(entry: tuple[Any, ...]) -> str:
            _, type_code, meeting_id, checkpoint, _, first, last = entry
            kind = names.type_name(type_code)
            meeting = self.meetings.get(meeting_id) if meeting_id is not None else None
            if meeting is None:
                since, until = chinese_date(first), chinese_date(last)
                return f"{kind}（{since}）" if since == until else f"{kind}（{since}至{until}）"
            said = meeting_texts.get(meeting_id)
            if said is None:
                said = f"{chinese_date(meeting.starts_at)} {safe_text(meeting.title)}"
                meeting_texts[meeting_id] = said
            if checkpoint:
                return f"{said} {CHECKPOINT_NAMES.get(checkpoint, checkpoint)} {kind}"
            return f"{said} {kind}"

        lines: dict[tuple[str, str], list[ReasonLine]] = {}
        for (unit, item_code), entries in grouped.items():
            entries.sort(key=lambda entry: entry[0])
            points = names.points[item_code]
            kept = entries if len(entries) <= REASON_LINES else entries[: REASON_LINES - 1]
            found = [ReasonLine(item_code, text_of(e), e[4], points * e[4]) for e in kept]
            if len(kept) < len(entries):
                rest = entries[len(kept) :]
                count = sum(e[4] for e in rest)
                text = f"其余{len(rest)}项（详见扣分明细）"
                found.append(ReasonLine(item_code, text, count, points * count))
            lines[(unit, item_code)] = found
        return lines


def _unit_block(
    score: UnitScorePublic,
    *,
    own_venue: bool,
    rulebook: Rulebook,
    reasons: dict[tuple[str, str], list[ReasonLine]],
    findings: dict[str, list[ReasonLine]],
) -> UnitBlock:
    lines: list[ReasonLine] = []
    for item in rulebook.items:
        if item.derived:
            lines += [line for line in findings.get(score.code, []) if line.item_code == item.code]
        else:
            lines += reasons.get((score.code, item.code), [])
    items = _figures(score.items)
    return UnitBlock(
        code=score.code,
        name=safe_text(score.name),
        own_venue=own_venue,
        items=items,
        total=sum((i.raw for i in items), Decimal("0.00")),
        reasons=tuple(lines),
    )


def _register_reasons(
    session: Session, public: StandingsPublic, rulebook: Rulebook, *, register_at: datetime
) -> dict[str, list[ReasonLine]]:
    """Per unit, what its room register and staffing at `register_at` cost it (items 3–5)."""
    rooms = [
        room_entry(r, unit=c) for r, c in register_repo.room_records(session, until=register_at)
    ]
    staffing = [
        staffing_entry(r, unit=c)
        for r, c in register_repo.staffing_records(session, until=register_at)
    ]
    found: dict[str, list[ReasonLine]] = {}
    for city in public.cities:
        units = [Unit(code=city.code, name=city.name, level="city")] + [
            Unit(code=c.code, name=c.name, level="county", parent=city.code) for c in city.counties
        ]
        for unit in units:
            found[unit.code] = [
                ReasonLine(f.item_code, safe_text(f.text), f.occurrences, f.points)
                for f in unit_findings(
                    rulebook, unit, rooms=rooms, staffing=staffing, as_of=register_at
                )
            ]
    return found


@dataclass(frozen=True)
class TableSource:
    """What the table is made from, read in one transaction."""

    public: StandingsPublic
    rulebook: Rulebook
    period_id: int
    as_of: datetime
    register_at: datetime
    meetings: dict[int, MeetingLine]
    people: dict[str, str]  # login → display name: files name people, never by their login

    @property
    def moments(self) -> Moments:
        """The standings' moments: which incidents count is theirs to say (domain.counting)."""
        return Moments(year=self.public.year, as_of=self.as_of, register_at=self.register_at)

    def tally(self) -> ReasonTally:
        return ReasonTally(self.meetings)


def table_source(session: Session, *, public: StandingsPublic) -> TableSource:
    """What the table of `public` — the standings exactly as `GET /api/scores` gives them,
    finalized or not — is made from: its incidents are those that count at its `as_of`."""
    period, rulebook = period_of_year(session, public.year)
    assert period.id is not None
    as_of = datetime.fromisoformat(public.as_of)
    # Standings that do not state their register moment read the register at `as_of`.
    register_at = _moment(getattr(public, "register_at", None), as_of)
    return TableSource(
        public,
        rulebook,
        period.id,
        as_of,
        register_at,
        annual_repo.meetings(session),
        dict(people_repo.all_people(session)),
    )


def tally_counted(session: Session, source: TableSource) -> ReasonTally:
    """The reasons of every incident that counts at the table's `as_of`, in one pass."""
    tally = source.tally()
    for row in annual_repo.counted_rows(
        session, period_id=source.period_id, moments=source.moments
    ):
        tally.add(row)
    return tally


def annual_table(
    session: Session, source: TableSource, *, issuing_office: str, tally: ReasonTally
) -> AnnualTable:
    """The table; its incident reasons are `tally`'s (an empty one gives the figures alone)."""
    public, rulebook = source.public, source.rulebook
    names = _Names(rulebook, public)
    reasons = tally.lines(names)
    findings = _register_reasons(session, public, rulebook, register_at=source.register_at)

    cities = []
    for rank, city in _ranked(public.cities):
        items = _figures(city.items)
        cities.append(
            CityLine(
                rank=rank,
                code=city.code,
                name=safe_text(city.name),
                items=items,
                before_cap=sum((i.capped for i in items), Decimal("0.00")),
                deduction=Decimal(city.deduction),
                score=Decimal(city.score),
            )
        )
    sections = []
    for line in cities:
        city = next(c for c in public.cities if c.code == line.code)
        blocks = [
            _unit_block(
                city.own,
                own_venue=True,
                rulebook=rulebook,
                reasons=reasons,
                findings=findings,
            )
        ]
        blocks += [
            _unit_block(
                county,
                own_venue=False,
                rulebook=rulebook,
                reasons=reasons,
                findings=findings,
            )
            for county in city.counties
        ]
        sections.append(
            CitySection(
                code=line.code,
                name=line.name,
                units=tuple(blocks),
                items=line.items,
                raw_total=sum((i.raw for i in line.items), Decimal("0.00")),
                before_cap=line.before_cap,
                deduction=line.deduction,
                score=line.score,
            )
        )
    finalized_at = getattr(public, "finalized_at", None)
    finalized_by = getattr(public, "finalized_by", None)
    return AnnualTable(
        year=public.year,
        edition=public.edition,
        edition_title=safe_text(rulebook.title),
        full_marks=Decimal(public.full_marks),
        as_of=source.as_of,
        register_at=source.register_at,
        final=bool(getattr(public, "final", False)),
        finalized_at=datetime.fromisoformat(finalized_at) if finalized_at else None,
        finalized_by=safe_text(str(finalized_by)) if finalized_by else None,
        issuing_office=safe_text(issuing_office),
        items=rulebook.items,
        cities=tuple(cities),
        sections=tuple(sections),
    )


# ---------------------------------------------------------------------------------------------
# Lines of the 扣分明细 (what counts), 作废记录 (what was voided) and the CSV
# ---------------------------------------------------------------------------------------------


# A line of the 扣分明细: (head, tail). The head is DETAIL_HEADINGS[:DETAIL_HEAD], one tuple
# shared by the lines of a unit, type, meeting and checkpoint; the tail DETAIL_HEADINGS[
# DETAIL_HEAD:]: the moment (a writer shows it as local time), the source, the note, who logged
# it, the evidence, the key. A plain tuple: a year's export makes one per incident.
DetailLine = tuple[tuple[Cell, ...], tuple[datetime, str, str, str, str, str]]


def _text(value: str | None) -> str:
    return safe_text(value) if value else ""


class _Lines:
    """Builds lines from incident rows, each repeated part made once."""

    def __init__(self, source: TableSource) -> None:
        self.names = _Names(source.rulebook, source.public)
        self.meetings = source.meetings
        self.heads: dict[tuple[object, ...], tuple[Cell, ...]] = {}
        self.display_names = source.people
        self.people: dict[str, str] = {}
        self.meeting_cells: dict[int | None, tuple[str, str]] = {None: ("", "")}

    def meeting(self, meeting_id: int | None) -> tuple[str, str]:
        """A meeting's title and start, as cells."""
        cells = self.meeting_cells.get(meeting_id)
        if cells is None:
            meeting = self.meetings.get(meeting_id) if meeting_id is not None else None
            cells = (
                ("", "")
                if meeting is None
                else (safe_text(meeting.title), minute(meeting.starts_at))
            )
            self.meeting_cells[meeting_id] = cells
        return cells

    def head(self, row: TableRow) -> tuple[Cell, ...]:
        key = (row.unit, row.type_code, row.meeting_id, row.checkpoint)
        head = self.heads.get(key)
        if head is None:
            city, unit = self.names.unit(row.unit)
            head = self.heads[key] = (
                city,
                row.unit,
                unit,
                self.names.items.get(row.item_code, row.item_code),
                self.names.type_name(row.type_code),
                1,
                self.names.points.get(row.item_code, Decimal("0.00")),
                *self.meeting(row.meeting_id),
                CHECKPOINT_NAMES.get(row.checkpoint, row.checkpoint) if row.checkpoint else "",
            )
        return head

    def person(self, name: str | None) -> str:
        if not name:
            return ""
        text = self.people.get(name)
        if text is None:
            text = self.people[name] = safe_text(self.display_names.get(name, name))
        return text

    def tail(self, row: TableRow) -> tuple[datetime, str, str, str, str, str]:
        # The key needs no `safe_text`: keys are letters, digits and ._:- and start with a
        # letter or digit (app.schemas.records.RecordKey, the API's key pattern).
        return (
            row.at,
            SOURCE_NAMES.get(row.source, row.source),
            safe_text(row.note) if row.note else "",
            self.person(row.logged_by),
            safe_text(row.evidence) if row.evidence else "",
            row.key,
        )

    def detail(self, row: TableRow) -> DetailLine:
        return (self.head(row), self.tail(row))


def register_lines(table: AnnualTable) -> Iterator[DetailLine]:
    """The 扣分明细 lines of items 3–5: one per finding, dated at the register's moment."""
    at = table.register_at
    for section in table.sections:
        for unit in section.units:
            for reason in unit.reasons:
                item = next(i for i in table.items if i.code == reason.item_code)
                if not item.derived:
                    continue
                head: tuple[Cell, ...] = (
                    section.name,
                    unit.code,
                    unit.name,
                    item.name,
                    reason.text,
                    reason.occurrences,
                    reason.points,
                    "",
                    "",
                    "",
                )
                yield (head, (at, REGISTER_SOURCE, "", "", "", ""))


def counted_lines(
    session: Session, source: TableSource, *, tally: ReasonTally
) -> Iterator[DetailLine]:
    """Every incident that counts at the table's `as_of`, each tallied on its way."""
    lines = _Lines(source)
    heads, counts, tail = lines.heads, tally.counts, lines.tail
    for row in annual_repo.counted_rows(
        session, period_id=source.period_id, moments=source.moments
    ):
        # `ReasonTally.add` and `_Lines.head` in one: the same key, looked up once.
        key = (row.unit, row.type_code, row.meeting_id, row.checkpoint)
        entry = counts.get(key)
        if entry is None:
            counts[key] = [1, row.at, row.at]
        else:
            entry[0] += 1
            if row.at < entry[1]:
                entry[1] = row.at
            elif row.at > entry[2]:
                entry[2] = row.at
        yield (heads.get(key) or lines.head(row), tail(row))


def voided_lines(session: Session, source: TableSource) -> Iterator[tuple[Cell, ...]]:
    """Every incident voided by the table's `as_of`: who voided it, when and why."""
    lines = _Lines(source)
    for row in annual_repo.voided_rows(session, period_id=source.period_id, as_of=source.as_of):
        head = lines.head(row)
        assert row.voided_at is not None
        yield (
            *head[:5],
            head[POINTS_COLUMN],
            *head[7:DETAIL_HEAD],
            minute(row.at),
            lines.person(row.voided_by),
            minute(row.voided_at),
            _text(row.void_reason),
            row.key,
        )


def csv_lines(
    session: Session, source: TableSource, *, where: IncidentFilter
) -> Iterator[tuple[Cell, ...]]:
    """The incidents a filtered listing shows at the table's `as_of`, with their state then."""
    lines = _Lines(source)
    as_of = source.as_of
    for row in annual_repo.filtered_rows(session, where=where, as_of=as_of):
        head, (at, *tail) = lines.detail(row)
        voided = row.voided_at is not None and row.voided_at <= as_of
        void: tuple[str, ...] = ("", "", "")
        if voided and row.voided_at is not None:
            void = (lines.person(row.voided_by), minute(row.voided_at), _text(row.void_reason))
        yield (*head, minute(at), *tail, VOIDED if voided else COUNTED, *void)
