"""Turns: the samplers' heavy work, a few pieces at a time, in rotation.

Each venue has its own worker threads. Left to themselves, a hundred workers decoding and
checking at once share the cores in slices: once the machine cannot keep up, every piece of work
takes longer and every sample comes late. With turns, a worker does its heavy work (checking and
reporting a sample, then decoding the next; decoding and judging a chunk of sound) only while it
holds a turn. There are as many turns as cores, so each piece runs to its end once started. A
free turn goes first to the sound, which is never skipped and costs little, then to the waiting
worker that has gone longest without using one: when there is more work than the turns can do,
the venues' pictures take their turns in rotation.

Invariants: a worker holds at most one turn and gives it back before it waits — for the next
moment of a file read at stream time, or for a stream's next packets (a live stream's decoding
is done as it arrives, outside the turns: a reader that waited for a turn would lose its
packets). A worker that is stopped while it waits leaves without a turn. Sources skip a sample
whose turn came more than half an interval after its moment, or a whole interval after it when
the venue's last sample was skipped too (`Turn.skips`): a machine that cannot keep up then
checks fewer samples, each within an interval of its moment, instead of every sample later and
later, and a venue skipped once is not left behind by the venues whose turns come first. Sound
is never skipped: a window of it costs a fraction of a sample.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_STOP_POLL = 0.25
"""How often a waiting worker looks at its stop event (seconds)."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(order=True)
class _Waiter:
    skippable: bool
    """Work that may be skipped waits behind work that may not."""
    last: float
    """When the worker last used a turn (monotonic; minus infinity: never)."""
    ticket: int
    granted: threading.Event = field(compare=False, default_factory=threading.Event)


class Turns:
    """`slots` turns (by default one per core this process may run on), shared by the workers
    of one or more samplers."""

    def __init__(self, slots: int | None = None) -> None:
        if slots is not None and slots < 1:
            raise ValueError("there must be at least one turn")
        self.slots = slots or available_cores()
        self._lock = threading.Lock()
        self._free = self.slots
        self._waiting: list[_Waiter] = []
        self._tickets = itertools.count()

    def acquire(self, last: float, stop: threading.Event, *, skippable: bool = True) -> bool:
        """Wait for a turn, for a worker that last used one at `last` (the monotonic clock),
        behind the workers whose work may not be skipped when its own may; False when `stop`
        was set first (no turn is then held)."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            waiter = _Waiter(skippable, last, next(self._tickets))
            heapq.heappush(self._waiting, waiter)
        while not waiter.granted.wait(_STOP_POLL):
            if stop.is_set():
                with self._lock:
                    if not waiter.granted.is_set():
                        self._waiting.remove(waiter)
                        heapq.heapify(self._waiting)
                        return False
                self.release()  # granted as it stopped: hand the turn on
                return False
        return True

    def release(self) -> None:
        """Give a turn back: to the waiter that has gone longest without one, if any."""
        with self._lock:
            if self._waiting:
                heapq.heappop(self._waiting).granted.set()
            else:
                self._free = min(self.slots, self._free + 1)


class Turn:
    """One worker's hold on `turns` (None: no turns, every call is free and nothing is late).
    A worker whose work may be skipped (pictures) waits behind those whose work may not
    (sound); `on_skip` is told of every sample skipped for lateness."""

    def __init__(
        self,
        turns: Turns | None = None,
        *,
        skippable: bool = True,
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        self.turns = turns
        self.held = False
        self.skippable = skippable
        self.on_skip = on_skip
        self._last = -math.inf
        """When this worker last had a turn that it used (monotonic)."""
        self._before = -math.inf
        self._skipped = False

    def take(self, stop: threading.Event) -> bool:
        """Hold a turn (at once if it is held already); False when stopped while waiting."""
        if self.turns is None or self.held:
            return True
        self.held = self.turns.acquire(self._last, stop, skippable=self.skippable)
        if self.held:
            self._before, self._last = self._last, time.monotonic()
        return self.held

    def give(self) -> None:
        if self.held and self.turns is not None:
            self.held = False
            self.turns.release()

    def skips(self, due: float, interval: float) -> bool:
        """Whether a sample due at `due` is skipped, its turn having come too late for it to be
        worth taking: more than half an interval after it — a whole interval after it when the
        worker's last sample was skipped too, so that a venue whose turn keeps coming late
        still takes every other sample. Never without turns."""
        if self.turns is None:
            return False
        allowed = interval if self._skipped else interval / 2
        late = self._skipped = time.monotonic() - due > allowed
        if late:
            # A turn spent on skipping does not count as one had: the worker keeps its place
            # in the rotation, or the venues served early in a busy round would be served
            # first again in the next, and the others skipped again.
            self._last = self._before
            if self.on_skip is not None:
                self.on_skip()
        return late
