"""Reading the audit log: filtered by person, unit, kind and date, each entry told as a sentence
with names; the same entries exported as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import audit as audit_repo
from app.db.repositories import people as people_repo
from app.db.repositories import units as unit_repo
from app.db.repositories.audit import AuditFilter
from app.db.tables import AuditEntry
from app.schemas.public import AuditEntryPublic, AuditPerson, Page
from app.services.audit_sentences import KINDS, Context, kind_of, sentence, unit_of, wanted
from app.services.errors import Invalid
from app.services.glossary import Lang, word
from app.timezone import ASSESSMENT_ZONE, iso

__all__ = ["AuditFilter", "audit_filter", "browse", "export_csv", "export_xlsx", "people"]
EXPORT_LIMIT = 100_000
EXPORT_COLUMNS = {
    "zh": ("时间", "操作人", "类别", "单位", "事项", "地址"),
    "en": ("Time", "Person", "Kind", "Unit", "What", "Address"),
}


def audit_filter(
    db: Database,
    *,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_key: str | None = None,
    kind: str | None = None,
    unit_code: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> AuditFilter:
    """The filter of a request, or a clear refusal (an inverted range shows nothing, and says so)."""
    if start is not None and end is not None and start >= end:
        raise Invalid(
            "the start of the range is not before its end", field="to", code="audit.inverted_range"
        )
    where = AuditFilter(actor=actor, action=action, entity=entity, entity_key=entity_key)
    where = replace(where, start=start, end=end, entities=KINDS[kind] if kind else None)
    if unit_code is not None:
        with db.read() as session:
            unit = unit_repo.by_code(session, unit_code)
        if unit is None:
            raise Invalid(f"unknown unit {unit_code}", field="unit", code="unit.not_found")
        where = replace(where, unit=unit)
    return where


def _context(session: Session, entries: Sequence[AuditEntry]) -> Context:
    refs = wanted(entries)
    incidents_of_objections = audit_repo.objection_incidents(session, refs.objections)
    incident_keys = refs.incidents | set(incidents_of_objections.values())
    return Context(
        people=people_repo.display_names(session, refs.people),
        units={unit.code: unit.name for unit in unit_repo.all_units(session)},
        incidents=audit_repo.incidents_by_key(session, incident_keys),
        objections=incidents_of_objections,
        flags=audit_repo.flag_facts(session, refs.flags),
        meetings=audit_repo.meeting_titles(session, refs.meetings),
    )


def _public(entry: AuditEntry, context: Context) -> AuditEntryPublic:
    unit = unit_of(entry, context)
    return AuditEntryPublic(
        id=entry.id or 0,
        at=iso(entry.at),
        actor=entry.actor,
        address=entry.address,
        action=entry.action,
        entity=entry.entity,
        entity_key=entry.entity_key,
        before=entry.before,
        after=entry.after,
        actor_name=context.people.get(entry.actor or ""),
        kind=kind_of(entry),
        unit=unit,
        unit_name=context.units.get(unit or ""),
        sentence=sentence(entry, context, lang="zh"),
        sentence_en=sentence(entry, context, lang="en"),
    )


def browse(db: Database, *, where: AuditFilter, limit: int, offset: int) -> Page[AuditEntryPublic]:
    with db.read() as session:
        rows, total = audit_repo.browse(session, where=where, limit=limit, offset=offset)
        context = _context(session, rows)
        items = [_public(entry, context) for entry in rows]
        return Page[AuditEntryPublic](items=items, total=total, limit=limit, offset=offset)


def people(db: Database) -> list[AuditPerson]:
    """Everyone who has an account or appears in the log, by name, for the filter's picker."""
    with db.read() as session:
        named = dict(people_repo.all_people(session))
        for username in audit_repo.actors(session):
            named.setdefault(username, username)
    ordered = sorted(named.items(), key=lambda pair: (pair[1], pair[0]))
    return [AuditPerson(username=u, display_name=n) for u, n in ordered]


def _rows(db: Database, *, where: AuditFilter, lang: Lang) -> list[list[str]]:
    with db.read() as session:
        entries, _ = audit_repo.browse(session, where=where, limit=EXPORT_LIMIT, offset=0)
        context = _context(session, entries)
    rows = []
    for entry in entries:
        unit = unit_of(entry, context)
        rows.append(
            [
                entry.at.astimezone(ASSESSMENT_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
                context.people.get(entry.actor or "", entry.actor or ""),
                word(f"audit.kind.{kind_of(entry)}", lang=lang),
                context.units.get(unit or "", unit or ""),
                sentence(entry, context, lang=lang),
                entry.address or "",
            ]
        )
    return rows


def export_csv(db: Database, *, where: AuditFilter, lang: Lang = "zh") -> Iterator[str]:
    """The filtered log as CSV (UTF-8 with BOM, so spreadsheets read the Chinese)."""
    rows = _rows(db, where=where, lang=lang)
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(EXPORT_COLUMNS[lang])
    writer.writerows(rows)
    yield out.getvalue()


def export_xlsx(db: Database, *, where: AuditFilter, lang: Lang = "zh") -> bytes:
    rows = _rows(db, where=where, lang=lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "审计日志" if lang == "zh" else "Audit log"
    sheet.append(list(EXPORT_COLUMNS[lang]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for letter, width in zip("ABCDEF", (20, 14, 12, 12, 80, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
