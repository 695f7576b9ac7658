"""What a text sent by a client may contain: no control characters (a note may keep its line
breaks and tabs), no surrogates and no Unicode non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and
the last two code points of every plane). NUL alone breaks PostgreSQL text; U+FFFF makes an XLSX
sheet ill-formed XML; none of them is ever typed by a person."""

from __future__ import annotations

import re

from pydantic import AfterValidator

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_ALWAYS_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _NONCHARACTERS
_REFUSED_IN_ONE_LINE = re.compile(f"[\t\n\r{_ALWAYS_REFUSED}]")
_REFUSED_IN_LINES = re.compile(f"[{_ALWAYS_REFUSED}]")


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found is not None:
        raise ValueError(
            f"character U+{ord(found.group()):04X} at position {found.start()} is not allowed"
        )
    return value


def one_line(value: str) -> str:
    """A name or a short text: no control character at all."""
    return _refuse(_REFUSED_IN_ONE_LINE, value)


def lines(value: str) -> str:
    """A note: line breaks and tabs allowed, no other control character."""
    return _refuse(_REFUSED_IN_LINES, value)


OneLine = AfterValidator(one_line)
Lines = AfterValidator(lines)
