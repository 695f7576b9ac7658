"""Venue sources for the frame checks: configuration, signal status and reference frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import flags as flag_repo
from app.db.repositories import leases as lease_repo
from app.db.repositories import units as unit_repo
from app.db.repositories import venue_status as status_repo
from app.db.repositories import venues as venue_repo
from app.db.tables import VenueSource, VenueStatusPeriod
from app.schemas.public import VenuePublic
from app.services import audit, meeting_events
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid, NotFound
from app.services.images import CleanImage, UnsupportedImage, store
from app.services.source_urls import check_source_url, masked, with_stored_credentials
from app.services.units import require_unit
from app.settings import Settings
from app.timezone import iso
from frame_checks import FrameError, MeasureError, Reference, decode_frame

AUDIO_STATES = ("muted", "speaking", "testing")


def sample_path(settings: Settings, unit_code: str) -> Path:
    """The newest sampled frame of a venue (overwritten at every sample)."""
    return settings.data_dir / "samples" / f"{unit_code}.jpg"


def keep_sample(settings: Settings, unit_code: str, jpeg: bytes) -> None:
    path = sample_path(settings, unit_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(jpeg)
    temporary.replace(path)


def _public(
    source: VenueSource | None,
    *,
    code: str,
    name: str,
    settings: Settings,
    period: VenueStatusPeriod | None = None,
    sampler: str | None = None,
) -> VenuePublic:
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
        offline_since=iso(period.started_at)
        if period is not None and period.status == "offline"
        else None,
        offline_failures=period.failures
        if period is not None and period.status == "offline"
        else 0,
        audio_state=source.audio_state,
        audio_state_at=iso(source.audio_state_at) if source.audio_state_at else None,
        audio_state_by=source.audio_state_by,
        sampler=sampler,
    )


def _fresh_after(settings: Settings) -> datetime:
    """A sampler whose heartbeat on a venue is older than this no longer follows it."""
    return utc_now() - timedelta(seconds=settings.sampler_lease_seconds)


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
        periods = status_repo.open_periods(session)
        samplers = lease_repo.holders(session, fresh_after=_fresh_after(settings))
        return [
            _public(
                configured.get(unit.code),
                code=unit.code,
                name=unit.name,
                settings=settings,
                period=periods.get(unit.id) if unit.id is not None else None,
                sampler=samplers.get(unit.code),
            )
            for unit in unit_repo.all_units(session)
        ]


def get_venue(db: Database, *, settings: Settings, unit_code: str) -> VenuePublic:
    with db.read() as session:
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        source = venue_repo.source_of(session, unit_id=unit.id)
        return _public(
            source,
            code=unit.code,
            name=unit.name,
            settings=settings,
            period=status_repo.current(session, unit_id=unit.id),
            sampler=lease_repo.holders(session, fresh_after=_fresh_after(settings)).get(unit.code),
        )


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


def record_status(
    db: Database,
    *,
    actor: Actor,
    unit_code: str,
    change: str,
    status: str,
    detail: str,
    at: datetime,
) -> bool:
    """Record a debounced status decision (`status_debounce`): `open` starts a period of
    `status` (audited, when it differs from the recorded one), `failure` counts one more failure
    in the current offline period (not audited: the count is shown on the venue). Returns
    whether the venue's status changed."""
    with db.write() as tx:
        session = tx.session
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        source = _source_for(session, unit_id=unit.id)
        period = status_repo.current(session, unit_id=unit.id)
        if change == "failure" or (change == "open" and source.status == status):
            if period is not None and period.status == "offline" and status == "offline":
                period.failures += 1
                period.detail = detail[:200] or period.detail
            return False
        before: dict[str, object] = {"status": source.status}
        if period is not None:
            period.ended_at = at
            if period.status == "offline":
                before["failures"] = period.failures
        session.add(
            VenueStatusPeriod(
                unit_id=unit.id,
                status=status,
                started_at=at,
                failures=1 if status == "offline" else 0,
                detail=detail[:200] or None,
            )
        )
        source.status, source.status_at = status, at
        audit.record(
            session,
            actor=actor,
            action="venue.status",
            entity="venue",
            entity_key=unit.code,
            before=before,
            after={"status": status, **({"detail": detail[:200]} if detail else {})},
        )
        return True


def set_status(db: Database, *, actor: Actor, unit_code: str, status: str, at: datetime) -> bool:
    """Record a status straight away (no debounce): a new period when it differs."""
    return record_status(
        db, actor=actor, unit_code=unit_code, change="open", status=status, detail="", at=at
    )


def set_audio_state(
    db: Database, *, actor: Actor, settings: Settings, unit_code: str, state: str
) -> VenuePublic:
    """The controller's 静音收听 / 发言 / 调试 for a venue: audited, and an event of the meeting
    in progress so that the other consoles follow."""
    if state not in AUDIO_STATES:
        raise Invalid(
            f"audio state must be one of {', '.join(AUDIO_STATES)}",
            field="state",
            code="venue.audio_state_unknown",
        )
    now = utc_now()
    with db.write() as tx:
        session = tx.session
        unit = require_unit(session, unit_code)
        assert unit.id is not None
        source = _source_for(session, unit_id=unit.id)
        before = source.audio_state
        source.audio_state, source.audio_state_at, source.audio_state_by = (
            state,
            now,
            actor.username,
        )
        session.flush()
        result = _public(source, code=unit.code, name=unit.name, settings=settings)
        if before != state:
            audit.record(
                session,
                actor=actor,
                action="venue.audio_state",
                entity="venue",
                entity_key=unit.code,
                before={"audio_state": before},
                after={"audio_state": state},
            )
            meeting = flag_repo.meeting_in_progress(session, at=now)
            if meeting is not None and meeting.id is not None:
                meeting_events.record(
                    session,
                    meeting_id=meeting.id,
                    kind="venue.audio_state",
                    actor=actor,
                    data={"unit": unit.code, "audio_state": state, "at": iso(now)},
                )
        return result


def audio_states(db: Database) -> dict[str, str]:
    """Unit code → audio state, for the venues that have a source row."""
    with db.read() as session:
        return {code: source.audio_state for source, code, _ in venue_repo.sources(session)}


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
