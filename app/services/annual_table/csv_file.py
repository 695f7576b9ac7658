"""The incident list as CSV: UTF-8 with a BOM (so spreadsheets read the Chinese), CRLF lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from app.services.annual_table.rows import Cell

ROWS_PER_CHUNK = 2000


def _text(value: Cell) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def csv_chunks(headings: Sequence[str], lines: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The lines as CSV text, a chunk at a time. Texts are cell-safe already (rows.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(headings)
    for count, line in enumerate(lines, start=1):
        writer.writerow([_text(value) for value in line])
        if count % ROWS_PER_CHUNK == 0:
            yield flush()
    yield flush()
