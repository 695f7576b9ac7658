"""What every cell of the annual table goes through (app/services/annual_table/cells.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from app.services.annual_table.cells import chinese_moment, minute, safe_text, xml_text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+86 591", "'+86 591"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("会场灯光偏暗", "会场灯光偏暗"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_formula_start_is_prefixed_so_the_cell_stays_text(value: str, cell: str) -> None:
    assert safe_text(value) == cell


@pytest.mark.parametrize(
    "value",
    ["\uffff", "\ufffe", "\x00", "\x01", "\x0b", "\x1f", "\ud800", "a\uffffb\x07c"],
)
def test_characters_xml_cannot_hold_are_replaced(value: str) -> None:
    cell = xml_text(value)
    assert "\ufffd" in cell
    ElementTree.fromstring(f"<t>{cell}</t>")  # well-formed


def test_tabs_newlines_and_astral_characters_are_kept() -> None:
    assert safe_text("第一行\n第二行\t𠀀") == "第一行\n第二行\t𠀀"
    assert xml_text("<&>") == "&lt;&amp;&gt;"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2019, 12, 31, 15, 59, 59, tzinfo=UTC), "2019年12月31日"),
        (datetime(2020, 3, 1, 2, 0, 0, tzinfo=UTC), "2020年3月1日 10:00"),
    ],
)
def test_moments_read_as_plain_chinese_dates(moment: datetime, text: str) -> None:
    assert chinese_moment(moment) == text


def test_minutes_are_local_time() -> None:
    assert minute(datetime(2019, 3, 5, 1, 40, 59, tzinfo=UTC)) == "2019-03-05 09:40"
