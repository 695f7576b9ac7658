"""The annual table's long sheet written cell by cell by each spreadsheet library, beside the
official writer (xlsxwriter for the layout, the long sheets' rows streamed as XML).

    python benchmarks/xlsx_engines.py DATABASE_URL [--year 2019]

`benchmarks/review.py` runs it on its 300,000-incident year. The same lines (rows.py) go to:
- openpyxl, write-only workbook, one `append` per line;
- xlsxwriter, `constant_memory` and `use_zip64`, one `write_row` per line;
- the official export (`exports.standings_xlsx`), the whole workbook.
Each figure is wall and CPU seconds of this process, the database read included.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app.db.engine import Database  # noqa: E402
from app.services import exports  # noqa: E402
from app.services.annual_table.rows import (  # noqa: E402
    DETAIL_HEADINGS,
    annual_table,
    counted_lines,
    register_lines,
    table_source,
)
from app.services.scores import get_standings  # noqa: E402
from app.timezone import ASSESSMENT_ZONE as LOCAL  # noqa: E402

OFFICE = "三明市人民政府办公室"


def _lines(db: Database, year: int) -> Iterator[list[Any]]:
    """The 扣分明细 lines as plain cell values (times as naive local date-times)."""
    public = get_standings(db, year=year, as_of=None)
    with db.read() as session:
        source = table_source(session, public=public)
        tally = source.tally()
        table = annual_table(session, source, issuing_office=OFFICE, tally=tally)
        for head, (at, *tail) in chain(
            register_lines(table), counted_lines(session, source, tally=tally)
        ):
            yield [*head, at.astimezone(LOCAL).replace(tzinfo=None), *tail]


def with_openpyxl(db: Database, year: int) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("扣分明细")
    sheet.append(list(DETAIL_HEADINGS))
    for line in _lines(db, year):
        sheet.append(line)
    output = io.BytesIO()
    book.save(output)
    return len(output.getvalue())


def with_xlsxwriter(db: Database, year: int) -> int:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "use_zip64": True})
    sheet = book.add_worksheet("扣分明细")
    times = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, DETAIL_HEADINGS)
    moment = DETAIL_HEADINGS.index("发生时间")
    for number, line in enumerate(_lines(db, year), start=1):
        for column, value in enumerate(line):
            if column == moment:
                sheet.write_datetime(number, column, value, times)
            elif isinstance(value, str):
                sheet.write_string(number, column, value)  # never a formula
            else:
                sheet.write_number(number, column, value)
    book.close()
    return len(output.getvalue())


def official(db: Database, year: int) -> int:
    return len(exports.standings_xlsx(db, year=year, as_of=None, issuing_office=OFFICE))


def timed(write: Callable[[Database, int], int], db: Database, year: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    write(db, year)
    return time.perf_counter() - wall, time.process_time() - cpu


WRITERS: Sequence[tuple[str, Callable[[Database, int], int]]] = (
    ("official workbook (xlsxwriter layout + streamed rows)", official),
    ("扣分明细 alone, xlsxwriter cell by cell (constant_memory)", with_xlsxwriter),
    ("扣分明细 alone, openpyxl cell by cell (write_only)", with_openpyxl),
)


def compare(url: str, *, year: int) -> list[tuple[str, float, float]]:
    db = Database(url)
    try:
        results = []
        for name, write in WRITERS:
            wall, cpu = timed(write, db, year)
            print(f"  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
            results.append((name, wall, cpu))
        return results
    finally:
        db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--year", type=int, default=2019)
    args = parser.parse_args(argv)
    compare(args.database_url, year=args.year)
    return 0


if __name__ == "__main__":
    sys.exit(main())
