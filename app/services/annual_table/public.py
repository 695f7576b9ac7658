"""The annual table in the API's shapes (decimal strings, ISO moments)."""

from __future__ import annotations

from collections.abc import Iterable

from app.schemas.annual_table import (
    AnnualTablePublic,
    CityLinePublic,
    CitySectionPublic,
    ItemFiguresPublic,
    ReasonLinePublic,
    TableItemPublic,
    UnitBlockPublic,
)
from app.services.annual_table.cells import points
from app.services.annual_table.rows import AnnualTable, ItemFigures
from app.timezone import iso


def _figures(items: Iterable[ItemFigures]) -> list[ItemFiguresPublic]:
    return [
        ItemFiguresPublic(
            code=i.code,
            occurrences=i.occurrences,
            raw=points(i.raw),
            cap=points(i.cap),
            capped=points(i.capped),
            binds=i.binds,
        )
        for i in items
    ]


def table_public(table: AnnualTable) -> AnnualTablePublic:
    return AnnualTablePublic(
        year=table.year,
        edition=table.edition,
        edition_title=table.edition_title,
        title=table.title,
        meta=table.meta,
        final=table.final,
        status=table.status,
        as_of=iso(table.as_of),
        register_at=iso(table.register_at),
        finalized_at=iso(table.finalized_at) if table.finalized_at else None,
        finalized_by=table.finalized_by,
        issuing_office=table.issuing_office,
        full_marks=points(table.full_marks),
        items=[
            TableItemPublic(code=i.code, name=i.name, points=points(i.points), cap=points(i.cap))
            for i in table.items
        ],
        cities=[
            CityLinePublic(
                rank=c.rank,
                code=c.code,
                name=c.name,
                items=_figures(c.items),
                before_cap=points(c.before_cap),
                deduction=points(c.deduction),
                total_binds=c.total_binds,
                score=points(c.score),
            )
            for c in table.cities
        ],
        sections=[
            CitySectionPublic(
                code=s.code,
                name=s.name,
                units=[
                    UnitBlockPublic(
                        code=u.code,
                        name=u.name,
                        own_venue=u.own_venue,
                        items=_figures(u.items),
                        total=points(u.total),
                        reasons=[
                            ReasonLinePublic(
                                item=r.item_code,
                                text=r.text,
                                occurrences=r.occurrences,
                                points=points(r.points),
                            )
                            for r in u.reasons
                        ],
                    )
                    for u in s.units
                ],
                items=_figures(s.items),
                raw_total=points(s.raw_total),
                before_cap=points(s.before_cap),
                deduction=points(s.deduction),
                total_binds=s.before_cap > s.deduction,
                score=points(s.score),
            )
            for s in table.sections
        ],
    )
