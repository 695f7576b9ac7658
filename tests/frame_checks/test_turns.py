"""Turns: the samplers' heavy work a few pieces at a time, in rotation; a sample whose turn came
late is skipped, so a machine that cannot keep up checks fewer samples, on time, and every venue
its share."""

from __future__ import annotations

import logging
import threading
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from frame_checks import Sampler, SampleResult, VenueChecker
from frame_checks.audio_checker import AudioChecker, AudioResult, wav_bytes
from frame_checks.audio_sampler import AudioSampler
from frame_checks.measure import Image
from frame_checks.sources import FileSource
from frame_checks.turns import Turn, Turns
from tests.frame_checks import audio_support as sound

from .test_streams import black_after_six  # noqa: F401  (the fixture)


def waiting_for_a_turn(thread: threading.Thread, turns: Turns, count: int) -> None:
    deadline = time.monotonic() + 5.0
    while len(turns._waiting) < count:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.01)


def test_a_free_turn_goes_to_the_worker_that_has_gone_longest_without_one() -> None:
    turns = Turns(1)
    never = threading.Event()
    assert turns.acquire(0.0, never)
    order: list[float] = []

    def work(last: float) -> None:
        assert turns.acquire(last, never)
        order.append(last)
        turns.release()

    threads = [threading.Thread(target=work, args=(last,)) for last in (30.0, 10.0, 20.0)]
    for count, thread in enumerate(threads, start=1):
        thread.start()
        waiting_for_a_turn(thread, turns, count)
    turns.release()
    for thread in threads:
        thread.join(5.0)
    assert order == [10.0, 20.0, 30.0]
    assert turns.acquire(40.0, never)  # every turn came back


def test_the_sound_goes_before_the_pictures_that_may_be_skipped() -> None:
    """Sound is never skipped: behind the pictures it would fall ever further behind."""
    turns = Turns(1)
    never = threading.Event()
    assert turns.acquire(0.0, never)
    order: list[str] = []

    def work(name: str, last: float, skippable: bool) -> None:
        assert turns.acquire(last, never, skippable=skippable)
        order.append(name)
        turns.release()

    threads = [
        threading.Thread(target=work, args=args)
        for args in (("picture", 1.0, True), ("sound", 50.0, False))
    ]
    for count, thread in enumerate(threads, start=1):
        thread.start()
        waiting_for_a_turn(thread, turns, count)
    turns.release()
    for thread in threads:
        thread.join(5.0)
    assert order == ["sound", "picture"]


def test_there_are_never_more_holders_than_turns() -> None:
    turns = Turns(2)
    holding = 0
    most = 0
    lock = threading.Lock()
    never = threading.Event()

    def work(last: float) -> None:
        nonlocal holding, most
        for _ in range(20):
            assert turns.acquire(last, never)
            with lock:
                holding += 1
                most = max(most, holding)
            time.sleep(0.001)
            with lock:
                holding -= 1
            turns.release()

    threads = [threading.Thread(target=work, args=(float(n),)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10.0)
    assert most == 2


def test_a_worker_stopped_while_it_waits_leaves_without_a_turn() -> None:
    turns = Turns(1)
    assert turns.acquire(0.0, threading.Event())
    stop = threading.Event()
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(turns.acquire(1.0, stop)))
    waiter.start()
    waiting_for_a_turn(waiter, turns, 1)
    stop.set()
    waiter.join(5.0)
    assert got == [False]
    turns.release()
    assert turns.acquire(2.0, threading.Event())  # the stopped worker took nothing with it


def test_without_turns_a_turn_is_always_free_and_never_late() -> None:
    turn = Turn()
    assert turn.take(threading.Event())
    assert not turn.skips(time.monotonic() - 100.0, interval=2.0)
    with pytest.raises(ValueError, match="at least one turn"):
        Turns(0)


def test_a_file_sample_whose_turn_came_late_is_skipped_for_the_newest(
    black_after_six: Path,  # noqa: F811
) -> None:
    """While another worker keeps the only turn for 1.2 s, the reader's samples fall due; when
    the turn comes back, the ones more than half an interval old are skipped, undecoded, and
    the next sample is a fresh one."""
    interval = 0.25
    turns = Turns(1)
    taken: list[tuple[float, float]] = []
    with FileSource(black_after_six) as source:
        started = time.monotonic()
        for frame in source.frames(interval=interval, realtime=True, turn=Turn(turns)):
            taken.append((frame.at, time.monotonic() - started))
            if len(taken) == 2:
                # the reader gives its turn back before it waits for the next moment
                blocker = threading.Thread(target=turns.acquire, args=(0.0, threading.Event()))
                blocker.start()
                threading.Timer(1.2, turns.release).start()
            if len(taken) == 5:
                break
        blocker.join()
    moments = [at for at, _ in taken]
    assert moments[:2] == pytest.approx([0.0, 0.25], abs=0.13)
    after = taken[2:]
    assert after[0][0] >= 1.25 - 1e-6  # 0.5 … 1.25 were given up
    assert all(when - at < interval for at, when in after)
    assert [b - a for a, b in pairwise(moments[2:])] == pytest.approx(
        [interval, interval], abs=0.13
    )


class _Busy:
    """Counts the pieces of work in progress across the video and sound of every venue."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *_exc: object) -> None:
        with self.lock:
            self.now -= 1


class _SlowChecker(VenueChecker):
    def __init__(self, busy: _Busy) -> None:
        super().__init__()
        self.busy = busy

    def check(self, frame: Image, **kwargs: object) -> SampleResult:  # type: ignore[override]
        with self.busy:
            time.sleep(0.1)  # a machine too slow for its venues
            return super().check(frame, **kwargs)  # type: ignore[arg-type]


class _SlowListener(AudioChecker):
    def __init__(self, busy: _Busy) -> None:
        super().__init__(state="speaking")
        self.busy = busy

    def feed(self, samples: np.ndarray, *, at: float) -> list[AudioResult]:
        with self.busy:
            time.sleep(0.01)
            return super().feed(samples, at=at)


def test_one_turn_for_the_sight_and_sound_of_many_venues(
    black_after_six: Path,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Four venues started together, seen every 0.25 s at 0.1 s a check — more than one turn
    can do — and heard: never two pieces of work at once, every venue seen and heard, and each
    sample seen on time (its turn within an interval), the shortfall spread over the venues."""
    interval = 0.25
    voice = tmp_path / "voice.wav"
    voice.write_bytes(wav_bytes(sound.speech(6.0), rate=16000))
    busy = _Busy()
    turns = Turns(1)
    seen: dict[str, list[tuple[float, float]]] = {}
    heard: dict[str, int] = {}
    lock = threading.Lock()
    began: dict[str, float] = {}

    def sampled(venue: str, result: SampleResult) -> None:
        with lock:
            seen.setdefault(venue, []).append((result.at, time.monotonic() - began[venue]))

    def listened(venue: str, _result: AudioResult) -> None:
        with lock:
            heard[venue] = heard.get(venue, 0) + 1

    sampler = Sampler(on_sample=sampled, on_status=lambda *_: None, turns=turns)
    listener = AudioSampler(on_audio=listened, on_status=lambda *_: None, turns=turns)
    venues = [f"V{n}" for n in range(4)]
    caplog.set_level(logging.WARNING, logger="frame_checks.sampler")
    try:
        for venue in venues:
            began[venue] = time.monotonic()
            sampler.watch(venue, black_after_six, interval=interval, checker=_SlowChecker(busy))
            listener.listen(venue, voice, checker=_SlowListener(busy))
        time.sleep(3.0)
    finally:
        sampler.stop()
        listener.stop()
    assert busy.most == 1
    assert sorted(seen) == venues and sorted(heard) == venues
    counts = [len(samples) for samples in seen.values()]
    assert sum(counts) < len(venues) * 3.0 / interval  # samples were given up
    assert sampler.given_up > 0
    behind = [m for m in (r.getMessage() for r in caplog.records) if "frame checks behind" in m]
    assert len(behind) == 1  # told once, not at every sample
    assert "this machine cannot keep up with its 4 venues" in behind[0]
    assert min(counts) >= 3
    # how much later than its venue's first sample each one came (the file's opening aside):
    # at most an interval waiting for the turn (half, unless the last sample was skipped), and
    # the check itself
    later = [
        (when - samples[0][1]) - (at - samples[0][0])
        for samples in seen.values()
        for at, when in samples
    ]
    assert max(later) < interval + 0.1 + 0.1
