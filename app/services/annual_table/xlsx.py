"""The annual table as an XLSX workbook, laid out with xlsxwriter.

xlsxwriter lays out everything a reviewer reads as a table (titles, merged headers, widths,
frozen rows, print setup) and the first rows of the long sheets. A year holds hundreds of
thousands of incidents, and cell-by-cell writing costs seconds per hundred thousand rows in
either library (benchmarks/review.py prints both), so the 扣分明细 and 作废记录 rows after the
header are streamed as XML into the sheets xlsxwriter wrote, in the form it uses itself (inline
strings, numbers with the column's style). The archive is always written with zip64 records.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from app.services.annual_table.cells import xml_text
from app.services.annual_table.rows import (
    DETAIL_HEAD,
    DETAIL_HEADINGS,
    OWN_VENUE,
    POINTS_COLUMN,
    TITLE,
    VOIDED_HEADINGS,
    VOIDED_POINTS_COLUMN,
    AnnualTable,
    Cell,
    CitySection,
    DetailLine,
)
from app.timezone import ASSESSMENT_ZONE

SHARED_STRINGS = "xl/sharedStrings.xml"
DETAIL_SHEET = "扣分明细"
VOIDED_SHEET = "作废记录"
TWO_PLACES = "0.00"
BINDS = '0.00"（封顶）"'
A4 = 9
_ROWS_PER_CHUNK = 2000
_COMPRESSION = 1  # zlib level of the long sheets: large and repetitive, speed wins
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def display_width(text: str) -> int:
    """Columns a text takes on screen: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(name: str, code: str) -> str:
    """A worksheet title from a unit name: no []:*?/\\ and at most 31 characters."""
    cleaned = name.translate(_SHEET_NAME_FORBIDDEN).strip("'") or code
    return cleaned[:31]


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        boxed = {**base, "border": 1}
        self.title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.meta = book.add_format({**base, "align": "center", "text_wrap": True})
        self.left = book.add_format(base)
        self.head = book.add_format(
            {**boxed, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#EEF1F5"}
        )
        self.text = book.add_format(boxed)
        self.wrap = book.add_format({**boxed, "text_wrap": True})
        self.centre = book.add_format({**boxed, "align": "center"})
        self.count = book.add_format({**boxed, "num_format": "0"})
        self.points = book.add_format({**boxed, "num_format": TWO_PLACES})
        self.binds = book.add_format(
            {**boxed, "num_format": BINDS, "bold": True, "bg_color": "#FBECEB"}
        )
        self.total_text = book.add_format({**boxed, "bold": True, "bg_color": "#F3F5F8"})
        self.total = book.add_format(
            {**boxed, "bold": True, "num_format": TWO_PLACES, "bg_color": "#F3F5F8"}
        )
        self.total_count = book.add_format(
            {**boxed, "bold": True, "num_format": "0", "bg_color": "#F3F5F8"}
        )
        self.total_binds = book.add_format(
            {**boxed, "bold": True, "num_format": BINDS, "bg_color": "#FBECEB"}
        )
        # The long sheets' cells: no borders, so that 300,000 rows stay light.
        self.plain_points = book.add_format({**base, "num_format": TWO_PLACES})
        self.plain_wrap = book.add_format({**base, "text_wrap": True})
        self.plain_time = book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"})


def _print_setup(sheet: Worksheet, *, header_rows: int, landscape: bool, footer: str) -> None:
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.repeat_rows(0, header_rows - 1)
    sheet.set_footer(f"&L{footer}&R第&P页，共&N页")
    sheet.freeze_panes(header_rows, 0)


def _widths(sheet: Worksheet, columns: Sequence[Iterable[str]], *, floor: int = 6) -> None:
    """Each column as wide as its widest text (headers included), within reason."""
    for index, texts in enumerate(columns):
        widest = max((display_width(t) for t in texts), default=0)
        sheet.set_column(index, index, min(60, max(floor, widest + 2)))


def _title_rows(
    sheet: Worksheet, formats: _Formats, *, title: str, meta: str, last_column: int
) -> None:
    sheet.merge_range(0, 0, 0, last_column, title, formats.title)
    sheet.set_row(0, 28)
    sheet.merge_range(1, 0, 1, last_column, meta, formats.meta)
    sheet.set_row(1, 30)


def _item_heading(table: AnnualTable, code: str) -> str:
    item = next(i for i in table.items if i.code == code)
    return f"{item.name}\n（上限{item.cap:.2f}分）"


# ---------------------------------------------------------------------------------------------
# Sheet 1: the indicator, a city per row
# ---------------------------------------------------------------------------------------------

INDICATOR_SUBHEADS = ("次数", "扣分", "计入")


def indicator_sheet(book: xlsxwriter.Workbook, formats: _Formats, table: AnnualTable) -> None:
    sheet = book.add_worksheet(TITLE)
    items = len(table.items)
    first_total = 2 + 3 * items
    last = first_total + 2
    _title_rows(sheet, formats, title=table.title, meta=table.meta, last_column=last)
    sheet.merge_range(2, 0, 2, last, f"制表单位：{table.issuing_office}", formats.left)

    top, sub = 3, 4
    sheet.merge_range(top, 0, sub, 0, "排名", formats.head)
    sheet.merge_range(top, 1, sub, 1, "设区市", formats.head)
    for index, item in enumerate(table.items):
        column = 2 + 3 * index
        sheet.merge_range(
            top, column, top, column + 2, _item_heading(table, item.code), formats.head
        )
        for offset, text in enumerate(INDICATOR_SUBHEADS):
            sheet.write_string(sub, column + offset, text, formats.head)
    full = f"{table.full_marks:.2f}"
    totals = ("各项计入合计", f"扣分合计\n（总分上限{full}分）", f"得分\n（满分{full}分）")
    for offset, text in enumerate(totals):
        sheet.merge_range(top, first_total + offset, sub, first_total + offset, text, formats.head)
    sheet.set_row(top, 42)

    row = sub + 1
    for city in table.cities:
        sheet.write_number(row, 0, city.rank, formats.centre)
        sheet.write_string(row, 1, city.name, formats.text)
        for index, figures in enumerate(city.items):
            column = 2 + 3 * index
            sheet.write_number(row, column, figures.occurrences, formats.count)
            sheet.write_number(row, column + 1, figures.raw, formats.points)
            sheet.write_number(
                row, column + 2, figures.capped, formats.binds if figures.binds else formats.points
            )
        sheet.write_number(row, first_total, city.before_cap, formats.points)
        sheet.write_number(
            row,
            first_total + 1,
            city.deduction,
            formats.total_binds if city.total_binds else formats.total,
        )
        sheet.write_number(row, first_total + 2, city.score, formats.total)
        row += 1
    notes = (
        "注：“扣分”为按次数计算的扣分（含所属县市区），“计入”为按该项上限封顶后的扣分；"
        f"标“（封顶）”者为触及上限：该项超过项目上限，或各项合计超过总分上限{full}分。"
    )
    sheet.merge_range(row + 1, 0, row + 1, last, notes, formats.meta)
    sheet.set_row(row + 1, 30)

    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, max(10, *(display_width(c.name) + 2 for c in table.cities)))
    sheet.set_column(2, first_total - 1, 7)
    sheet.set_column(first_total, last, 12)
    _print_setup(sheet, header_rows=sub + 1, landscape=True, footer=table.title)
    sheet.freeze_panes(sub + 1, 2)


# ---------------------------------------------------------------------------------------------
# A sheet per city: its units' uncapped figures and their reasons, then the city's
# ---------------------------------------------------------------------------------------------

CITY_REASON_HEADS = ("单位", "考核项目", "次数", "扣分", "扣分原因")


def city_sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    table: AnnualTable,
    section: CitySection,
    *,
    title: str,
) -> tuple[Worksheet, int]:
    """The sheet, and the row where its reason lines go (they are added once tallied)."""
    sheet = book.add_worksheet(title)
    items = len(table.items)
    total_column = 2 + 2 * items
    _title_rows(
        sheet,
        formats,
        title=f"{section.name}（{section.code}）视频会议（10分）扣分计算表",
        meta=table.meta,
        last_column=total_column,
    )
    top, sub = 3, 4
    sheet.merge_range(top, 0, sub, 0, "单位", formats.head)
    sheet.merge_range(top, 1, sub, 1, "单位代码", formats.head)
    for index, item in enumerate(table.items):
        column = 2 + 2 * index
        sheet.merge_range(
            top, column, top, column + 1, _item_heading(table, item.code), formats.head
        )
        sheet.write_string(sub, column, "次数", formats.head)
        sheet.write_string(sub, column + 1, "扣分", formats.head)
    sheet.merge_range(top, total_column, sub, total_column, "合计\n（未封顶）", formats.head)
    sheet.set_row(top, 42)

    row = sub + 1
    for unit in section.units:
        name = f"{unit.name}{OWN_VENUE}" if unit.own_venue else unit.name
        sheet.write_string(row, 0, name, formats.text)
        sheet.write_string(row, 1, unit.code, formats.centre)
        for index, figures in enumerate(unit.items):
            sheet.write_number(row, 2 + 2 * index, figures.occurrences, formats.count)
            sheet.write_number(row, 3 + 2 * index, figures.raw, formats.points)
        sheet.write_number(row, total_column, unit.total, formats.points)
        row += 1

    sheet.write_string(row, 0, "全市合计（未封顶）", formats.total_text)
    sheet.write_string(row, 1, section.code, formats.total_text)
    for index, figures in enumerate(section.items):
        sheet.write_number(row, 2 + 2 * index, figures.occurrences, formats.total_count)
        sheet.write_number(row, 3 + 2 * index, figures.raw, formats.total)
    sheet.write_number(row, total_column, section.raw_total, formats.total)
    row += 1
    sheet.write_string(row, 0, "项目上限", formats.total_text)
    sheet.write_blank(row, 1, None, formats.total_text)
    for index, figures in enumerate(section.items):
        sheet.write_blank(row, 2 + 2 * index, None, formats.total_text)
        sheet.write_number(row, 3 + 2 * index, figures.cap, formats.total)
    sheet.write_blank(row, total_column, None, formats.total_text)
    row += 1
    sheet.write_string(row, 0, "计入（封顶后）", formats.total_text)
    sheet.write_blank(row, 1, None, formats.total_text)
    for index, figures in enumerate(section.items):
        sheet.write_blank(row, 2 + 2 * index, None, formats.total_text)
        sheet.write_number(
            row,
            3 + 2 * index,
            figures.capped,
            formats.total_binds if figures.binds else formats.total,
        )
    sheet.write_number(row, total_column, section.before_cap, formats.total)
    row += 1
    full = f"{table.full_marks:.2f}"
    sheet.merge_range(
        row, 0, row, total_column - 1, f"扣分合计（总分上限{full}分）", formats.total_text
    )
    binds = section.before_cap > section.deduction
    sheet.write_number(
        row, total_column, section.deduction, formats.total_binds if binds else formats.total
    )
    row += 1
    sheet.merge_range(row, 0, row, total_column - 1, f"得分（满分{full}分）", formats.total_text)
    sheet.write_number(row, total_column, section.score, formats.total)
    header_rows = sub + 1

    # The reasons: a line per meeting, checkpoint and type (or register finding), so each
    # unit's figure above is visibly the sum of its lines. The reason text is the last column:
    # it runs on over the empty cells to its right.
    row += 2
    sheet.merge_range(row, 0, row, total_column, "扣分原因", formats.head)
    row += 1
    for column, text in enumerate(CITY_REASON_HEADS):
        sheet.write_string(row, column, text, formats.head)
    row += 1

    unit_names = [f"{u.name}{OWN_VENUE}" if u.own_venue else u.name for u in section.units]
    sheet.set_column(0, 0, max(14, *(display_width(n) + 2 for n in unit_names)))
    item_names = [item.name for item in table.items]
    sheet.set_column(1, 1, max(10, *(display_width(n) + 2 for n in item_names)))
    sheet.set_column(2, total_column, 8)
    _print_setup(sheet, header_rows=header_rows, landscape=True, footer=section.name)
    sheet.freeze_panes(header_rows, 2)
    return sheet, row


def _reason_xml(
    table: AnnualTable, section: CitySection, formats: _Formats, *, first_row: int
) -> Iterator[str]:
    """A city's reason lines (unit, item, count, points, reason) as sheet rows."""
    text, count, points = formats.text.xf_index, formats.count.xf_index, formats.points.xf_index
    rows = []
    number = first_row
    for unit in section.units:
        name = xml_text(f"{unit.name}{OWN_VENUE}" if unit.own_venue else unit.name)
        for reason in unit.reasons:
            item = xml_text(table.item_name(reason.item_code))
            rows.append(
                f'<row r="{number}">'
                f'<c s="{text}" t="inlineStr"><is><t>{name}</t></is></c>'
                f'<c s="{text}" t="inlineStr"><is><t>{item}</t></is></c>'
                f'<c s="{count}"><v>{reason.occurrences}</v></c>'
                f'<c s="{points}"><v>{reason.points}</v></c>'
                f'<c t="inlineStr"><is><t xml:space="preserve">{xml_text(reason.text)}</t></is></c>'
                "</row>"
            )
            number += 1
    yield "".join(rows)


# ---------------------------------------------------------------------------------------------
# The long sheets: 扣分明细 and 作废记录
# ---------------------------------------------------------------------------------------------


DETAIL_WIDTHS = (10, 9, 10, 16, 18, 5, 6, 30, 16, 10, 16, 9, 30, 10, 16, 10, 14)
VOIDED_WIDTHS = (10, 9, 10, 16, 18, 6, 30, 16, 10, 16, 10, 16, 30, 14)


def _long_sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    *,
    name: str,
    title: str,
    headings: Sequence[str],
    widths: Sequence[int],
    points_column: int,
    wrap_columns: Sequence[int],
    time_column: int | None = None,
) -> Worksheet:
    sheet = book.add_worksheet(name)
    last = len(headings) - 1
    sheet.merge_range(0, 0, 0, last, title, formats.title)
    sheet.set_row(0, 28)
    for column, text in enumerate(headings):
        sheet.write_string(1, column, text, formats.head)
        width = max(widths[column], display_width(text) + 2)
        if column == points_column:
            sheet.set_column(column, column, width, formats.plain_points)
        elif column == time_column:
            sheet.set_column(column, column, width, formats.plain_time)
        elif column in wrap_columns:
            sheet.set_column(column, column, width, formats.plain_wrap)
        else:
            sheet.set_column(column, column, width)
    sheet.autofilter(1, 0, 1, last)
    _print_setup(sheet, header_rows=2, landscape=True, footer=title)
    return sheet


class _SharedStrings:
    """Texts that repeat from row to row (names, types, meetings, sources), each stored once in
    the workbook's shared string table after those xlsxwriter put there, and referred to by
    number: the long sheets' XML is a third of its inline size, and so is the time it takes."""

    def __init__(self, frame_table: str) -> None:
        found = _UNIQUE_COUNT.search(frame_table)
        self.frame_table = frame_table
        self.start = int(found.group(1)) if found else 0
        self.cells: dict[str, str] = {}
        self.added: list[str] = []

    def cell(self, text: str, *, style: str = "") -> str:
        if not text:
            return f"<c{style}/>" if style else "<c/>"
        cell = self.cells.get(text) if not style else None
        if cell is None:
            self.added.append(text)
            cell = f'<c{style} t="s"><v>{self.start + len(self.added) - 1}</v></c>'
            if not style:
                self.cells[text] = cell
        return cell

    def table(self) -> str:
        """The shared string table with the added texts."""
        head, tail = self.frame_table.rsplit("</sst>", 1)
        added = "".join(f'<si><t xml:space="preserve">{xml_text(t)}</t></si>' for t in self.added)
        head = _COUNTS.sub(f' uniqueCount="{self.start + len(self.added)}"', head, count=1)
        return f"{head}{added}</sst>{tail}"


_UNIQUE_COUNT = re.compile(r'uniqueCount="(\d+)"')
_COUNTS = re.compile(r'(?: count="\d+")? uniqueCount="\d+"')


class _LongRows:
    """Rows of a long sheet as XML, each cell in column order (`r` only on the row): what is
    the same from row to row is laid out once."""

    def __init__(self, strings: _SharedStrings, *, points_style: int, time_style: int) -> None:
        self.strings = strings
        self.points_cell = f'<c s="{points_style}"><v>{{}}</v></c>'
        self.time_cell = f'<c s="{time_style}"><v>{{}}</v></c>'
        self.offsets: dict[float, float] = {}  # the zone's offset per UTC hour
        self.heads: dict[int, tuple[tuple[Cell, ...], str]] = {}
        self.parts: dict[tuple[int, tuple[Cell, ...]], str] = {}

    def moment(self, at: datetime) -> str:
        """A moment as a spreadsheet date-time (days since 1899-12-30, assessment-zone local
        time, to the minute): a real time a reviewer can sort and filter, cheap to write."""
        stamp = at.timestamp()
        hour = stamp // 3600
        offset = self.offsets.get(hour)
        if offset is None:
            found = at.astimezone(ASSESSMENT_ZONE).utcoffset()
            offset = self.offsets[hour] = found.total_seconds() if found else 0.0
        return self.time_cell.format(((stamp + offset) // 60) / 1440 + _EXCEL_EPOCH_DAYS)

    def cell(self, value: Cell, *, points: bool = False) -> str:
        if isinstance(value, str):
            return self.strings.cell(value)
        if points:
            return self.points_cell.format(value)
        return f"<c><v>{value}</v></c>"

    def cells(self, values: Sequence[Cell], *, points_column: int) -> str:
        return "".join(self.cell(v, points=i == points_column) for i, v in enumerate(values))

    def head(self, values: tuple[Cell, ...]) -> str:
        """The XML of a line's shared head, by identity (rows.py shares one tuple per head;
        the entry keeps it alive, so its id is not reused while cached)."""
        entry = self.heads.get(id(values))
        if entry is None or entry[0] is not values:
            # A head is its unit's, its type's and its meeting's cells: each part laid out once.
            xml = "".join(self.part(values[start:end], start) for start, end in _HEAD_PARTS)
            entry = self.heads[id(values)] = (values, xml)
        return entry[1]

    def part(self, values: tuple[Cell, ...], start: int) -> str:
        xml = self.parts.get((start, values))
        if xml is None:
            xml = self.parts[(start, values)] = "".join(
                self.cell(v, points=start + i == POINTS_COLUMN) for i, v in enumerate(values)
            )
        return xml


# The head's parts: the unit (city, code, name), the type (item, type, count, points), the
# meeting (title, start) and the checkpoint.
_HEAD_PARTS = ((0, 3), (3, 7), (7, 9), (9, DETAIL_HEAD))
assert DETAIL_HEADINGS[7:9] == ("会议", "会议时间") and DETAIL_HEAD == 10
# The detail line's tail, in rows.DETAIL_HEADINGS order: the moment is a date-time cell, the
# key needs no escaping (letters, digits and ._:- only), the source and the person repeat.
assert DETAIL_HEADINGS[DETAIL_HEAD:] == ("发生时间", "来源", "说明", "记录人", "证据", "编号")
_EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as a spreadsheet day number
_INLINE = '<c t="inlineStr"><is><t>{}</t></is></c>'
_INLINE_TEXT = '<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'
_NEEDS_ESCAPE = re.compile(r"[&<>\r]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _inline(text: str) -> str:
    """Free text, cell-safe already (rows.py): only escaped for XML here."""
    if not text:
        return "<c/>"
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_XML_ESCAPES)
    return _INLINE_TEXT.format(text)


def _detail_xml(lines: Iterator[DetailLine], layout: _LongRows, *, first_row: int) -> Iterator[str]:
    chunk: list[str] = []
    shared, head_xml, inline = layout.strings.cell, layout.head, _INLINE.format
    offsets, moment, time_cell = layout.offsets, layout.moment, layout.time_cell
    for number, (head, (at, source, note, person, evidence, key)) in enumerate(
        lines, start=first_row
    ):
        # `layout.moment`, inline for the common case (the offset of that hour is known)
        stamp = at.timestamp()
        offset = offsets.get(stamp // 3600)
        if offset is None:
            when = moment(at)
        else:
            when = time_cell.format(((stamp + offset) // 60) / 1440 + _EXCEL_EPOCH_DAYS)
        chunk.append(
            f'<row r="{number}">{head_xml(head)}{when}{shared(source)}{_inline(note)}'
            f"{shared(person)}{_inline(evidence)}{inline(key)}</row>"
        )
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _voided_xml(
    lines: Iterable[tuple[Cell, ...]], layout: _LongRows, *, first_row: int
) -> Iterator[str]:
    chunk: list[str] = []
    for number, values in enumerate(lines, start=first_row):
        chunk.append(
            f'<row r="{number}">{layout.cells(values, points_column=VOIDED_POINTS_COLUMN)}</row>'
        )
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _sheet_part(sheet: Worksheet) -> str:
    return f"xl/worksheets/sheet{sheet.index + 1}.xml"


_DIMENSION = re.compile(r'<dimension ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"/>')


def _write_part(target: zipfile.ZipFile, name: str, xml: str, rows: Iterator[str]) -> None:
    """The sheet `name` as xlsxwriter wrote it, with `rows` added at the end of its data."""
    head, tail = xml.split("</sheetData>", 1)
    level, target.compresslevel = target.compresslevel, _COMPRESSION
    try:
        with target.open(name, "w", force_zip64=True) as part:
            part.write(head.encode("utf-8"))
            _write_behind(part, rows)
            part.write(f"</sheetData>{tail}".encode())
    finally:
        target.compresslevel = level


def _write_behind(part: IO[bytes], chunks: Iterator[str]) -> None:
    """Writes `chunks` from a second thread while the next ones are made: zlib lets go of the
    GIL while it compresses, so on two cores making and compressing overlap."""
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def drain() -> None:
        while (data := pending.get()) is not None:
            if not failed:
                try:
                    part.write(data)
                except BaseException as error:  # handed to the caller below
                    failed.append(error)

    writer = threading.Thread(target=drain, name="xlsx-writer", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            if failed:
                break
            pending.put(chunk.encode("utf-8"))
    finally:
        pending.put(None)
        writer.join()
    if failed:
        raise failed[0]


def standings_workbook(
    table: AnnualTable,
    *,
    detail: Iterator[DetailLine],
    voided: Iterator[tuple[Cell, ...]],
    with_reasons: Callable[[], AnnualTable],
) -> bytes:
    """The official table: the indicator, a sheet per city, 扣分明细 and 作废记录.

    `table` gives the figures; the incident reasons are tallied while `detail` is written, and
    `with_reasons` then gives the table with them, for the city sheets' reason lines."""
    frame = io.BytesIO()
    book = xlsxwriter.Workbook(frame, {"in_memory": True, "use_zip64": True})
    book.set_properties({"title": table.title, "company": table.issuing_office})
    formats = _Formats(book)
    indicator_sheet(book, formats, table)
    used: set[str] = {TITLE, DETAIL_SHEET, VOIDED_SHEET}
    city_sheets: list[tuple[str, Worksheet, int]] = []
    for section in table.sections:
        title = sheet_title(section.name, section.code)
        if title in used:
            title = sheet_title(f"{section.name}{section.code}", section.code)
        used.add(title)
        city_sheets.append((section.code, *city_sheet(book, formats, table, section, title=title)))
    as_of = table.meta.split("；")[1]
    detail_sheet = _long_sheet(
        book,
        formats,
        name=DETAIL_SHEET,
        title=f"{table.year}年度视频会议扣分明细（{as_of}，仅列计入扣分的记录）",
        headings=DETAIL_HEADINGS,
        widths=DETAIL_WIDTHS,
        points_column=POINTS_COLUMN,
        wrap_columns=(DETAIL_HEADINGS.index("说明"),),
        time_column=DETAIL_HEAD,
    )
    voided_sheet = _long_sheet(
        book,
        formats,
        name=VOIDED_SHEET,
        title=f"{table.year}年度视频会议已作废记录（{as_of}）",
        headings=VOIDED_HEADINGS,
        widths=VOIDED_WIDTHS,
        points_column=VOIDED_POINTS_COLUMN,
        wrap_columns=(VOIDED_HEADINGS.index("作废原因"),),
    )
    book.close()

    source = zipfile.ZipFile(io.BytesIO(frame.getvalue()))
    strings = _SharedStrings(source.read(SHARED_STRINGS).decode("utf-8"))
    layout = _LongRows(
        strings,
        points_style=formats.plain_points.xf_index,
        time_style=formats.plain_time.xf_index,
    )
    long_rows = {
        _sheet_part(detail_sheet): _detail_xml(detail, layout, first_row=3),
        _sheet_part(voided_sheet): _voided_xml(voided, layout, first_row=3),
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        # The long sheets first: writing 扣分明细 tallies the reasons the city sheets list.
        for part, rows in long_rows.items():
            _write_part(target, part, _fit_dimension(source.read(part).decode()), rows)
        complete = with_reasons()
        sections = {s.code: s for s in complete.sections}
        for code, sheet, row in city_sheets:
            reasons = _reason_xml(complete, sections[code], formats, first_row=row + 1)
            long_rows[_sheet_part(sheet)] = reasons
            part = _sheet_part(sheet)
            _write_part(target, part, _fit_dimension(source.read(part).decode()), reasons)
        target.writestr(SHARED_STRINGS, strings.table())
        for info in source.infolist():
            if info.filename not in long_rows and info.filename != SHARED_STRINGS:
                target.writestr(info, source.read(info.filename))
    return output.getvalue()


def _fit_dimension(xml: str) -> str:
    """Without a stated extent a reader looks at the rows themselves (xlsxwriter states the
    header's only, which the streamed rows outgrow)."""
    return _DIMENSION.sub("", xml, count=1)
