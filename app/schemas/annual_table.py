"""The official annual table as the printed report receives it (`GET /api/reports/annual`)."""

from __future__ import annotations

from pydantic import BaseModel

from app.schemas.public import Moment, Points


class TableItemPublic(BaseModel):
    code: str
    name: str
    points: Points
    cap: Points


class ItemFiguresPublic(BaseModel):
    code: str
    occurrences: int
    raw: Points
    cap: Points
    capped: Points
    binds: bool


class CityLinePublic(BaseModel):
    rank: int
    code: str
    name: str
    items: list[ItemFiguresPublic]
    before_cap: Points
    deduction: Points
    total_binds: bool
    score: Points


class ReasonLinePublic(BaseModel):
    item: str
    text: str
    occurrences: int
    points: Points


class UnitBlockPublic(BaseModel):
    code: str
    name: str
    own_venue: bool
    items: list[ItemFiguresPublic]
    total: Points
    reasons: list[ReasonLinePublic]


class CitySectionPublic(BaseModel):
    code: str
    name: str
    units: list[UnitBlockPublic]
    items: list[ItemFiguresPublic]
    raw_total: Points
    before_cap: Points
    deduction: Points
    total_binds: bool
    score: Points


class AnnualTablePublic(BaseModel):
    year: int
    edition: str
    edition_title: str
    title: str
    meta: str
    final: bool
    status: str
    as_of: Moment
    register_at: Moment
    finalized_at: Moment | None
    finalized_by: str | None
    issuing_office: str
    full_marks: Points
    items: list[TableItemPublic]
    cities: list[CityLinePublic]
    sections: list[CitySectionPublic]
