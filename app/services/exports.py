"""The exports of a year: the official annual table (XLSX, PDF, and its data for the printed
report) and the incident list (CSV). The rows are built in `annual_table.rows`; the modules
beside it only lay them out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from itertools import chain

from app.db.engine import Database
from app.db.repositories.incidents import IncidentFilter
from app.services.annual_table import pdf, xlsx
from app.services.annual_table.csv_file import csv_chunks
from app.services.annual_table.rows import (
    CSV_HEADINGS,
    AnnualTable,
    annual_table,
    counted_lines,
    csv_lines,
    register_lines,
    table_source,
    tally_counted,
    voided_lines,
)
from app.services.periods import period_of_year
from app.services.scores import get_standings


def annual(db: Database, *, year: int, as_of: datetime | None, issuing_office: str) -> AnnualTable:
    """The table's figures and reasons (the printed report draws them)."""
    public = get_standings(db, year=year, as_of=as_of)
    with db.read() as session:
        source = table_source(session, public=public)
        tally = tally_counted(session, source)
        return annual_table(session, source, issuing_office=issuing_office, tally=tally)


def standings_xlsx(
    db: Database, *, year: int, as_of: datetime | None, issuing_office: str
) -> bytes:
    public = get_standings(db, year=year, as_of=as_of)
    with db.read() as session:
        source = table_source(session, public=public)
        figures = annual_table(session, source, issuing_office=issuing_office, tally=source.tally())
        tally = source.tally()
        return xlsx.standings_workbook(
            figures,
            detail=chain(register_lines(figures), counted_lines(session, source, tally=tally)),
            voided=voided_lines(session, source),
            with_reasons=lambda: annual_table(
                session, source, issuing_office=issuing_office, tally=tally
            ),
        )


def annual_pdf(db: Database, *, year: int, as_of: datetime | None, issuing_office: str) -> bytes:
    return pdf.annual_pdf(annual(db, year=year, as_of=as_of, issuing_office=issuing_office))


def incidents_csv(
    db: Database, *, year: int, as_of: datetime | None, filters: IncidentFilter
) -> Iterator[str]:
    """The year's incidents a filtered listing shows, as they stand at `as_of`, as CSV chunks.
    A year without a period is refused here, before any byte is sent."""
    with db.read() as session:
        period, _ = period_of_year(session, year)
    where = replace(filters, period_id=period.id)

    def chunks() -> Iterator[str]:
        public = get_standings(db, year=year, as_of=as_of)
        with db.read() as session:
            source = table_source(session, public=public)
            yield from csv_chunks(CSV_HEADINGS, csv_lines(session, source, where=where))

    return chunks()
