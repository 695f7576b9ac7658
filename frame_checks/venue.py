"""One venue's checks: each sample is measured, judged and counted against the venue's flags.

Invariant: a `VenueChecker` is the only holder of a venue's memory (its reference frame, its
freeze window, its flag counts and the alignment its picture still holds); samples must reach
it in stream order. An alignment is taken afresh whenever the picture has changed since it was
taken (beyond noise), and at least every `ALIGNMENT_REUSE` samples. Its methods take a
lock, so the sampler's worker thread and the web app (replacing the reference or the
thresholds) may call it from different threads, never at the same time.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .align import Alignment
from .judge import FLAGS, Flag, Hit, Metric, Motion, Thresholds, judge
from .measure import Image, Measurement, Reference, grey_copy, measure, prepare
from .quality import chroma_change
from .state import FlagEvent, FlagState, FreezeWindow, ShakeWindow


def _kind_counts(thresholds: Thresholds) -> dict[Flag, tuple[int, int]]:
    return {flag: thresholds.counts(flag) for flag in FLAGS}


@dataclass(frozen=True, slots=True, eq=False)
class SampleResult:
    at: float
    """Stream time of the sample, in seconds."""
    measurement: Measurement
    motion: Motion
    hits: Mapping[Flag, Hit]
    """Flags this sample alone calls for."""
    active: frozenset[Flag]
    """Flags raised for the venue after this sample (N hits in a row, M to clear)."""
    events: tuple[FlagEvent, ...]
    """Flags raised or cleared by this very sample."""
    frame: Image | None = field(default=None, repr=False)
    """The frame itself (not copied), for a snapshot when a flag is raised."""

    @property
    def flags(self) -> list[Flag]:
        return [flag for flag in FLAGS if flag in self.active]

    @property
    def metrics(self) -> dict[str, Metric]:
        return sample_metrics(self.measurement, self.motion)


def sample_metrics(measurement: Measurement, motion: Motion) -> dict[str, Metric]:
    """The sample's figures as a flat, JSON-ready mapping."""
    exposure = measurement.exposure
    metrics: dict[str, Metric] = {
        "width": measurement.width,
        "height": measurement.height,
        "luma_mean": _round(exposure.luma_mean, 2),
        "luma_std": _round(exposure.luma_std, 2),
        "black_share": _round(exposure.black_share, 4),
        "sharpness": _round(measurement.sharpness.sharpness, 2),
        "detail": _round(measurement.sharpness.detail, 4),
    }
    if measurement.detail_vs_reference is not None:
        metrics["detail_vs_reference"] = _round(measurement.detail_vs_reference, 3)
    alignment = measurement.alignment
    if alignment is not None:
        metrics["alignment"] = alignment.status
        if alignment.status == "ok":
            metrics["rotation_deg"] = _round(alignment.rotation_deg, 3)
            metrics["shift_px"] = _round(alignment.shift_px, 2)
            metrics["shift_x_px"] = _round(alignment.shift_x_px, 2)
            metrics["shift_y_px"] = _round(alignment.shift_y_px, 2)
            metrics["scale"] = _round(alignment.scale, 4)
            metrics["alignment_correlation"] = _round(alignment.correlation, 3)
            metrics["alignment_method"] = alignment.method
        elif alignment.reason:
            metrics["alignment_reason"] = alignment.reason
            if alignment.correlation is not None:
                metrics["alignment_correlation"] = _round(alignment.correlation, 3)
    if measurement.line_angle is not None:
        metrics["line_angle_deg"] = _round(measurement.line_angle.angle_deg, 2)
        metrics["line_agreement"] = _round(measurement.line_angle.agreement, 3)
        metrics["lines"] = measurement.line_angle.lines
    change = motion.change
    if change is not None:
        metrics["diff_mad"] = _round(change.mad, 3)
        metrics["diff_changed_share"] = _round(change.changed_share, 4)
        metrics["diff_fine_mad"] = _round(change.fine_mad, 3)
    quality = measurement.quality
    if quality is not None:
        metrics["bright_share"] = _round(quality.tone.bright_share, 4)
        metrics["luma_spread"] = _round(quality.tone.spread, 1)
        metrics["chroma_cb"] = _round(quality.colour.cb, 2)
        metrics["chroma_cr"] = _round(quality.colour.cr, 2)
        metrics["cast_factor"] = _round(quality.colour.cast, 3)
        metrics["noise_sigma"] = _round(quality.noise_sigma, 3)
        metrics["flat_share"] = _round(quality.flat_share, 4)
        metrics["stripe_amplitude"] = _round(quality.stripes.amplitude, 3)
        metrics["stripe_agreement"] = _round(quality.stripes.agreement, 3)
        metrics["pattern_bars"] = quality.pattern.bars
        metrics["pattern_column_std"] = _round(quality.pattern.column_std, 2)
    if measurement.obstruction is not None:
        metrics["obstruction"] = _round(measurement.obstruction, 4)
    if measurement.contrast_kept is not None:
        metrics["contrast_kept"] = _round(measurement.contrast_kept, 3)
    if quality is not None and measurement.reference_quality is not None:
        chroma = chroma_change(
            quality.colour,
            measurement.reference_quality.colour,
            contrast_kept=measurement.contrast_kept,
        )
        if chroma is not None:
            metrics["chroma_shift"] = _round(chroma.cast, 2)
            metrics["chroma_scale"] = _round(chroma.scale, 3)
    if motion.jitter_px is not None:
        metrics["jitter_px"] = _round(motion.jitter_px, 2)
        metrics["jitter_basis"] = motion.jitter_basis or "consecutive"
    if motion.jitter_response is not None:
        metrics["jitter_response"] = _round(motion.jitter_response, 3)
    metrics["stillness"] = motion.stillness
    metrics["still_seconds"] = _round(motion.still_seconds, 3)
    if motion.timestamp_repeated:
        metrics["timestamp_repeated"] = True
    return metrics


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


ALIGNMENT_REUSE: Final = 5
"""Samples in a row that may share one alignment while the picture stands unchanged."""
_UNCHANGED: Final = frozenset({"identical", "still", "noise", "refreshed"})


class VenueChecker:
    """Measure → judge → flag state for one venue."""

    def __init__(
        self, *, thresholds: Thresholds | None = None, reference: Reference | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._thresholds = thresholds or Thresholds()
        self._reference = reference
        self._flags = FlagState(
            raise_after=self._thresholds.raise_after,
            clear_after=self._thresholds.clear_after,
            kinds=_kind_counts(self._thresholds),
        )
        self._window = FreezeWindow()
        self._shake = ShakeWindow()
        self._alignment: Alignment | None = None
        self._alignment_uses = 0

    @property
    def thresholds(self) -> Thresholds:
        return self._thresholds

    @property
    def reference(self) -> Reference | None:
        return self._reference

    @property
    def active(self) -> frozenset[Flag]:
        with self._lock:
            return self._flags.active

    def set_reference(self, reference: Reference | None) -> None:
        with self._lock:
            self._reference = reference
            self._alignment = None

    def set_thresholds(self, thresholds: Thresholds) -> None:
        with self._lock:
            self._thresholds = thresholds
            self._flags.raise_after = thresholds.raise_after
            self._flags.clear_after = thresholds.clear_after
            self._flags.kinds = _kind_counts(thresholds)

    def new_stream(self) -> None:
        """The source was (re)opened: its timing starts afresh, so the freeze window does too.
        Raised flags stay raised until good samples clear them."""
        with self._lock:
            self._window.reset()
            self._shake.reset()
            self._alignment = None

    def reset(self) -> None:
        """Forget the freeze window and the flag counts (after a source change)."""
        with self._lock:
            self._flags.reset()
            self._window.reset()
            self._shake.reset()
            self._alignment = None

    def check(
        self,
        frame: Image,
        *,
        at: float,
        pts: float | None = None,
        burst: Sequence[Image] = (),
    ) -> SampleResult:
        """One sample at stream time `at` (seconds); `pts` is the source's own frame timestamp
        or counter when it gives one — a repeated value means a repeated frame. `burst` holds
        the frames that followed the sample a fraction of a second apart, when the source gives
        them: a shake is measured between them rather than between samples."""
        prepared = prepare(frame)
        burst_greys = [grey_copy(extra) for extra in burst]
        with self._lock:
            thresholds = self._thresholds
            motion = self._window.observe(prepared, at=at, pts=pts, thresholds=thresholds)
            standing = self._standing_alignment(motion)
            measurement = measure(
                prepared,
                reference=self._reference,
                black_level=thresholds.black_level,
                min_correlation=thresholds.alignment_min_correlation,
                alignment=standing,
            )
            if measurement.alignment is not standing:
                self._alignment = measurement.alignment
                self._alignment_uses = 0
            jump = self._shake.observe(prepared, burst_greys, pose=measurement.alignment)
            if jump is not None:
                motion = dataclasses.replace(
                    motion,
                    jitter_px=jump.pixels,
                    jitter_response=jump.response,
                    jitter_basis=jump.basis,
                )
            hits = judge(measurement, motion, thresholds)
            metrics = sample_metrics(measurement, motion)
            events = self._flags.update(hits, at=at, metrics=metrics)
            active = self._flags.active
        return SampleResult(
            at=at,
            measurement=measurement,
            motion=motion,
            hits=hits,
            active=active,
            events=tuple(events),
            frame=frame,
        )

    def _standing_alignment(self, motion: Motion) -> Alignment | None:
        """The last alignment, while the picture has not changed since and it is not too old;
        None (align afresh) otherwise. Called under the lock, once per sample."""
        if (
            self._alignment is not None
            and motion.stillness in _UNCHANGED
            and self._alignment_uses < ALIGNMENT_REUSE
        ):
            self._alignment_uses += 1
            return self._alignment
        return None
