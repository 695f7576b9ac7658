"""Exports: the official annual table (XLSX, PDF, the printed report's data) and the incident
CSV say exactly what the API says, in Chinese, and stay safe to open."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text

from app.db.engine import Database
from tests.conftest import Login

from .support import ITEMS_2019, SHANGHAI, standings

CENT = Decimal("0.01")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NANPING, YANPING, SHAOWU = "350700", "350702", "350781"
MIDYEAR = "2019-06-30T23:59:59+08:00"
AWKWARD_NOTE = '灯光"偏暗", 背景 <未挂> 会标 & 横幅\r\n第二排有人低头 '
FORMULAS = {
    "np-eq": '=HYPERLINK("http://evil.example","点我")',
    "np-plus": "+1+2",
    "np-minus": "-3+4",
    "np-at": "@SUM(A1:A2)",
    "np-tab": "\t=1+1",
}
INDICATOR = "视频会议（10分）考核结果"
DETAIL, VOIDED = "扣分明细", "作废记录"
CITY_SUBHEADS = 5  # title, meta, blank, item names, 次数/扣分


def cents(value: Any) -> Decimal:
    """A cell or an API figure as exact hundredths (a workbook hands numbers back as floats)."""
    return Decimal(str(value)).quantize(CENT)


def nanping() -> dict[str, Any]:
    """A second city for 2019: 21 criticisms of 延平区 (10.50, capped at 10.00, so the city scores
    0.00), a voided incident, one after mid-year, a note that CSV must quote, and notes that
    a spreadsheet would take for formulas."""
    incidents: list[dict[str, Any]] = [
        {
            "key": f"np-crit-{n:02d}",
            "unit": YANPING,
            "type": "criticism.named_by_leader",
            "at": f"2019-{n % 12 + 1:02d}-{n % 27 + 1:02d}T10:00:00+08:00",
        }
        for n in range(21)
    ]
    incidents += [
        {
            "key": "np-note",
            "unit": SHAOWU,
            "type": "venue.lighting",
            "at": "2019-03-05T09:40:00+08:00",
            "note": AWKWARD_NOTE,
            "source": "onsite_inspection",
        },
        {
            "key": "np-void",
            "unit": SHAOWU,
            "type": "conduct.phone",
            "at": "2019-04-05T09:40:00+08:00",
            "voided": {"reason": "误标", "at": "2019-04-05T09:45:00+08:00"},
        },
        {
            "key": "np-late",
            "unit": NANPING,
            "type": "roll_call.late",
            "meeting": "np-m1",
            "checkpoint": "two_hours",
            "at": "2019-09-05T07:10:00+08:00",
        },
    ]
    incidents += [
        {
            "key": key,
            "unit": SHAOWU,
            "type": "venue.background",
            "at": f"2019-05-{day:02d}T10:00:00+08:00",
            "note": note,
            "source": "self_report",
        }
        for day, (key, note) in enumerate(FORMULAS.items(), start=6)
    ]
    return {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "units": [
            {"code": NANPING, "name": "南平市", "level": "city"},
            {"code": YANPING, "name": "延平区", "level": "county", "parent": NANPING},
            {"code": SHAOWU, "name": "邵武市", "level": "county", "parent": NANPING},
        ],
        "meetings": [
            {"key": "np-m1", "title": "全省防汛视频会议", "starts_at": "2019-09-05T09:10:00+08:00"}
        ],
        "incidents": incidents,
        "rooms": [
            {
                "unit": SHAOWU,
                "name": "会议室1",
                "at": "2019-01-08T00:00:00+08:00",
                "equipment": {"hd_display": True, "audio": False, "cabling": True},
            },
        ],
        "staffing": [
            {
                "unit": NANPING,
                "at": "2019-01-08T00:00:00+08:00",
                "leaders": ["陈明"],
                "staff": ["林海"],
            },
        ],
    }


@pytest.fixture
def two_cities(imported: TestClient) -> TestClient:
    response = imported.post("/api/records", json=nanping())
    assert response.status_code == 201, response.text
    return imported


def api_incidents(client: TestClient, year: int = 2019, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        params = {"year": year, "limit": 500, "offset": len(found), **filters}
        page = client.get("/api/incidents", params=params)
        assert page.status_code == 200, page.text
        found += page.json()["items"]
        if len(found) >= page.json()["total"]:
            return found


def counts_at(incident: dict[str, Any], as_of: datetime) -> bool:
    """DESIGN §3: happened by `as_of` and not voided by then."""
    if datetime.fromisoformat(incident["at"]) > as_of:
        return False
    voided = incident["voided"]
    return voided is None or datetime.fromisoformat(voided["at"]) > as_of


def download(client: TestClient, **params: str) -> bytes:
    response = client.get("/api/exports/standings.xlsx", params={"year": "2019", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert 'filename="vcwatch-2019-standings.xlsx"' in response.headers["content-disposition"]
    return response.content


def workbook(client: TestClient, **params: str) -> Any:
    return load_workbook(io.BytesIO(download(client, **params)))


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def has_latin_letters(text: str) -> bool:
    return re.search(r"[A-Za-z]", text) is not None


@pytest.mark.parametrize("as_of", [None, MIDYEAR], ids=["year-end", "mid-year"])
def test_sheet_one_is_the_standings_city_by_city(two_cities: TestClient, as_of: str | None) -> None:
    params = {"as_of": as_of} if as_of else {}
    expected = standings(two_cities, **params)
    book = workbook(two_cities, **params)
    cities = expected["cities"]
    assert book.sheetnames[0] == INDICATOR
    assert book.sheetnames[-2:] == [DETAIL, VOIDED]
    assert book.sheetnames[1:-2] == [
        c["name"] for c in sorted(cities, key=lambda c: (-cents(c["score"]), c["code"]))
    ]

    sheet = book[INDICATOR]
    rows = rows_of(sheet)
    assert rows[0][0] == "2019年度视频会议（10分）考核结果"
    meta = rows[1][0]
    assert "考核细则：" in meta and "2019年版" in meta and "未定稿" in meta
    assert ("2019年6月30日" if as_of else "2019年12月31日") in meta
    assert rows[2][0] == "制表单位：三明市人民政府办公室"
    assert rows[3][:2] == ["排名", "设区市"]
    assert all(not has_latin_letters(str(v)) for v in rows[3] + rows[4] if v)
    body = {row[1]: row for row in rows[5 : 5 + len(cities)]}
    assert set(body) == {c["name"] for c in cities}
    for city in cities:
        row = body[city["name"]]
        higher = sum(1 for other in cities if cents(other["score"]) > cents(city["score"]))
        assert row[0] == higher + 1
        for index, (code, (_, cap)) in enumerate(ITEMS_2019.items()):
            (item,) = [i for i in city["items"] if i["code"] == code]
            count, raw, capped = row[2 + 3 * index : 5 + 3 * index]
            assert (count, cents(raw), cents(capped)) == (
                item["occurrences"],
                cents(item["raw"]),
                cents(item["capped"]),
            ), (city["code"], code)
            assert cents(item["cap"]) == cents(cap)
        before_cap, deduction, score = row[2 + 3 * len(ITEMS_2019) :]
        assert cents(before_cap) == sum(cents(i["capped"]) for i in city["items"])
        assert (cents(deduction), cents(score)) == (cents(city["deduction"]), cents(city["score"]))
    # Frozen under the headers, merged headers, printed on A4 with the headers on every page.
    assert sheet.freeze_panes == "C6"
    assert "A1:" in " ".join(str(r) for r in sheet.merged_cells.ranges)
    assert sheet.page_setup.paperSize in (9, "9")
    assert sheet.print_title_rows == "$1:$5"


def test_binding_caps_are_marked(two_cities: TestClient) -> None:
    """南平市: 21 criticisms (10.50) bind the item cap at 10.00 and the total at 10.00."""
    sheet = workbook(two_cities)[INDICATOR]
    (row,) = [r for r in sheet.iter_rows(min_row=6) if r[1].value == "南平市"]
    criticism = 2 + 3 * list(ITEMS_2019).index("leader_criticism")
    assert cents(row[criticism + 1].value) == Decimal("10.50")
    assert cents(row[criticism + 2].value) == Decimal("10.00")
    assert "封顶" in row[criticism + 2].number_format
    before_cap, deduction, score = row[2 + 3 * len(ITEMS_2019) :]
    assert cents(before_cap.value) > Decimal("10.00")
    assert (cents(deduction.value), cents(score.value)) == (Decimal("10.00"), Decimal("0.00"))
    assert "封顶" in deduction.number_format
    (sanming,) = [r for r in sheet.iter_rows(min_row=6) if r[1].value == "三明市"]
    roll_call = sanming[2 + 2]  # 1.10 against a cap of 1.00 (DESIGN §3's worked example)
    assert cents(roll_call.value) == Decimal("1.00") and "封顶" in roll_call.number_format
    assert "封顶" not in sanming[2 + 3 * len(ITEMS_2019) + 1].number_format


def test_every_city_sheet_adds_up_to_its_city(two_cities: TestClient) -> None:
    expected = {c["name"]: c for c in standings(two_cities)["cities"]}
    book = workbook(two_cities)
    for name, city in expected.items():
        rows = rows_of(book[name])
        assert city["code"] in rows[0][0]
        assert rows[3][:2] == ["单位", "单位代码"]
        units = [city["own"], *city["counties"]]
        body = rows[CITY_SUBHEADS : CITY_SUBHEADS + len(units)]
        raw_row, cap_row, capped_row, deduction_row, score_row = rows[
            CITY_SUBHEADS + len(units) : CITY_SUBHEADS + len(units) + 5
        ]
        assert [r[0] for r in (raw_row, cap_row, capped_row)] == [
            "全市合计（未封顶）",
            "项目上限",
            "计入（封顶后）",
        ]
        assert {row[1] for row in body} == {u["code"] for u in units}
        for index, item in enumerate(city["items"]):
            counts = [row[2 + 2 * index] for row in body]
            raws = [cents(row[3 + 2 * index]) for row in body]
            # Each unit's uncapped figure, as the API has it, and together the city's raw one.
            for row in body:
                (unit,) = [u for u in units if u["code"] == row[1]]
                (own,) = [i for i in unit["items"] if i["code"] == item["code"]]
                assert (row[2 + 2 * index], cents(row[3 + 2 * index])) == (
                    own["occurrences"],
                    cents(own["raw"]),
                )
            assert sum(counts) == raw_row[2 + 2 * index] == item["occurrences"]
            assert sum(raws) == cents(raw_row[3 + 2 * index]) == cents(item["raw"])
            assert cents(cap_row[3 + 2 * index]) == cents(item["cap"])
            assert cents(capped_row[3 + 2 * index]) == cents(item["capped"])
        for row in body:
            assert cents(row[-1]) == sum(cents(row[3 + 2 * i]) for i in range(len(ITEMS_2019)))
        assert cents(deduction_row[-1]) == cents(city["deduction"])
        assert cents(score_row[-1]) == cents(city["score"])

        # The reason lines: per unit and item, they add up to the unit's figure.
        start = next(i for i, r in enumerate(rows) if r[0] == "扣分原因") + 1
        assert rows[start][:5] == ["单位", "考核项目", "次数", "扣分", "扣分原因"]
        lines: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
        for row in rows[start + 1 :]:
            totals = lines[(row[0], row[1])]
            totals[0] += row[2]
            totals[1] += cents(row[3])
            assert row[4]
        names = {u["code"]: u["name"] for u in city["counties"]}
        names[city["code"]] = f"{city['name']}本级"
        item_names = {
            i["code"]: i["name"]
            for i in two_cities.get("/api/periods/2019/rulebook").json()["items"]
        }
        for unit in units:
            for item in unit["items"]:
                got = lines.get((names[unit["code"]], item_names[item["code"]]), [0, 0])
                assert (got[0], cents(got[1])) == (item["occurrences"], cents(item["raw"]))


def test_reason_lines_say_why_in_chinese(two_cities: TestClient) -> None:
    rows = rows_of(workbook(two_cities)["三明市"])
    reasons = [r[4] for r in rows if r[4] and isinstance(r[4], str)]
    assert "2019年1月10日 全省视频会议0 会前两小时 缺席" in reasons
    assert any("缺音频设备" in r for r in reasons)  # which room lacks which equipment
    assert any(r.startswith("缺") and "视频会议专职人员" in r for r in reasons)  # unfilled post
    assert any("缺少2间高清会议室" in r for r in reasons)
    assert not any(re.search(r"roll_call|half_day|two_hours|conduct\.", r) for r in reasons)


@pytest.mark.parametrize("as_of", [None, MIDYEAR], ids=["year-end", "mid-year"])
def test_the_detail_sheet_lists_what_counts_at_as_of(
    two_cities: TestClient, as_of: str | None
) -> None:
    params = {"as_of": as_of} if as_of else {}
    moment = datetime.fromisoformat(as_of or "2019-12-31T23:59:59+08:00")
    book = workbook(two_cities, **params)
    rows = rows_of(book[DETAIL])
    header = rows[1]
    assert all(not has_latin_letters(h) for h in header)
    lines = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    incidents = {i["key"]: i for i in api_incidents(two_cities)}
    listed = {line["编号"]: line for line in lines if line["编号"]}
    assert set(listed) == {k for k, i in incidents.items() if counts_at(i, moment)}

    late = listed["w1"]
    assert (late["单位"], late["考核项目"], late["扣分类型"]) == ("梅列区", "会前调试点名", "缺席")
    assert (late["会议"], late["点名时段"]) == ("全省视频会议0", "会前两小时")
    assert late["会议时间"] == "2019-01-10 09:00"
    # local time, a real date-time (spreadsheet times carry no zone)
    assert late["发生时间"] == datetime(2019, 1, 10, 7, 0, tzinfo=SHANGHAI).replace(tzinfo=None)
    assert (late["次数"], cents(late["扣分"])) == (1, Decimal("0.05"))
    assert late["设区市"] == "三明市"
    if not as_of:
        note = listed["np-note"]
        assert note["说明"] == AWKWARD_NOTE.replace("\r\n", "\n") or note["说明"] == AWKWARD_NOTE
        assert note["来源"] == "现场检查"
        assert listed["np-eq"]["来源"] == "自评上报"

    # Items 3–5: a line per register finding, dated at the register's moment.
    register = [line for line in lines if not line["编号"]]
    assert {line["考核项目"] for line in register} >= {
        "高清视频会议室配备",
        "会议室设备条件",
        "分管领导和专职人员",
    }
    assert all(line["来源"] == "登记信息" for line in register)

    voided = rows_of(book[VOIDED])
    voided_lines = [dict(zip(voided[1], row, strict=True)) for row in voided[2:]]
    expected_voided = {
        k
        for k, i in incidents.items()
        if i["voided"] and datetime.fromisoformat(i["voided"]["at"]) <= moment
    }
    assert {line["编号"] for line in voided_lines} == expected_voided
    (void,) = [line for line in voided_lines if line["编号"] == "np-void"]
    assert (void["作废原因"], void["扣分类型"], void["作废时间"]) == (
        "误标",
        "玩手机",
        "2019-04-05 09:45",
    )
    assert void["作废人"]


def test_formula_cells_stay_text_in_the_xlsx_and_the_csv(two_cities: TestClient) -> None:
    book = workbook(two_cities)
    sheet = book[DETAIL]
    header = [c.value for c in sheet[2]]
    notes = {
        row[header.index("编号")].value: row[header.index("说明")] for row in sheet.iter_rows(3)
    }
    response = two_cities.get("/api/exports/incidents.csv", params={"year": 2019})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    in_csv = {row["编号"]: row["说明"] for row in rows}
    for key, note in FORMULAS.items():
        cell = notes[key]
        assert cell.data_type == "s" and cell.value == "'" + note, key
        assert in_csv[key] == "'" + note, key
    with zipfile.ZipFile(io.BytesIO(download(two_cities))) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name  # no formula anywhere


def test_a_note_xml_cannot_hold_still_gives_a_well_formed_workbook(
    two_cities: TestClient, db: Database
) -> None:
    """U+FFFF, U+FFFE and C0 controls are not XML characters: straight into the database (the
    API may refuse them), then out through the export."""
    bad = "屏幕\uffff闪烁\ufffe\x01\x1b结束"
    with db.write() as transaction:
        transaction.session.execute(
            text(
                "UPDATE incident SET note = :note, void_reason = :note WHERE key IN ('w1', 'np-void')"
            ),
            {"note": bad},
        )
    content = download(two_cities)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(archive.read(name))  # raises if ill-formed
    book = load_workbook(io.BytesIO(content))
    header = [c.value for c in book[DETAIL][2]]
    (note,) = [
        r[header.index("说明")].value
        for r in book[DETAIL].iter_rows(3)
        if r[header.index("编号")].value == "w1"
    ]
    assert note == "屏幕\ufffd闪烁\ufffd\ufffd\ufffd结束"
    reasons = [r[-2].value for r in book[VOIDED].iter_rows(3)]
    assert "屏幕\ufffd闪烁\ufffd\ufffd\ufffd结束" in reasons


def local_extra(content: bytes, info: zipfile.ZipInfo) -> bytes:
    """The extra field of a member's local header (the central directory's may differ)."""
    start = info.header_offset
    assert content[start : start + 4] == b"PK\x03\x04"
    name_length, extra_length = struct.unpack("<HH", content[start + 26 : start + 30])
    return content[start + 30 + name_length : start + 30 + name_length + extra_length]


def test_the_long_sheets_are_written_with_zip64_records(two_cities: TestClient) -> None:
    """A year of millions of incidents outgrows 4 GiB of sheet XML: the sheets that grow with
    the year are streamed with zip64 sizes from their first byte."""
    content = download(two_cities)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        zip64 = {
            info.filename
            for info in archive.infolist()
            if local_extra(content, info)[:2] == b"\x01\x00"  # the zip64 extra's header id
        }
        book = load_workbook(io.BytesIO(content))
    # 扣分明细, 作废记录 and the two city sheets (their reason lines grow with the year).
    sheets = [f"xl/worksheets/sheet{n}.xml" for n in range(2, len(book.sheetnames) + 1)]
    assert zip64 == set(sheets)


def test_the_csv_follows_the_screen_filters_and_as_of(two_cities: TestClient) -> None:
    def csv_rows(**params: Any) -> list[dict[str, str]]:
        response = two_cities.get("/api/exports/incidents.csv", params={"year": 2019, **params})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert 'filename="vcwatch-2019-incidents.csv"' in response.headers["content-disposition"]
        assert response.content.startswith(b"\xef\xbb\xbf")  # so spreadsheets read UTF-8
        reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
        assert reader.fieldnames and not any(has_latin_letters(f) for f in reader.fieldnames)
        return list(reader)

    every = csv_rows()
    assert {r["编号"] for r in every} == {i["key"] for i in api_incidents(two_cities)}
    by_key = {r["编号"]: r for r in every}
    assert by_key["np-note"]["说明"] == AWKWARD_NOTE
    assert (by_key["np-note"]["单位"], by_key["np-note"]["扣分类型"]) == ("邵武市", "照明")
    assert (by_key["np-void"]["状态"], by_key["np-void"]["作废原因"]) == ("已作废", "误标")
    assert (by_key["w1"]["点名时段"], by_key["w1"]["发生时间"]) == (
        "会前两小时",
        "2019-01-10 07:00",
    )

    filters = {"unit": [SHAOWU, YANPING], "item": "venue_order"}
    shown = {i["key"] for i in api_incidents(two_cities, **filters)}
    assert {r["编号"] for r in csv_rows(**filters)} == shown
    live = {i["key"] for i in api_incidents(two_cities, **filters, voided="false")}
    assert {r["编号"] for r in csv_rows(**filters, voided="false")} == live
    assert {r["编号"] for r in csv_rows(voided="true")} == {"np-void"}

    # At mid-year: nothing later, and a void after the moment is not one yet.
    early = csv_rows(as_of="2019-04-05T09:42:00+08:00")
    moment = datetime(2019, 4, 5, 9, 42, tzinfo=SHANGHAI)
    assert {r["编号"] for r in early} == {
        i["key"] for i in api_incidents(two_cities) if datetime.fromisoformat(i["at"]) <= moment
    }
    assert {r["编号"]: r["状态"] for r in early}["np-void"] == "计入"


def test_the_printed_report_data_names_the_issuing_office(
    two_cities: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = two_cities.app
    monkeypatch.setattr(app.state.settings, "issuing_office", "南平市人民政府办公室")  # type: ignore[attr-defined]
    response = two_cities.get("/api/reports/annual", params={"year": 2019})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["issuing_office"] == "南平市人民政府办公室"
    assert report["title"] == "2019年度视频会议（10分）考核结果"
    assert (report["final"], report["status"]) == (False, "未定稿")
    expected = {c["code"]: c for c in standings(two_cities)["cities"]}
    for line in report["cities"]:
        assert (line["score"], line["deduction"]) == (
            expected[line["code"]]["score"],
            expected[line["code"]]["deduction"],
        )
    section = next(s for s in report["sections"] if s["code"] == "350400")
    for unit in section["units"]:
        for item in unit["items"]:
            reasons = [r for r in unit["reasons"] if r["item"] == item["code"]]
            assert sum(r["occurrences"] for r in reasons) == item["occurrences"]
            assert sum(Decimal(r["points"]) for r in reasons) == Decimal(item["raw"])


def _pdf_streams(pdf: bytes) -> list[bytes]:
    streams = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            streams.append(stream)
    return streams


def _pdf_text_points(pdf: bytes) -> set[int]:
    """The code points the PDF's fonts map their glyphs to (their ToUnicode CMaps)."""
    points: set[int] = set()
    for data in _pdf_streams(pdf):
        if b"beginbfchar" in data or b"beginbfrange" in data:
            for hexcode in re.findall(rb"<([0-9A-Fa-f]{4})>\s*\]?\s*(?=\n|<|$)", data):
                points.add(int(hexcode, 16))
            for _, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>", data):
                points.add(int(target, 16))
    return points


def test_the_pdf_carries_the_chinese_table(two_cities: TestClient) -> None:
    response = two_cities.get("/api/exports/annual.pdf", params={"year": 2019})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="vcwatch-2019-annual.pdf"' in response.headers["content-disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert any(
        re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-\w+-CJK", data) for data in _pdf_streams(pdf)
    )
    mapped = _pdf_text_points(pdf)
    assert {ord(ch) for ch in "视频会议考核结果三明市南平市制表单位"} <= mapped


def test_the_pdf_fetches_nothing() -> None:
    from app.services.annual_table.pdf import RemoteFetchRefused, refuse_fetch

    for url in ("http://127.0.0.1/x.css", "file:///etc/passwd", "https://example.com/a.png"):
        with pytest.raises(RemoteFetchRefused):
            refuse_fetch(url)


EXPORTS = [
    "/api/exports/standings.xlsx",
    "/api/exports/incidents.csv",
    "/api/exports/annual.pdf",
    "/api/reports/annual",
    "/api/records",
]


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("year", ["2030", "1800", "soon"])
def test_a_year_without_a_period_is_refused(imported: TestClient, path: str, year: str) -> None:
    response = imported.get(path, params={"year": year})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"][0]["loc"][-1] == "year"


@pytest.mark.parametrize("path", [f"{p}?year=2019" for p in EXPORTS])
@pytest.mark.parametrize(
    ("role", "unit", "status"),
    [
        ("reviewer", None, 200),
        ("admin", None, 200),
        ("controller", None, 403),
        ("county_it", "350402", 403),
    ],
)
def test_reviewers_may_export_controllers_and_counties_may_not(
    imported: TestClient, login: Login, path: str, role: str, unit: str | None, status: int
) -> None:
    response = login(role, unit=unit).get(path)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.content
