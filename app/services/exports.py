"""The annual assessment table (XLSX) and the incident list (CSV)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.db.engine import Database
from app.db.repositories import incidents as incident_repo
from app.db.repositories import meetings as meeting_repo
from app.db.repositories import people as people_repo
from app.db.repositories import units as unit_repo
from app.domain.rulebook import Item, Rulebook
from app.schemas.public import StandingsPublic
from app.services.glossary import word
from app.services.periods import period_of_year
from app.services.presenters import points
from app.services.scores import standings_in, standings_public
from app.timezone import ASSESSMENT_ZONE

INCIDENT_SHEET = "扣分明细"
FIRST_LEVEL = "信息化应用绩效"
SECOND_LEVEL = "视频会议（10分）"
TWO_PLACES = "0.00"
INCIDENT_COLUMNS = (
    "key",
    "unit",
    "unit_name",
    "type",
    "type_name",
    "item",
    "points",
    "meeting",
    "checkpoint",
    "at",
    "source",
    "note",
    "logged_by",
    "logged_at",
    "evidence",
    "voided_at",
    "voided_by",
    "void_reason",
    # The same for people: names, not codes and logins.
    "meeting_title",
    "source_name",
    "checkpoint_name",
    "logged_by_name",
    "voided_by_name",
)


def item_rule(item: Item) -> str:
    if item.derived == "hd_rooms":
        unit = "每缺少一间"
    elif item.derived == "room_equipment":
        unit = "每缺少一项"
    elif item.derived == "staffing":
        unit = "每少一个县市区"
    else:
        unit = "每次"
    return f"{item.name}：{unit}扣{points(item.points)}分，最高扣{points(item.cap)}分"


def _incident_rows(db: Database, *, year: int) -> Iterator[list[str | None]]:
    """The year's incidents as rows of INCIDENT_COLUMNS (None for an empty cell)."""
    with db.read() as session:
        period, rulebook = period_of_year(session, year)
        assert period.id is not None
        names = {u.code: u.name for u in unit_repo.all_units(session)}
        people = dict(people_repo.all_people(session))
        titles = {m.key: m.title for m in meeting_repo.all_meetings(session)}
        type_names = {code: t.name for code, t in rulebook.types.items()}
        item_points = {item.code: points(item.points) for item in rulebook.items}
        logged_at = _Moments()
        voided_at = _Moments()
        for row in incident_repo.export_rows(session, period_id=period.id):
            yield [
                row.key,
                row.unit,
                names.get(row.unit),
                row.type_code,
                type_names.get(row.type_code),
                row.item_code,
                item_points[row.item_code],
                row.meeting,
                row.checkpoint,
                _iso(row.at),
                row.source,
                row.note,
                row.logged_by,
                logged_at.iso(row.logged_at),
                row.evidence,
                voided_at.iso(row.voided_at) if row.voided_at else None,
                row.voided_by,
                row.void_reason,
                titles.get(row.meeting) if row.meeting else None,
                word(f"source.{row.source}"),
                word(f"checkpoint.{row.checkpoint}") if row.checkpoint else None,
                people.get(row.logged_by) if row.logged_by else None,
                people.get(row.voided_by) if row.voided_by else None,
            ]


def _iso(moment: datetime) -> str:
    """`app.timezone.iso`, in one call: it runs for every time of every incident of the year."""
    return moment.astimezone(ASSESSMENT_ZONE).isoformat(timespec="seconds")


class _Moments:
    """`_iso` of moments that repeat (an import logs every incident at one moment)."""

    def __init__(self) -> None:
        self.last: datetime | None = None
        self.text = ""

    def iso(self, moment: datetime) -> str:
        if moment != self.last:
            self.last, self.text = moment, _iso(moment)
        return self.text


def incidents_csv(db: Database, *, year: int) -> Iterator[str]:
    """The year's incident list as CSV chunks (UTF-8 with BOM, so spreadsheets read the
    Chinese). A year without a period is refused here, before any byte is sent."""
    rows = _incident_rows(db, year=year)
    first = next(rows, None)
    return _csv_chunks(first, rows)


def _csv_chunks(first: list[str | None] | None, rows: Iterator[list[str | None]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(INCIDENT_COLUMNS)
    if first is not None:
        writer.writerow(first)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 2000 == 0:
            yield flush()
    yield flush()


def _number(value: str) -> Decimal:
    return Decimal(value)


def standings_xlsx(db: Database, *, year: int, as_of: datetime | None) -> bytes:
    with db.read() as session:
        standings, _ = standings_in(session, year=year, as_of=as_of)
        _, rulebook = period_of_year(session, year)
    public = standings_public(standings, year=year)
    rows = _incident_rows(db, year=year)
    first = next(rows, None)
    workbook = Workbook(write_only=True)
    _indicator_sheet(workbook, public, rulebook)
    for city in public.cities:
        _city_sheet(workbook, city_code=city.code, public=public, rulebook=rulebook)
    _incident_sheet(workbook, first)
    output = io.BytesIO()
    workbook.save(output)
    if first is None:
        return output.getvalue()
    return _with_incident_rows(output.getvalue(), rows)


def _header_cells(workbook: Workbook, sheet: object, values: list[str]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    return cells


def _decimal_cells(sheet: object, values: list[Decimal]) -> list[object]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = TWO_PLACES
        cells.append(cell)
    return cells


def _indicator_sheet(workbook: Workbook, public: StandingsPublic, rulebook: Rulebook) -> None:
    sheet = workbook.create_sheet("视频会议考核")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 48
    sheet.append(
        [f"{public.year}年度 视频会议（10分）考核扣分表 · {rulebook.title} · 截至 {public.as_of}"]
    )
    header = ["一级指标", "二级指标", "分值计算", "分值上限"] + [
        f"{c.name} 扣分" for c in public.cities
    ]
    sheet.append(_header_cells(workbook, sheet, header))
    for index, item in enumerate(rulebook.items):
        capped = [_number(city.items[index].capped) for city in public.cities]
        sheet.append(
            [FIRST_LEVEL, SECOND_LEVEL, item_rule(item)]
            + _decimal_cells(sheet, [item.cap, *capped])
        )
    sheet.append(
        ["", "", "合计扣分", ""]
        + _decimal_cells(sheet, [_number(c.deduction) for c in public.cities])
    )
    sheet.append(
        ["", "", "得分（满分10分）", ""]
        + _decimal_cells(sheet, [_number(c.score) for c in public.cities])
    )


def sheet_title(name: str, code: str) -> str:
    """A worksheet title from a unit name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or code
    return cleaned[:31]


def _city_sheet(
    workbook: Workbook, *, city_code: str, public: StandingsPublic, rulebook: Rulebook
) -> None:
    city = next(c for c in public.cities if c.code == city_code)
    sheet = workbook.create_sheet(sheet_title(city.name, city.code))
    sheet.append([f"{city.name}（{city.code}）各县（市、区）扣分 · 截至 {public.as_of}"])
    header = ["代码", "单位", "扣分合计"] + [item.name for item in rulebook.items]
    sheet.append(_header_cells(workbook, sheet, header))
    rows = [("本级", city.own)] + [("", county) for county in city.counties]
    for label, unit in rows:
        name = f"{unit.name}（{label}）" if label else unit.name
        sheet.append(
            [unit.code, name]
            + _decimal_cells(
                sheet, [_number(unit.deduction)] + [_number(i.capped) for i in unit.items]
            )
        )
    sheet.append(
        ["", "全市合计（计入设区市，封顶后）"]
        + _decimal_cells(sheet, [_number(city.deduction)] + [_number(i.capped) for i in city.items])
    )


def _incident_sheet(workbook: Workbook, first: list[str | None] | None) -> None:
    """The header and the first incident, through openpyxl; `_with_incident_rows` adds the rest."""
    sheet = workbook.create_sheet(INCIDENT_SHEET)
    sheet.append(_header_cells(workbook, sheet, list(INCIDENT_COLUMNS)))
    if first is not None:
        values: list[object] = list(first)
        values[POINTS_COLUMN] = _decimal_cells(sheet, [Decimal(str(first[POINTS_COLUMN]))])[0]
        sheet.append(values)


# A year holds hundreds of thousands of incidents: openpyxl's cell-by-cell writer takes minutes
# for them, so the incident sheet's rows after the first are written as XML here, in the form
# openpyxl gives the first (inline strings, `r` on every row and cell, the first row's style for
# the points; empty cells left out), into the sheet openpyxl wrote.
POINTS_COLUMN = INCIDENT_COLUMNS.index("points")
_FREE_TEXT = tuple(
    INCIDENT_COLUMNS.index(c)
    for c in ("unit_name", "type_name", "note", "logged_by", "voided_by", "void_reason")
)
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NEEDS_ESCAPE = re.compile(r"[&<>\r]")
_ROWS_PER_CHUNK = 2000
_INCIDENT_COMPRESSION = 1  # zlib level: the sheet is large and repetitive; speed wins


def _cell_parts(points_style: str) -> list[tuple[str, str, str]]:
    """Per column, what goes before the row number, between it and the value, and after."""
    parts = []
    for index, _ in enumerate(INCIDENT_COLUMNS):
        before = f'<c r="{get_column_letter(index + 1)}'
        if index == POINTS_COLUMN:
            parts.append((before, f'"{points_style} t="n"><v>', "</v></c>"))
        elif index in _FREE_TEXT:
            parts.append((before, '" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"))
        else:  # codes, keys and times: nothing to escape, no spaces to keep
            parts.append((before, '" t="inlineStr"><is><t>', "</t></is></c>"))
    return parts


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str:
    """The zip member of the worksheet called `name`, by the workbook's relationships."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    (sheet,) = [s for s in book.iter(f"{main}sheet") if s.get("name") == name]
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    (target,) = [r.get("Target", "") for r in links if r.get("Id") == sheet.get(relation)]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _with_incident_rows(workbook: bytes, rows: Iterator[list[str | None]]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    part = _sheet_part(source, INCIDENT_SHEET)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info.filename))
                continue
            head, tail = source.read(part).decode("utf-8").split("</sheetData>", 1)
            points_cell = f'<c r="{get_column_letter(POINTS_COLUMN + 1)}2"'
            found = re.search(rf'{points_cell}[^>]*?( s="\d+")', head)
            cells = _cell_parts(found.group(1) if found else "")
            target.compresslevel = _INCIDENT_COMPRESSION
            with target.open(part, "w") as sheet:
                sheet.write(head.encode("utf-8"))
                for chunk in _row_chunks(rows, cells, first_row=3):
                    sheet.write(chunk.encode("utf-8"))
                sheet.write(f"</sheetData>{tail}".encode())
            target.compresslevel = None
    return output.getvalue()


def _row_chunks(
    rows: Iterator[list[str | None]], cells: list[tuple[str, str, str]], *, first_row: int
) -> Iterator[str]:
    chunk: list[str] = []
    free_text = itemgetter(*_FREE_TEXT)
    for number, row in enumerate(rows, start=first_row):
        # One look at all of a row's free text: it almost never holds anything to escape.
        if _NEEDS_ESCAPE.search("".join(filter(None, free_text(row)))):
            for index in _FREE_TEXT:
                value = row[index]
                if value:
                    row[index] = value.translate(_XML_TEXT)
        cells_xml = "".join(
            [
                f"{before}{number}{between}{value}{after}"
                for (before, between, after), value in zip(cells, row, strict=True)
                if value
            ]
        )
        chunk.append(f'<row r="{number}">{cells_xml}</row>')
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
