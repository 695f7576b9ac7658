"""The audio side of the sampler: one worker thread per venue decodes its sound (PyAV) and
judges every window.

Invariants: decoding and analysis happen only on the workers; a worker holds one decoded chunk
and the checker's bounded memory, never a queue. An unreachable source or one without an audio
track is reported `offline` and retried with exponential backoff; `stop()` ends every worker
within the read timeout. Callbacks run on the worker thread; an exception in one is logged.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from .audio_checker import AudioChecker, AudioResult
from .audio_source import AudioSource
from .sampler import Backoff
from .sources import DEFAULT_OPEN_TIMEOUT, DEFAULT_READ_TIMEOUT, SourceError, SourceState
from .turns import Turn, Turns

AudioCallback = Callable[[str, AudioResult], None]
AudioStatusCallback = Callable[[str, SourceState, str], None]

log = logging.getLogger(__name__)


class _AudioWorker(threading.Thread):
    def __init__(
        self, sampler: AudioSampler, venue: str, target: str, checker: AudioChecker
    ) -> None:
        super().__init__(name=f"audio-checks:{venue}", daemon=True)
        self.sampler = sampler
        self.venue = venue
        self.target = target
        self.checker = checker
        self.stopping = threading.Event()
        self.turn = Turn(sampler.turns, skippable=False)
        self._last: tuple[SourceState, str] | None = None

    def report(self, state: SourceState, detail: str = "") -> None:
        if (state, detail) == self._last:
            return
        self._last = (state, detail)
        try:
            self.sampler.on_status(self.venue, state, detail)
        except Exception:
            log.exception("audio on_status callback failed for venue %s", self.venue)

    def run(self) -> None:
        delays = self.sampler.backoff.delays()
        try:
            while not self.stopping.is_set():
                self.report("connecting")
                source = AudioSource(
                    self.target,
                    open_timeout=self.sampler.open_timeout,
                    read_timeout=self.sampler.read_timeout,
                )
                try:
                    source.open()
                    self.checker.new_stream()
                    for chunk in source.chunks(
                        realtime=source.is_file, stop=self.stopping, turn=self.turn
                    ):
                        for result in self.checker.feed(chunk.samples, at=chunk.at):
                            self.report("online")
                            delays.reset()
                            self._deliver(result)
                    if not self.stopping.is_set():
                        self.report("offline", "end of stream")
                except SourceError as error:
                    self.report("offline", str(error))
                finally:
                    source.close()
                self.stopping.wait(delays.next())
        except Exception:
            log.exception("audio worker for venue %s failed", self.venue)
            self.report("offline", "internal error")
        finally:
            self.report("stopped")

    def _deliver(self, result: AudioResult) -> None:
        try:
            self.sampler.on_audio(self.venue, result)
        except Exception:
            log.exception("on_audio callback failed for venue %s", self.venue)


class AudioSampler:
    """Listens to many venues, each on its own worker thread."""

    def __init__(
        self,
        *,
        on_audio: AudioCallback,
        on_status: AudioStatusCallback,
        open_timeout: float = DEFAULT_OPEN_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        backoff: Backoff | None = None,
        turns: Turns | None = None,
    ) -> None:
        """`turns`: the turns the workers take for their heavy work (shared with the video's
        `Sampler`; None: each worker works when it likes)."""
        self.on_audio = on_audio
        self.on_status = on_status
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff = backoff or Backoff()
        self.turns = turns
        self._lock = threading.Lock()
        self._workers: dict[str, _AudioWorker] = {}

    def listen(
        self, venue: str, source: str | os.PathLike[str], *, checker: AudioChecker | None = None
    ) -> AudioChecker:
        checker = checker or AudioChecker()
        worker = _AudioWorker(self, venue, os.fspath(source), checker)
        with self._lock:
            if venue in self._workers:
                raise ValueError(f"venue {venue!r} is already listened to")
            self._workers[venue] = worker
        worker.start()
        return checker

    def checker(self, venue: str) -> AudioChecker | None:
        with self._lock:
            worker = self._workers.get(venue)
        return worker.checker if worker else None

    @property
    def venues(self) -> list[str]:
        with self._lock:
            return sorted(self._workers)

    def unlisten(self, venue: str) -> None:
        with self._lock:
            worker = self._workers.pop(venue, None)
        if worker is not None:
            self._halt([worker])

    def stop(self) -> None:
        with self._lock:
            workers = list(self._workers.values())
            self._workers.clear()
        self._halt(workers)

    def _halt(self, workers: list[_AudioWorker]) -> None:
        for worker in workers:
            worker.stopping.set()
        deadline = time.monotonic() + self.read_timeout + self.open_timeout + 1.0
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
