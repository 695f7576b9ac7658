"""Per-venue memory between samples: the flags' hysteresis and the frozen-picture window.

Invariants: a flag is raised only after `raise_after` consecutive samples hit it and cleared
only after `clear_after` consecutive samples do not; each raise and each clear is reported
exactly once, as an event carrying the metric values of the sample that caused it. The freeze
window compares every sample with the last non-frozen one (as FFmpeg's freezedetect compares
with the first frame of a freeze), so a slow drift cannot pass for a frozen picture; it holds
one prepared sample (under 200 kB for 1080p), never a queue of frames.

Neither class is thread-safe: one venue's samples are checked one after another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .judge import FLAGS, Flag, Hit, Metric, Motion, Stillness, Thresholds, stillness
from .measure import Prepared, compare

EventKind = Literal["raised", "cleared"]


@dataclass(frozen=True, slots=True)
class FlagEvent:
    flag: Flag
    kind: EventKind
    at: float
    """Stream time of the sample that raised or cleared the flag (seconds)."""
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    basis: str | None = None


class FlagState:
    """Raises a flag after N consecutive hits and clears it after M consecutive misses."""

    def __init__(self, *, raise_after: int = 2, clear_after: int = 2) -> None:
        if raise_after < 1 or clear_after < 1:
            raise ValueError("raise_after and clear_after must be at least 1")
        self.raise_after = raise_after
        self.clear_after = clear_after
        self._hits: dict[Flag, int] = dict.fromkeys(FLAGS, 0)
        self._misses: dict[Flag, int] = dict.fromkeys(FLAGS, 0)
        self._active: set[Flag] = set()

    @property
    def active(self) -> frozenset[Flag]:
        return frozenset(self._active)

    def update(
        self, hits: Mapping[Flag, Hit], *, at: float, metrics: Mapping[str, Metric]
    ) -> list[FlagEvent]:
        """Count this sample's hits; `metrics` are the sample's figures, for clear events."""
        events: list[FlagEvent] = []
        for flag in FLAGS:
            hit = hits.get(flag)
            if hit is not None:
                self._hits[flag] += 1
                self._misses[flag] = 0
                if flag not in self._active and self._hits[flag] >= self.raise_after:
                    self._active.add(flag)
                    events.append(FlagEvent(flag, "raised", at, dict(hit.metrics), hit.basis))
            else:
                self._misses[flag] += 1
                self._hits[flag] = 0
                if flag in self._active and self._misses[flag] >= self.clear_after:
                    self._active.discard(flag)
                    events.append(FlagEvent(flag, "cleared", at, dict(metrics)))
        return events

    def reset(self) -> None:
        """Forget everything; nothing is reported for flags that were active."""
        self._hits = dict.fromkeys(FLAGS, 0)
        self._misses = dict.fromkeys(FLAGS, 0)
        self._active.clear()


class FreezeWindow:
    """How long a venue's picture has stood still, in the stream's own time.

    A sample that differs from the last non-frozen one only by fresh per-pixel noise ends a
    still run, with one exception: a single such sample right after a still one is taken as
    the encoder refreshing the held picture (a key frame re-encodes it with new compression
    noise). It is `refreshed`: it becomes the new comparison base and the run goes on; a second
    noisy sample in a row ends the run — a live, motionless scene is noisy at every sample.
    """

    def __init__(self) -> None:
        self._base: Prepared | None = None
        self._base_at = 0.0
        self._run_start: float | None = None
        self._last_stillness: Stillness = "first"
        self._last_pts: float | None = None

    def observe(
        self, prepared: Prepared, *, at: float, pts: float | None, thresholds: Thresholds
    ) -> Motion:
        repeated = pts is not None and self._last_pts is not None and pts == self._last_pts
        if pts is not None:
            self._last_pts = pts
        if self._base is None:
            self._rebase(prepared, at)
            self._last_stillness = "first"
            return Motion(change=None, stillness="first", still_seconds=0.0)
        change = compare(self._base, prepared, noise_level=thresholds.freeze_pixel_noise)
        kind = stillness(change, timestamp_repeated=repeated, thresholds=thresholds)
        still_seconds = 0.0
        if kind in ("identical", "still"):
            if self._run_start is None:
                self._run_start = self._base_at
            still_seconds = max(0.0, at - self._run_start)
        elif kind == "noise" and self._last_stillness in ("identical", "still"):
            run_start = self._run_start if self._run_start is not None else self._base_at
            self._rebase(prepared, at)
            self._run_start = run_start
            kind = "refreshed"
            still_seconds = max(0.0, at - run_start)
        else:
            self._rebase(prepared, at)
        self._last_stillness = kind
        return Motion(
            change=change,
            stillness=kind,
            still_seconds=still_seconds,
            timestamp_repeated=repeated,
        )

    def reset(self) -> None:
        self._base = None
        self._run_start = None
        self._last_stillness = "first"
        self._last_pts = None

    def _rebase(self, prepared: Prepared, at: float) -> None:
        self._base = prepared
        self._base_at = at
        self._run_start = None
