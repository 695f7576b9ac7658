"""Venue sources for the frame checks: configuration, signal status and reference frames."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import units as unit_repo
from app.db.repositories import venues as venue_repo
from app.db.tables import VenueSource
from app.schemas.public import VenuePublic
from app.services import audit
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, NotFound
from app.services.images import CleanImage, UnsupportedImage, store
from app.services.source_urls import check_source_url, masked, with_stored_credentials
from app.services.units import require_unit
from app.settings import Settings
from app.timezone import iso
from frame_checks import FrameError, MeasureError, Reference, decode_frame


def sample_path(settings: Settings, unit_code: str) -> Path:
    """The newest sampled frame of a venue (overwritten at every sample)."""
    return settings.data_dir / "samples" / f"{unit_code}.jpg"


def keep_sample(settings: Settings, unit_code: str, jpeg: bytes) -> None:
    path = sample_path(settings, unit_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(jpeg)
    temporary.replace(path)


def _public(source: VenueSource | None, *, code: str, name: str, settings: Settings) -> VenuePublic:
    sample = sample_path(settings, code)
    sampled_at = (
        iso(datetime.fromtimestamp(sample.stat().st_mtime, tz=UTC)) if sample.is_file() else None
    )
    if source is None:
        source = VenueSource(unit_id=0, thresholds={})
    return VenuePublic(
        unit=code,
        name=name,
        url=masked(source.url),
        interval_seconds=source.interval_seconds,
        enabled=source.enabled,
        thresholds=source.thresholds or {},
        reference=source.reference,
        reference_set_at=iso(source.reference_set_at) if source.reference_set_at else None,
        reference_set_by=source.reference_set_by,
        last_sample_at=sampled_at,
        status=source.status,
        status_at=iso(source.status_at) if source.status_at else None,
    )


def _source_for(session: Session, *, unit_id: int) -> VenueSource:
    """The venue's source row, made on first use."""
    source = venue_repo.source_of(session, unit_id=unit_id)
    if source is None:
        source = VenueSource(unit_id=unit_id, thresholds={})
        session.add(source)
    return source


def list_venues(db: Database, *, settings: Settings) -> list[VenuePublic]:
    with db.read() as session:
        configured = {code: source for source, code, _ in venue_repo.sources(session)}
        return [
            _public(configured.get(unit.code), code=unit.code, name=unit.name, settings=settings)
            for unit in unit_repo.all_units(session)
        ]


def get_venue(db: Database, *, settings: Settings, unit_code: str) -> VenuePublic:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        source = venue_repo.source_of(session, unit_id=unit.id)
        return _public(source, code=unit.code, name=unit.name, settings=settings)


def configure(
    db: Database,
    *,
    actor: Actor,
    settings: Settings,
    unit_code: str,
    url: str | None,
    interval_seconds: float,
    enabled: bool,
    thresholds: dict[str, Any],
) -> VenuePublic:
    with db.write() as tx:
        unit = require_unit(tx.session, unit_code)
        assert unit.id is not None
        source = venue_repo.source_of(tx.session, unit_id=unit.id)
        if url is not None:
            url = with_stored_credentials(url, stored=source.url if source else None)
            check_source_url(url, settings=settings)
        before = None
        if source is None:
            source = VenueSource(unit_id=unit.id, thresholds={})
            tx.session.add(source)
        else:
            before = {
                "url": masked(source.url),
                "interval_seconds": source.interval_seconds,
                "enabled": source.enabled,
                "thresholds": source.thresholds,
            }
        source.url, source.interval_seconds = url, interval_seconds
        source.enabled, source.thresholds = enabled, thresholds
        audit.record(
            tx.session,
            actor=actor,
            action="venue.configured",
            entity="venue",
            entity_key=unit.code,
            before=before,
            after={
                "url": masked(url),
                "interval_seconds": interval_seconds,
                "enabled": enabled,
                "thresholds": thresholds,
            },
        )
        tx.session.flush()
        return _public(source, code=unit.code, name=unit.name, settings=settings)


def set_status(db: Database, *, actor: Actor, unit_code: str, status: str, at: datetime) -> bool:
    """Record a change of signal status; returns whether it changed."""
    with db.write() as tx:
        unit = require_unit(tx.session, unit_code)
        assert unit.id is not None
        source = _source_for(tx.session, unit_id=unit.id)
        if source.status == status:
            return False
        before = source.status
        source.status, source.status_at = status, at
        audit.record(
            tx.session,
            actor=actor,
            action="venue.status",
            entity="venue",
            entity_key=unit.code,
            before={"status": before},
            after={"status": status},
        )
        return True


def set_reference(
    db: Database, *, actor: Actor, settings: Settings, unit_code: str, image: CleanImage | None
) -> VenuePublic:
    """Make `image` — or, without one, the venue's newest sample — its reference frame."""
    if image is not None:
        check_reference(image)
    if image is None:
        sample = sample_path(settings, unit_code)
        if not sample.is_file():
            raise Conflict(
                f"venue {unit_code} has no sample yet to take as reference",
                field="unit",
                code="venue.no_sample",
            )
        data = sample.read_bytes()
        image = CleanImage(jpeg=data, width=0, height=0)
    name = store(image, folder=settings.evidence_dir)
    with db.write() as tx:
        unit = require_unit(tx.session, unit_code)
        assert unit.id is not None
        source = _source_for(tx.session, unit_id=unit.id)
        before = source.reference
        source.reference, source.reference_set_at, source.reference_set_by = (
            name,
            utc_now(),
            actor.username,
        )
        audit.record(
            tx.session,
            actor=actor,
            action="venue.reference_set",
            entity="venue",
            entity_key=unit.code,
            before={"reference": before},
            after={"reference": name},
        )
        tx.session.flush()
        return _public(source, code=unit.code, name=unit.name, settings=settings)


def check_reference(image: CleanImage) -> None:
    """A reference frame must be one the frame checks can align against."""
    try:
        Reference.from_frame(decode_frame(image.jpeg))
    except (FrameError, MeasureError) as error:
        raise UnsupportedImage(
            f"not usable as a reference frame: {error}", field="body", code="venue.bad_reference"
        ) from None


def reference_path(db: Database, *, settings: Settings, unit_code: str) -> Path:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        source = venue_repo.source_of(session, unit_id=unit.id)
        if source is None or source.reference is None:
            raise NotFound(
                f"venue {unit_code} has no reference frame",
                field="unit",
                code="venue.no_reference",
            )
        path = settings.evidence_dir / source.reference
    if not path.is_file():
        raise NotFound(
            f"the reference frame of venue {unit_code} is missing from storage",
            field="unit",
            code="venue.reference_missing",
        )
    return path
