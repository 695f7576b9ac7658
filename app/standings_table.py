"""The standings as a plain-text table for the terminal, in Chinese (default) or English.

A county's or a city's total is `min(full marks, Σ capped)`: where the sum of the capped items
goes past full marks the total cap binds, and the table says so on the total's line.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from app.domain.rulebook import load_edition
from app.schemas.public import ItemScorePublic, StandingsPublic

WORDS = {
    "zh": {
        "title": "视频会议（10分）考核 {year}年度 · {edition}版细则",
        "moments": "知情时点 {as_of} · 登记时点 {register_at}",
        "final": "已定稿（{at}，{by}）",
        "draft": "未定稿",
        "city": "{name}（{code}）  得分 {score}  扣分 {deduction}",
        "item": "项目",
        "count": "次数",
        "raw": "原始扣分",
        "capped": "计入扣分",
        "cap": "上限",
        "item_cap": "← 封顶",
        "total": "合计",
        "total_cap": "← 总分封顶：合计 {sum} 超过满分 {full}，按 {full} 扣",
        "own": "本级会场 {code} {name}：扣分 {deduction}",
        "total_cap_short": "← 总分封顶",
        "county": "县（市、区）",
        "deduction": "扣分",
    },
    "en": {
        "title": "Video conferences (10 points) {year} · edition {edition}",
        "moments": "as of {as_of} · register at {register_at}",
        "final": "FINAL ({at}, {by})",
        "draft": "not final",
        "city": "{code} {name}  score {score}  deduction {deduction}",
        "item": "item",
        "count": "n",
        "raw": "raw",
        "capped": "capped",
        "cap": "cap",
        "item_cap": "← cap",
        "total": "total",
        "total_cap": "← total cap binds: {sum} of capped items, {full} deducted",
        "own": "own venue {code} {name}: deduction {deduction}",
        "total_cap_short": "← total cap",
        "county": "county",
        "deduction": "deduction",
    },
}


def width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def left(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def right(text: str, columns: int) -> str:
    return " " * max(0, columns - width(text)) + text


def capped_sum(items: list[ItemScorePublic]) -> Decimal:
    return sum((Decimal(i.capped) for i in items), Decimal("0.00"))


def format_standings(standings: StandingsPublic, *, lang: str = "zh") -> str:
    words = WORDS[lang]
    rulebook = load_edition(standings.edition)
    names = {item.code: item.name if lang == "zh" else item.code for item in rulebook.items}
    full = Decimal(standings.full_marks)
    state = (
        words["final"].format(at=standings.finalized_at, by=standings.finalized_by)
        if standings.final
        else words["draft"]
    )
    lines = [
        words["title"].format(year=standings.year, edition=standings.edition) + f" · {state}",
        words["moments"].format(
            as_of=standings.as_of, register_at=standings.register_at or standings.as_of
        ),
    ]
    name_columns = max([width(n) for n in names.values()] + [width(words["item"])]) + 2
    for city in standings.cities:
        lines += ["", words["city"].format(**city.model_dump())]
        lines.append(
            "  "
            + left(words["item"], name_columns)
            + right(words["count"], 6)
            + right(words["raw"], 10)
            + right(words["capped"], 10)
            + right(words["cap"], 8)
        )
        for item in city.items:
            mark = f" {words['item_cap']}" if item.raw != item.capped else ""
            lines.append(
                "  "
                + left(names[item.code], name_columns)
                + right(str(item.occurrences), 6)
                + right(item.raw, 10)
                + right(item.capped, 10)
                + right(item.cap, 8)
                + mark
            )
        total = capped_sum(city.items)
        total_mark = (
            f" {words['total_cap'].format(sum=f'{total:.2f}', full=standings.full_marks)}"
            if total > full
            else ""
        )
        lines.append(
            "  "
            + left(words["total"], name_columns)
            + right("", 16)
            + right(city.deduction, 10)
            + right(standings.full_marks, 8)
            + total_mark
        )
        own = city.own
        lines.append(
            "  " + words["own"].format(code=own.code, name=own.name, deduction=own.deduction)
        )
        header = "".join(
            right(names[i.code][:6] if lang == "zh" else i.code[:10], 12) for i in city.items
        )
        lines.append("  " + left(words["county"], 18) + right(words["deduction"], 10) + header)
        for county in sorted(city.counties, key=lambda c: (-Decimal(c.deduction), c.code)):
            cells = "".join(right(i.capped, 12) for i in county.items)
            bound = f" {words['total_cap_short']}" if capped_sum(county.items) > full else ""
            lines.append(
                "  "
                + left(f"{county.code} {county.name}", 18)
                + right(county.deduction, 10)
                + cells
                + bound
            )
    return "\n".join(lines)
