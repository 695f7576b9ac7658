"""What every written cell goes through: text that stays text, and plain Chinese times.

- A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
  spreadsheets (CSV injection, OWASP): it is prefixed with `'`, in the CSV and the XLSX alike.
- XML 1.0 cannot hold most control characters, lone surrogates, U+FFFE or U+FFFF: one of them
  would make the XLSX ill-formed, so each becomes U+FFFD (the replacement character).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from app.timezone import ASSESSMENT_ZONE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_SPECIAL = re.compile(r"[&<>\r]")


def safe_text(value: str) -> str:
    """`value` as a cell that is text in every spreadsheet, and storable in XML."""
    if _NOT_XML.search(value):
        value = _NOT_XML.sub(REPLACEMENT, value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def xml_text(value: str) -> str:
    """A safe cell text escaped for an XML text node."""
    value = safe_text(value)
    return value.translate(_XML_TEXT) if _XML_SPECIAL.search(value) else value


def minute(moment: datetime) -> str:
    """A moment as assessment-zone local time to the minute: "2019-03-05 09:40"."""
    # isoformat is C code; a year's export formats every incident's time
    return moment.astimezone(ASSESSMENT_ZONE).isoformat(" ", "minutes")[:16]


def chinese_date(moment: datetime) -> str:
    """A day in plain Chinese: "2019年12月31日"."""
    local = moment.astimezone(ASSESSMENT_ZONE)
    return f"{local.year}年{local.month}月{local.day}日"


def chinese_moment(moment: datetime) -> str:
    """A moment in plain Chinese: the day alone when it is the day's last second (a year's end),
    else the day and the time: "2020年3月1日 10:00"."""
    local = moment.astimezone(ASSESSMENT_ZONE)
    if (local.hour, local.minute, local.second) == (23, 59, 59):
        return chinese_date(local)
    return f"{chinese_date(local)} {local.hour:02d}:{local.minute:02d}"


def points(value: Decimal) -> str:
    return f"{value:.2f}"
