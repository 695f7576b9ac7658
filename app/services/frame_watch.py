"""The frame checks at work: venues' sources are sampled, flags raised and cleared.

Invariants: the checks run on the sampler's worker threads or the request's thread pool, never on
the event loop; a flag reaches the database only through `flags.raise_flag` (one open flag per
venue and kind) and deducts nothing; a venue's thresholds are the deployment's, overridden by the
venue's own. The venues' sound is followed alongside (`audio_watch`). Only debounced changes of
a source's status are recorded (`status_debounce`). On PostgreSQL several processes share the
venues through leases (`sampler_leases`): each follows only the venues it holds.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from app.db.engine import Database
from app.db.repositories import venues as venue_repo
from app.services import flags, venues
from app.services.audio_watch import AudioWatch
from app.services.context import Actor, utc_now
from app.services.errors import Invalid, ServiceError
from app.services.images import (
    CleanImage,
    TooLarge,
    UnsupportedImage,
    check_structure,
    store,
)
from app.services.sampler_leases import LeaseKeeper
from app.services.source_urls import masked, source_url_problem
from app.services.status_debounce import StatusDebounce, StatusDecision
from app.settings import Settings
from frame_checks import (
    FrameError,
    MeasureError,
    Reference,
    Sampler,
    SampleResult,
    SourceStatus,
    Thresholds,
    Turns,
    VenueChecker,
    decode_frame,
    encode_jpeg,
)

log = logging.getLogger(__name__)
SAMPLER = Actor(username="frame-checks", role="controller")
STATUS_NAMES = {"online": "online", "offline": "offline", "bad_frame": "offline"}


class FrameWatch:
    """Samples the venues that have a source URL, checks pushed frames of the others."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.base = Thresholds.from_mapping(settings.frame_thresholds)
        # The video and sound of every venue followed here take turns at the cores.
        self.turns = Turns()
        self.sampler = self._new_sampler()
        self._pushed: dict[str, VenueChecker] = {}
        self._following: dict[str, tuple[str | None, float]] = {}
        self._sampling = False
        self._lock = threading.Lock()
        self.audio = AudioWatch(db, settings, turns=self.turns)
        self.keeper: LeaseKeeper | None = None
        self._beating = threading.Event()
        self._heart: threading.Thread | None = None
        self._statuses: dict[str, StatusDebounce] = {}
        # The heartbeat thread and a request that changed a source both sync: one at a time.
        self._syncing = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------

    def sync_sources(self) -> int:
        """Follow exactly the enabled venue sources that have a URL, as configured now (new
        ones start, removed or changed ones restart or stop); returns how many are followed."""
        with self._syncing:
            return self._sync_sources()

    def _sync_sources(self) -> int:
        with self.db.read() as session:
            configured = venue_repo.sources(session)
        wanted = {
            code: (source.url, source.interval_seconds, source)
            for source, code, _ in configured
            if source.enabled and source.url and self._may_open(code, source.url)
        }
        if self.keeper is not None:
            held = self.keeper.beat(wanted)
            wanted = {code: value for code, value in wanted.items() if code in held}
        for code, running in list(self._following.items()):
            if code not in wanted or wanted[code][:2] != running:
                self.sampler.unwatch(code)
                del self._following[code]
        for code, (url, interval, source) in wanted.items():
            if code in self._following or url is None:
                continue
            checker = self._checker(code, source.thresholds, source.reference)
            self.sampler.watch(code, url, interval=interval, checker=checker)
            self._following[code] = (url, interval)
        self.audio.follow({code: url for code, (url, _) in self._following.items() if url})
        self.audio.sync_states()
        self._sampling = True
        return len(self._following)

    def _may_open(self, code: str, url: str) -> bool:
        """A source stored before the allow-list changed is not opened either."""
        problem = source_url_problem(url, settings=self.settings)
        if problem is not None:
            log.warning("venue %s: source %s not sampled: %s", code, masked(url), problem)
        return problem is None

    def share(self, *, name: str = "") -> str:
        """Share the venues with other processes through leases (PostgreSQL), renewed by a
        heartbeat thread that also takes up changes of the sources; returns this sampler's name."""
        self.keeper = LeaseKeeper(
            self.db,
            name=name or self.settings.sampler_name,
            lease_seconds=self.settings.sampler_lease_seconds,
        )
        self._beating.clear()
        self._heart = threading.Thread(target=self._beat, name="sampler-heartbeat", daemon=True)
        self.sync_sources()
        self._heart.start()
        return self.keeper.name

    def _beat(self) -> None:
        while not self._beating.wait(self.settings.sampler_heartbeat_seconds):
            try:
                self.sync_sources()
            except Exception:
                # A database that is away for a moment: the leases lapse, others take over.
                log.exception("sampler heartbeat failed")

    @property
    def followed(self) -> list[str]:
        """The venues this process samples now."""
        return sorted(self._following)

    @property
    def following(self) -> bool:
        """Whether this process samples the venues' sources."""
        return self._sampling

    def stop(self) -> None:
        self._beating.set()
        if self._heart is not None:
            self._heart.join()
            self._heart = None
        self.sampler.stop()
        self.audio.stop()
        self.sampler = self._new_sampler()
        self._following.clear()
        self._sampling = False
        if self.keeper is not None:
            try:
                self.keeper.release()
            except Exception:
                log.exception("sampler leases not released (they lapse by themselves)")
            self.keeper = None

    def _checker(
        self, code: str, overrides: dict[str, Any], reference_name: str | None
    ) -> VenueChecker:
        try:
            thresholds = self.base.with_overrides(overrides or {})
        except ValueError as error:
            log.warning("venue %s: ignoring its thresholds (%s)", code, error)
            thresholds = self.base
        return VenueChecker(thresholds=thresholds, reference=self._reference(reference_name))

    def _reference(self, name: str | None) -> Reference | None:
        if name is None:
            return None
        path = self.settings.evidence_dir / name
        try:
            return Reference.from_frame(decode_frame(path.read_bytes()))
        except (OSError, FrameError, MeasureError) as error:
            log.warning("reference frame %s cannot be used: %s", name, error)
            return None

    def refresh(self, code: str) -> None:
        """Take up a venue's new thresholds or reference frame."""
        venue = venues.get_venue(self.db, settings=self.settings, unit_code=code)
        checker = self._checker(code, dict(venue.thresholds), venue.reference)
        with self._lock:
            if code in self._pushed:
                self._pushed[code] = checker
        if code in self.sampler.venues:
            watched = self.sampler.checker(code)
            watched.set_thresholds(checker.thresholds)
            watched.set_reference(checker.reference)

    # -- pushed frames ------------------------------------------------------------------

    def check_pushed(self, code: str, data: bytes) -> SampleResult:
        """Check one frame posted by an external grabber for the venue."""
        check_structure(data)
        try:
            frame = decode_frame(
                data,
                max_bytes=self.settings.max_upload_bytes,
                max_pixels=self.settings.max_image_pixels,
            )
        except FrameError as error:
            refusal = TooLarge if error.reason in ("too_big", "too_large") else UnsupportedImage
            raise refusal(str(error), field="body") from None
        with self._lock:
            checker = self._pushed.get(code)
        if checker is None:
            venue = venues.get_venue(self.db, settings=self.settings, unit_code=code)
            checker = self._checker(code, dict(venue.thresholds), venue.reference)
            with self._lock:
                checker = self._pushed.setdefault(code, checker)
        try:
            result = checker.check(frame, at=datetime.now(UTC).timestamp())
        except MeasureError as error:
            raise Invalid(str(error), field="body", code="frame.unreadable") from None
        self.status_changed(code, SourceStatus(state="online"))
        self.sampled(code, result)
        return result

    def _new_sampler(self) -> Sampler:
        return Sampler(
            on_sample=self.sampled,
            on_status=self.status_changed,
            burst=self.settings.frame_burst,
            turns=self.turns,
        )

    # -- callbacks from the sampler (worker threads) -------------------------------------

    def sampled(self, code: str, result: SampleResult) -> None:
        self._status_decided(code, self._debounce(code).alive(at=time.monotonic()), "")
        try:
            if result.frame is not None:
                venues.keep_sample(self.settings, code, encode_jpeg(result.frame))
            for event in result.events:
                if event.kind == "raised":
                    snapshot = self._snapshot(result)
                    flags.raise_flag(
                        self.db,
                        actor=SAMPLER,
                        unit_code=code,
                        kind=event.flag,
                        basis=event.basis,
                        metrics=dict(event.metrics),
                        snapshot=snapshot,
                        at=utc_now(),
                    )
                else:
                    flags.clear_flag(
                        self.db, actor=SAMPLER, unit_code=code, kind=event.flag, at=utc_now()
                    )
        except ServiceError as error:
            log.warning("venue %s: frame-check result not recorded: %s", code, error.message)

    def _snapshot(self, result: SampleResult) -> str | None:
        if result.frame is None:
            return None
        jpeg = encode_jpeg(result.frame)
        height, width = result.frame.shape[:2]
        return store(
            CleanImage(jpeg=jpeg, width=width, height=height), folder=self.settings.evidence_dir
        )

    def status_changed(self, code: str, status: SourceStatus) -> None:
        name = STATUS_NAMES.get(status.state)
        if name is None:
            return  # connecting / stopped: not a status of the feed
        decision = self._debounce(code).report(name, at=time.monotonic())
        self._status_decided(code, decision, status.detail)

    def _debounce(self, code: str) -> StatusDebounce:
        with self._lock:
            debounce = self._statuses.get(code)
            if debounce is None:
                debounce = StatusDebounce(settle_seconds=self.settings.status_settle_seconds)
                self._statuses[code] = debounce
            return debounce

    def _status_decided(self, code: str, decision: StatusDecision | None, detail: str) -> None:
        if decision is None:
            return
        try:
            venues.record_status(
                self.db,
                actor=SAMPLER,
                unit_code=code,
                change=decision.change,
                status=decision.status,
                detail=detail,
                at=utc_now(),
            )
        except ServiceError as error:
            log.warning("venue %s: status not recorded: %s", code, error.message)
