"""The sampler: one worker thread per venue reads its source, checks a sample every interval
and reports samples and source status through callbacks.

Invariants: decoding and OpenCV work happen only in the workers, never on the caller's thread
(an asyncio app hands the callbacks' results to its loop with `loop.call_soon_threadsafe`). A
worker holds at most one frame at a time and never queues samples: a slow callback delays
that venue's next sample, it does not pile frames up. An unreachable source is reported `offline` and
retried with exponential backoff; `stop()` ends every worker within the sources' read timeout.
Callbacks run on the worker thread; an exception in a callback is logged, not fatal. Given
`Turns`, a worker checks and reports its samples only while it holds a turn (`turns`), so a
slow callback also keeps that turn from the other venues.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .decode import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, FrameError, decode_frame
from .sources import (
    DEFAULT_OPEN_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    FileSource,
    PushedFrame,
    PushFeed,
    SourceError,
    SourceState,
    SourceStatus,
    StreamSource,
    is_local_file,
)
from .turns import Turn, Turns
from .venue import SampleResult, VenueChecker

SampleCallback = Callable[[str, SampleResult], None]
StatusCallback = Callable[[str, SourceStatus], None]

DEFAULT_INTERVAL: Final = 2.0
BEHIND_TOLD_EVERY: Final = 60.0
"""Seconds between two log warnings that samples are being given up."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between reconnection attempts: initial, doubling, capped."""

    initial: float = 1.0
    maximum: float = 60.0

    def delays(self) -> _Delays:
        return _Delays(self)


class _Delays:
    def __init__(self, backoff: Backoff) -> None:
        self._backoff = backoff
        self._next = backoff.initial

    def next(self) -> float:
        delay = self._next
        self._next = min(self._backoff.maximum, self._next * 2.0)
        return delay

    def reset(self) -> None:
        self._next = self._backoff.initial


class _Worker(threading.Thread, ABC):
    def __init__(
        self, sampler: Sampler, venue: str, checker: VenueChecker, interval: float
    ) -> None:
        super().__init__(name=f"frame-checks:{venue}", daemon=True)
        self.sampler = sampler
        self.venue = venue
        self.checker = checker
        self.interval = interval
        self.stopping = threading.Event()
        self.turn = Turn(sampler.turns, on_skip=sampler.gave_up)
        self._last_status: SourceStatus | None = None

    def report(self, state: SourceState, detail: str = "") -> None:
        status = SourceStatus(state, detail)
        if status == self._last_status:
            return
        self._last_status = status
        try:
            self.sampler.on_status(self.venue, status)
        except Exception:
            log.exception("on_status callback failed for venue %s", self.venue)

    def deliver(self, result: SampleResult) -> None:
        try:
            self.sampler.on_sample(self.venue, result)
        except Exception:
            log.exception("on_sample callback failed for venue %s", self.venue)

    def run(self) -> None:
        try:
            self.work()
        except Exception:
            log.exception("frame-check worker for venue %s failed", self.venue)
            self.report("offline", "internal error")
        finally:
            self.report("stopped")

    @abstractmethod
    def work(self) -> None:
        """Sample the venue until stopped."""


class _CaptureWorker(_Worker):
    def __init__(
        self,
        sampler: Sampler,
        venue: str,
        checker: VenueChecker,
        interval: float,
        target: str,
        realtime: bool | None,
        loop: bool = False,
    ) -> None:
        super().__init__(sampler, venue, checker, interval)
        self.target = target
        self.realtime = realtime
        self.loop = loop

    def work(self) -> None:
        delays = self.sampler.backoff.delays()
        while not self.stopping.is_set():
            self.report("connecting")
            local = is_local_file(self.target)
            source: FileSource | StreamSource
            if local:
                # A file is read at stream time by its own timestamps, not as a live stream.
                source = FileSource(self.target, loop=self.loop)
            else:
                source = StreamSource(
                    self.target,
                    open_timeout=self.sampler.open_timeout,
                    read_timeout=self.sampler.read_timeout,
                )
            try:
                source.open()
                self.checker.new_stream()
                realtime = local if self.realtime is None else self.realtime
                for frame in source.frames(
                    interval=self.interval,
                    realtime=realtime,
                    stop=self.stopping,
                    burst=self.sampler.burst,
                    turn=self.turn,
                ):
                    self.report("online")
                    delays.reset()
                    result = self.checker.check(
                        frame.image, at=frame.at, pts=frame.pts, burst=frame.burst
                    )
                    self.deliver(result)
                if not self.stopping.is_set():
                    self.report("offline", "end of stream")
                    if local:
                        # A file that ended stays ended: opening it again would only replay it
                        # and flap between online and offline.
                        self.stopping.wait()
                        return
            except SourceError as error:
                self.report("offline", str(error))
            finally:
                source.close()
            self.stopping.wait(delays.next())


class _PushWorker(_Worker):
    def __init__(
        self,
        sampler: Sampler,
        venue: str,
        checker: VenueChecker,
        interval: float,
        feed: PushFeed,
        stale_after: float,
    ) -> None:
        super().__init__(sampler, venue, checker, interval)
        self.feed = feed
        self.stale_after = stale_after

    def work(self) -> None:
        started = time.monotonic()
        self.report("connecting")
        waited = 0.0
        while not self.stopping.is_set():
            pushed = self.feed.take(timeout=min(self.interval, self.stale_after))
            if self.stopping.is_set():
                return
            if pushed is None:
                waited += min(self.interval, self.stale_after)
                if waited >= self.stale_after:
                    self.report("offline", f"no frame pushed for {waited:.0f} s")
                continue
            waited = 0.0
            if not self.turn.take(self.stopping):
                return
            try:
                checked = self._check(pushed, at=pushed.received - started)
            finally:
                self.turn.give()
            if not checked:
                continue
            # One sample per interval: frames pushed meanwhile replace each other in the feed.
            if self.stopping.wait(max(0.0, self.interval - (time.monotonic() - pushed.received))):
                return

    def _check(self, pushed: PushedFrame, *, at: float) -> bool:
        """Check a pushed frame; False when it is not a picture."""
        try:
            image = decode_frame(pushed.data, max_pixels=self.sampler.max_pixels)
        except FrameError as error:
            self.report("bad_frame", f"{error.reason}: {error.message}")
            return False
        self.report("online")
        self.deliver(self.checker.check(image, at=at, pts=pushed.pts))
        return True

    def stop(self) -> None:
        self.feed.close()


class Sampler:
    """Samples many venues, each on its own worker thread.

    `watch(venue, source)` follows a file or a stream URL; `watch_pushed(venue)` follows frames
    given to `push(venue, data)`. Each venue gets a `VenueChecker` (pass one to keep its
    thresholds and reference, or set them later through `checker(venue)`).
    """

    def __init__(
        self,
        *,
        on_sample: SampleCallback,
        on_status: StatusCallback,
        open_timeout: float = DEFAULT_OPEN_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        backoff: Backoff | None = None,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        burst: int = 0,
        turns: Turns | None = None,
    ) -> None:
        """`burst`: frames taken after each sample of a file or stream, `BURST_GAP` apart, for
        the shake measurement (0: shakes are measured between samples only; `BURST_FRAMES` is
        what the checks are measured with, at about three times the decoding). `turns`: the
        turns the workers take for their heavy work (shared with an `AudioSampler`; None: each
        worker works when it likes)."""
        self.on_sample = on_sample
        self.on_status = on_status
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff = backoff or Backoff()
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.burst = burst
        self.turns = turns
        self._lock = threading.Lock()
        self._workers: dict[str, _Worker] = {}
        self._feeds: dict[str, PushFeed] = {}
        self._stopped = False
        self.given_up = 0
        """Samples skipped so far because their turn came too late (`turns`)."""
        self._told = (-math.inf, 0)  # when the log was last told, and the count then

    def watch(
        self,
        venue: str,
        source: str | os.PathLike[str],
        *,
        interval: float = DEFAULT_INTERVAL,
        checker: VenueChecker | None = None,
        realtime: bool | None = None,
        loop: bool = False,
    ) -> VenueChecker:
        """Follow a file (a path or a `file://` URL) or a stream URL; returns the venue's
        checker. A file is read at its own pace, one sample per interval of its timeline
        (unless `realtime` is False), and at its end starts over when `loop`, else is reported
        offline once and left alone; a stream that ends is opened again after the backoff."""
        checker = checker or VenueChecker()
        worker = _CaptureWorker(
            self, venue, checker, _positive(interval), os.fspath(source), realtime, loop
        )
        self._start(venue, worker)
        return checker

    def watch_pushed(
        self,
        venue: str,
        *,
        interval: float = DEFAULT_INTERVAL,
        checker: VenueChecker | None = None,
        stale_after: float | None = None,
    ) -> PushFeed:
        """Follow frames pushed for this venue; offline after `stale_after` seconds without
        one (default: three intervals, at least 10 s)."""
        checker = checker or VenueChecker()
        feed = PushFeed(max_bytes=self.max_bytes)
        stale = stale_after if stale_after is not None else max(10.0, 3 * interval)
        worker = _PushWorker(self, venue, checker, _positive(interval), feed, _positive(stale))
        self._start(venue, worker, feed)
        return feed

    def push(self, venue: str, data: bytes, *, pts: float | None = None) -> None:
        """Hand a pushed frame (PNG or JPEG bytes) to its venue's worker; raises `FrameError`
        for bytes that are not an acceptable image header and `KeyError` for an unknown venue."""
        with self._lock:
            feed = self._feeds[venue]
        feed.push(data, pts=pts)

    def checker(self, venue: str) -> VenueChecker:
        with self._lock:
            return self._workers[venue].checker

    def gave_up(self) -> None:
        """A worker skipped a sample whose turn came too late: counted, and told in the log at
        most once every `BEHIND_TOLD_EVERY` seconds."""
        now = time.monotonic()
        with self._lock:
            self.given_up += 1
            told_at, told_count = self._told
            if now - told_at < BEHIND_TOLD_EVERY:
                return
            self._told = (now, self.given_up)
            venues = len(self._workers)
        log.warning(
            "frame checks behind: %d samples given up since the last report; this machine "
            "cannot keep up with its %d venues (add a sampler, or sample less often)",
            self.given_up - told_count,
            venues,
        )

    @property
    def venues(self) -> list[str]:
        with self._lock:
            return sorted(self._workers)

    def unwatch(self, venue: str, *, timeout: float | None = None) -> None:
        with self._lock:
            worker = self._workers.pop(venue, None)
            self._feeds.pop(venue, None)
        if worker is not None:
            self._halt([worker], timeout)

    def stop(self, *, timeout: float | None = None) -> None:
        """Stop every worker and wait for them (by default up to the read timeout and a bit)."""
        with self._lock:
            self._stopped = True
            workers = list(self._workers.values())
            self._workers.clear()
            self._feeds.clear()
        self._halt(workers, timeout)

    def __enter__(self) -> Sampler:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _start(self, venue: str, worker: _Worker, feed: PushFeed | None = None) -> None:
        with self._lock:
            if self._stopped:
                raise RuntimeError("the sampler has been stopped")
            if venue in self._workers:
                raise ValueError(f"venue {venue!r} is already watched")
            self._workers[venue] = worker
            if feed is not None:
                self._feeds[venue] = feed
        worker.start()

    def _halt(self, workers: list[_Worker], timeout: float | None) -> None:
        for worker in workers:
            worker.stopping.set()
            if isinstance(worker, _PushWorker):
                worker.stop()
        limit = timeout if timeout is not None else self.read_timeout + self.open_timeout + 1.0
        deadline = time.monotonic() + limit
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError("an interval must be positive")
    return float(value)
