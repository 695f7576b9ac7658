"""The annual table as a printable HTML document (what the PDF is rendered from): the indicator
on page 1, then a section per city, then the issuing office's signature and date block."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from app.services.annual_table.rows import OWN_VENUE, AnnualTable, CitySection, ItemFigures

STYLE = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm;
  @bottom-right { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 8pt; } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 9pt; color: #000; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 0 0 2mm; }
h3 { font-size: 10pt; margin: 4mm 0 1.5mm; }
.meta { text-align: center; margin: 0 0 1.5mm; }
.office { margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
th, td { border: 0.5pt solid #555; padding: 0.8mm 1.2mm; }
thead { display: table-header-group; }
thead th { font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
tr.total th, tr.total td { font-weight: bold; }
.binds { font-weight: bold; }
.binds::after { content: "（封顶）"; font-size: 7.5pt; }
section.city { page-break-before: always; }
.note { font-size: 8pt; }
.sign { margin-top: 10mm; width: 60%; margin-left: 40%; page-break-inside: avoid; }
.sign p { margin: 0 0 6mm; }
"""


def _num(value: object, *, binds: bool = False) -> str:
    cls = "num binds" if binds else "num"
    return f'<td class="{cls}">{escape(str(value))}</td>'


def _item_heads(table: AnnualTable, span: int) -> str:
    return "".join(
        f'<th colspan="{span}">{escape(i.name)}<br>（上限{i.cap:.2f}分）</th>' for i in table.items
    )


def indicator(table: AnnualTable) -> str:
    full = f"{table.full_marks:.2f}"
    rows = []
    for city in table.cities:
        cells = "".join(
            _num(i.occurrences) + _num(f"{i.raw:.2f}") + _num(f"{i.capped:.2f}", binds=i.binds)
            for i in city.items
        )
        rows.append(
            f'<tr data-city="{escape(city.code)}"><td class="num">{city.rank}</td>'
            f"<th>{escape(city.name)}</th>{cells}{_num(f'{city.before_cap:.2f}')}"
            f"{_num(f'{city.deduction:.2f}', binds=city.total_binds)}"
            f"{_num(f'{city.score:.2f}')}</tr>"
        )
    subheads = "<th>次数</th><th>扣分</th><th>计入</th>" * len(table.items)
    return (
        f"<h1>{escape(table.title)}</h1><p class='meta'>{escape(table.meta)}</p>"
        f"<p class='office'>制表单位：{escape(table.issuing_office)}</p>"
        "<table><thead><tr><th rowspan='2'>排名</th><th rowspan='2'>设区市</th>"
        f"{_item_heads(table, 3)}<th rowspan='2'>各项计入合计</th>"
        f"<th rowspan='2'>扣分合计<br>（总分上限{full}分）</th>"
        f"<th rowspan='2'>得分<br>（满分{full}分）</th></tr><tr>{subheads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p class='note'>注：“扣分”为按次数计算的扣分（含所属县市区），“计入”为按该项上限封顶后的"
        f"扣分；标“（封顶）”者为触及上限：该项超过项目上限，或各项合计超过总分上限{full}分。</p>"
    )


def _figures(items: Iterable[ItemFigures], *, capped: bool = False) -> str:
    if capped:
        return "".join("<td></td>" + _num(f"{i.capped:.2f}", binds=i.binds) for i in items)
    return "".join(_num(i.occurrences) + _num(f"{i.raw:.2f}") for i in items)


def city_section(table: AnnualTable, section: CitySection) -> str:
    full = f"{table.full_marks:.2f}"
    span = 1 + 2 * len(table.items)
    units = []
    for unit in section.units:
        name = f"{unit.name}{OWN_VENUE}" if unit.own_venue else unit.name
        units.append(
            f"<tr><th>{escape(name)}</th>{_figures(unit.items)}{_num(f'{unit.total:.2f}')}</tr>"
        )
    caps = "".join(f"<td></td>{_num(f'{i.cap:.2f}')}" for i in section.items)
    binds = section.before_cap > section.deduction
    totals = (
        f"<tr class='total'><th>全市合计（未封顶）</th>{_figures(section.items)}"
        f"{_num(f'{section.raw_total:.2f}')}</tr>"
        f"<tr class='total'><th>项目上限</th>{caps}<td></td></tr>"
        f"<tr class='total'><th>计入（封顶后）</th>{_figures(section.items, capped=True)}"
        f"{_num(f'{section.before_cap:.2f}')}</tr>"
        f"<tr class='total'><th colspan='{span}'>扣分合计（总分上限{full}分）</th>"
        f"{_num(f'{section.deduction:.2f}', binds=binds)}</tr>"
        f"<tr class='total'><th colspan='{span}'>得分（满分{full}分）</th>"
        f"{_num(f'{section.score:.2f}')}</tr>"
    )
    reasons = []
    for unit in section.units:
        name = f"{unit.name}{OWN_VENUE}" if unit.own_venue else unit.name
        for reason in unit.reasons:
            reasons.append(
                f"<tr><th>{escape(name)}</th><td>{escape(table.item_name(reason.item_code))}</td>"
                f"<td>{escape(reason.text)}</td>{_num(reason.occurrences)}"
                f"{_num(f'{reason.points:.2f}')}</tr>"
            )
    reason_table = (
        "<h3>扣分原因</h3><table><thead><tr><th>单位</th><th>考核项目</th><th>扣分原因</th>"
        f"<th>次数</th><th>扣分</th></tr></thead><tbody>{''.join(reasons)}</tbody></table>"
        if reasons
        else "<h3>扣分原因</h3><p>无扣分。</p>"
    )
    subheads = "<th>次数</th><th>扣分</th>" * len(table.items)
    return (
        f"<section class='city' data-city='{escape(section.code)}'>"
        f"<h2>{escape(section.name)}（{escape(section.code)}）视频会议（10分）扣分计算表</h2>"
        f"<p class='meta'>{escape(table.meta)}</p>"
        f"<table><thead><tr><th rowspan='2'>单位</th>{_item_heads(table, 2)}"
        f"<th rowspan='2'>合计<br>（未封顶）</th></tr><tr>{subheads}</tr></thead>"
        f"<tbody>{''.join(units)}{totals}</tbody></table>{reason_table}</section>"
    )


def signature(table: AnnualTable) -> str:
    return (
        "<div class='sign'>"
        f"<p>制表单位（盖章）：{escape(table.issuing_office)}</p>"
        "<p>审核人（签字）：＿＿＿＿＿＿＿＿　　负责人（签字）：＿＿＿＿＿＿＿＿</p>"
        "<p>日期：＿＿＿＿年＿＿月＿＿日</p></div>"
    )


def document(table: AnnualTable) -> str:
    sections = "".join(city_section(table, s) for s in table.sections)
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{escape(table.title)}</title><style>{STYLE}</style></head>"
        f"<body>{indicator(table)}{signature(table)}{sections}</body></html>"
    )
