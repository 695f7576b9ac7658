"""The annual table as PDF, rendered by WeasyPrint from `html.document`, entirely offline:
the fonts are the system's CJK fonts (fontconfig), and no URL is ever fetched."""

from __future__ import annotations

from typing import Any

from app.services.annual_table.html import document
from app.services.annual_table.rows import AnnualTable


class RemoteFetchRefused(ValueError):
    """The document named a resource; the report is self-contained and fetches nothing."""


def refuse_fetch(url: str, *_: Any, **__: Any) -> dict[str, Any]:
    """WeasyPrint's url_fetcher: every resource is refused (the document embeds its style and
    names only installed fonts), so rendering never reaches the network or the disk."""
    raise RemoteFetchRefused(f"the annual report fetches nothing: {url[:80]}")


def annual_pdf(table: AnnualTable) -> bytes:
    from weasyprint import HTML  # imported when a PDF is asked for: it is slow to load

    pdf: bytes = HTML(string=document(table), url_fetcher=refuse_fetch).write_pdf()
    return pdf
