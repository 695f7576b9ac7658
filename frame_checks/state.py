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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from .align import Alignment, Grey, corner_travel, translation_supported, view_travel
from .judge import FLAGS, Flag, Hit, Metric, Motion, Thresholds, stillness
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

    def __init__(
        self,
        *,
        raise_after: int = 2,
        clear_after: int = 2,
        kinds: Mapping[Flag, tuple[int, int]] | None = None,
    ) -> None:
        if raise_after < 1 or clear_after < 1:
            raise ValueError("raise_after and clear_after must be at least 1")
        self.raise_after = raise_after
        self.clear_after = clear_after
        self.kinds: dict[Flag, tuple[int, int]] = dict(kinds or {})
        """(raise_after, clear_after) of the kinds that have their own."""
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
            raise_after, clear_after = self.kinds.get(flag, (self.raise_after, self.clear_after))
            if hit is not None:
                self._hits[flag] += 1
                self._misses[flag] = 0
                if flag not in self._active and self._hits[flag] >= raise_after:
                    self._active.add(flag)
                    events.append(FlagEvent(flag, "raised", at, dict(hit.metrics), hit.basis))
            else:
                self._misses[flag] += 1
                self._hits[flag] = 0
                if flag in self._active and self._misses[flag] >= clear_after:
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

    A still run keeps the encodings of the standing picture seen since it began (at most
    `MEMORY`). A sample whose structure (cell means) has not changed either repeats one of them
    within compression noise — `still`, the run goes on — or is a new encoding. A held picture
    re-coded at each key frame comes back to encodings already seen, or at least is not new at
    every sample, while a live, motionless room shows fresh noise in every sample: so a run
    survives up to `freeze_refreshes` new encodings in a row (`refreshed`), and one more ends it
    (`noise`). Only a `still` or `identical` sample is evidence of a frozen picture; a refreshed
    one reports no still time of its own.
    """

    MEMORY = 6

    def __init__(self) -> None:
        self._encodings: list[Prepared] = []
        self._base_at = 0.0
        self._run_start: float | None = None
        self._fresh_in_row = 0
        self._last_pts: float | None = None

    def observe(
        self, prepared: Prepared, *, at: float, pts: float | None, thresholds: Thresholds
    ) -> Motion:
        repeated = pts is not None and self._last_pts is not None and pts == self._last_pts
        if pts is not None:
            self._last_pts = pts
        if not self._encodings:
            self._rebase(prepared, at)
            return Motion(change=None, stillness="first", still_seconds=0.0)
        base = self._encodings[0]
        change = compare(base, prepared, noise_level=thresholds.freeze_pixel_noise)
        kind = stillness(change, timestamp_repeated=repeated, thresholds=thresholds)
        if kind == "noise":
            # The structure stands: does the sample repeat an encoding seen during the run?
            for seen in self._encodings[1:]:
                again = compare(seen, prepared, noise_level=thresholds.freeze_pixel_noise)
                if again.identical or again.fine_mad <= thresholds.freeze_noise * 255.0:
                    kind = "identical" if again.identical else "still"
                    change = again
                    break
        still_seconds = 0.0
        if kind in ("identical", "still"):
            if self._run_start is None:
                self._run_start = self._base_at
            self._fresh_in_row = 0
            still_seconds = max(0.0, at - self._run_start)
        elif kind == "noise" and self._fresh_in_row < thresholds.freeze_refreshes:
            # A new encoding of the standing picture (a key frame), or the first sign of a live
            # room: remember it and let the run go on; only repeats will count as still.
            self._fresh_in_row += 1
            if self._run_start is None:
                self._run_start = self._base_at
            self._encodings.append(prepared)
            if len(self._encodings) > self.MEMORY:
                del self._encodings[1]
            kind = "refreshed"
        else:
            self._rebase(prepared, at)
        return Motion(
            change=change,
            stillness=kind,
            still_seconds=still_seconds,
            timestamp_repeated=repeated,
        )

    def reset(self) -> None:
        self._encodings = []
        self._run_start = None
        self._fresh_in_row = 0
        self._last_pts = None

    def _rebase(self, prepared: Prepared, at: float) -> None:
        self._encodings = [prepared]
        self._base_at = at
        self._run_start = None
        self._fresh_in_row = 0


@dataclass(frozen=True, slots=True)
class Jump:
    """The picture's movement since the previous sample (or within a burst)."""

    pixels: float
    """Source pixels."""
    response: float | None
    """Strength of the phase-correlation peak it rests on (0–1); None when it comes from the
    alignments against the reference."""
    basis: Literal["pose", "consecutive", "burst"]


JITTER_WIDTH = 160
"""Width of the copy consecutive samples are phase-correlated on."""


class ShakeWindow:
    """How far the picture jumped between consecutive samples (a shaking camera moves the whole
    picture at every sample; people moving leave most of it in place). Holds the previous
    sample's grey copy and alignment.

    With a reference, each sample's alignment is the camera's pose: the jump is how far the
    picture's farthest corner travelled from one pose to the next, by a shift and a turn
    (`basis` "pose"). Without one, or when either pose is unsure, the shift is found by phase
    correlation and kept only when the picture's tiles, not one cluster of them, support it
    (as for the alignment against the reference; "consecutive"). A shift the tiles do not
    support may come with a turn: the corners matched between the two samples then say how far
    the view moved, when they agree across the picture (`view_travel`).

    A sample may come with a burst: the frames that followed it a fraction of a second apart.
    A mount that shakes moves the picture between any two of them, while in so short a time
    people move little; the burst's largest supported shift is then the sample's ("burst"; a
    single move of the camera is one burst's, and the N-hits rule wants shakes at several
    samples)."""

    def __init__(self) -> None:
        self._previous: Grey | None = None
        self._pose: Alignment | None = None
        self._window: NDArray[np.float32] | None = None

    def observe(
        self, prepared: Prepared, burst: Sequence[Grey] = (), pose: Alignment | None = None
    ) -> Jump | None:
        grey = prepared.grey
        previous, self._previous = self._previous, grey
        before, self._pose = self._pose, pose
        if burst:
            shifts = [
                self._shift(before_, after, prepared.width)
                for before_, after in pairwise([grey, *burst])
            ]
            found = [shift for shift in shifts if shift[0] is not None]
            if not found:
                return None
            pixels, response = max(found, key=lambda shift: shift[0] or 0.0)
            return Jump(pixels or 0.0, response, "burst")
        if before is not None and pose is not None:
            travel = corner_travel(before, pose, prepared.width, prepared.height)
            if travel is not None:
                return Jump(travel, None, "pose")
        if previous is None:
            return None
        pixels, response = self._shift(previous, grey, prepared.width)
        if pixels is None:
            return None
        return Jump(pixels, response, "consecutive")

    def _shift(
        self, previous: Grey, grey: Grey, source_width: int
    ) -> tuple[float | None, float | None]:
        if previous.shape != grey.shape:
            return None, None
        width = min(JITTER_WIDTH, int(grey.shape[1]))
        height = max(8, round(grey.shape[0] * width / grey.shape[1]))
        size = (width, height)
        before = np.asarray(cv2.resize(previous, size, interpolation=cv2.INTER_AREA), np.float32)
        after = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.float32)
        if float(after.std()) < 2.0 or float(before.std()) < 2.0:
            return None, None
        if self._window is None or self._window.shape != after.shape:
            self._window = np.asarray(cv2.createHanningWindow(size, cv2.CV_32F))
        (dx, dy), response = cv2.phaseCorrelate(before, after, self._window)
        factor = grey.shape[1] / width
        shifted = math.hypot(dx, dy) * factor >= 1.0
        if shifted and not translation_supported(previous, grey, dx * factor, dy * factor):
            # not a shift of the whole picture: a turn with it, or people moving
            travel = view_travel(previous, grey)
            return (travel or 0.0) * source_width / grey.shape[1], float(response)
        return math.hypot(dx, dy) * source_width / width, float(response)

    def reset(self) -> None:
        self._previous = None
        self._pose = None
