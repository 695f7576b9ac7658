"""Flag state (N hits raise, M good samples clear) and frozen pictures over time."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frame_checks import Thresholds, VenueChecker
from frame_checks.judge import Flag, Hit
from frame_checks.state import FlagState

from .support import noisy, reencoded, scene

INTERVAL = 2.0


def hit(flag: Flag, **metrics: float) -> Hit:
    return Hit(flag, metrics)


def test_a_flag_is_raised_after_n_hits_and_cleared_after_m_good_samples() -> None:
    state = FlagState(raise_after=3, clear_after=2)
    dark: dict[Flag, Hit] = {"dark": hit("dark", luma_mean=30.0)}
    timeline: list[dict[Flag, Hit]] = [dark, dark, {}, dark, dark, dark, dark, {}, dark, {}, {}, {}]

    events = [
        (event.kind, event.flag, event.at, dict(event.metrics))
        for step, hits in enumerate(timeline)
        for event in state.update(hits, at=float(step), metrics={"luma_mean": 90.0 + step})
    ]

    assert events == [
        ("raised", "dark", 5.0, {"luma_mean": 30.0}),
        ("cleared", "dark", 10.0, {"luma_mean": 100.0}),
    ]
    assert state.active == frozenset()


def test_flags_count_independently() -> None:
    state = FlagState(raise_after=2, clear_after=1)
    both: dict[Flag, Hit] = {"dark": hit("dark"), "tilted": hit("tilted")}

    state.update(both, at=0.0, metrics={})
    raised = state.update({"tilted": hit("tilted")}, at=2.0, metrics={})

    assert [(e.kind, e.flag) for e in raised] == [("raised", "tilted")]
    assert state.active == {"tilted"}


def test_n_of_one_raises_at_once() -> None:
    state = FlagState(raise_after=1, clear_after=1)

    assert [e.kind for e in state.update({"black": hit("black")}, at=0.0, metrics={})] == ["raised"]
    assert [e.kind for e in state.update({}, at=2.0, metrics={})] == ["cleared"]


def run(
    frames: list[np.ndarray], *, pts: list[float] | None = None, **overrides: object
) -> list[set[str]]:
    """Active flags after each sample, one sample per interval."""
    checker = VenueChecker(thresholds=Thresholds.from_mapping(overrides))
    return [
        set(checker.check(frame, at=INTERVAL * i, pts=None if pts is None else pts[i]).active)
        for i, frame in enumerate(frames)
    ]


@pytest.fixture(scope="module")
def room() -> np.ndarray:
    return scene(640, 360, seed=31)


def test_a_held_frame_is_frozen_once_it_stood_for_the_window(room: np.ndarray) -> None:
    held = reencoded(room, 85)
    frames = [reencoded(room, 85) for _ in range(7)]  # the same picture, encoded again each time

    active = run(frames)

    assert np.array_equal(frames[0], held)
    # still for 6 s at t=6 (first hit), raised at the second hit (t=8)
    assert ["frozen" in flags for flags in active] == [False] * 4 + [True] * 3


def test_a_still_scene_with_fresh_noise_is_never_frozen(room: np.ndarray) -> None:
    rng = np.random.default_rng(2)
    frames = [reencoded(noisy(room, 2.0, rng), 85) for _ in range(12)]

    assert all("frozen" not in flags for flags in run(frames))


def test_a_key_frame_refresh_does_not_thaw_a_held_picture(room: np.ndarray) -> None:
    held = reencoded(room, 90)
    refreshed = reencoded(room, 70)  # the encoder re-codes the held picture once
    frames = [held] * 5 + [refreshed] * 4

    active = run(frames)

    assert ["frozen" in flags for flags in active] == [False] * 4 + [True] * 5


def test_three_new_encodings_in_a_row_end_a_still_run(room: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    fresh = [reencoded(noisy(room, 2.0, rng), 85) for _ in range(3)]
    frames = [room] * 3 + fresh + [room] * 2

    checker = VenueChecker()
    results = [checker.check(frame, at=INTERVAL * i) for i, frame in enumerate(frames)]

    assert [r.motion.stillness for r in results] == [
        "first", "identical", "identical", "refreshed", "refreshed", "noise", "refreshed",
        "identical",
    ]  # fmt: skip
    # new encodings carry no still time of their own; the run began again at the live sample
    assert [r.motion.still_seconds for r in results[3:7]] == [0.0, 0.0, 0.0, 0.0]
    assert results[-1].motion.still_seconds == pytest.approx(4.0)


def test_a_repeated_timestamp_means_a_repeated_frame(room: np.ndarray) -> None:
    rng = np.random.default_rng(4)
    frames = [noisy(room, 2.0, rng) for _ in range(6)]

    active = run(frames, pts=[10.0, 10.0, 10.0, 10.0, 10.0, 10.0])

    assert ["frozen" in flags for flags in active] == [False] * 4 + [True] * 2


def test_motion_is_never_frozen(room: np.ndarray) -> None:
    frames = []
    for i in range(10):
        frame = room.copy()
        cv2.circle(frame, (60 + 50 * i, 180), 30, (255, 255, 255), -1)
        frames.append(frame)

    assert all("frozen" not in flags for flags in run(frames))


def test_black_is_never_frozen_but_a_dark_held_picture_is() -> None:
    black = [np.zeros((360, 640, 3), np.uint8)] * 8
    dark = [cv2.convertScaleAbs(scene(640, 360, seed=5), alpha=0.25)] * 8

    assert all(flags == {"black"} for flags in run(black)[1:])
    assert run(dark)[-1] == {"dark", "frozen"}


def test_a_frozen_flag_clears_after_m_moving_samples(room: np.ndarray) -> None:
    moving = []
    for i in range(3):
        frame = room.copy()
        cv2.rectangle(frame, (100 * i, 100), (100 * i + 80, 200), (0, 0, 255), -1)
        moving.append(frame)

    checker = VenueChecker()
    events = [
        (event.kind, event.flag, event.at)
        for i, frame in enumerate([room] * 6 + moving)
        for event in checker.check(frame, at=INTERVAL * i).events
    ]

    assert events == [("raised", "frozen", 8.0), ("cleared", "frozen", 14.0)]


def test_the_freeze_window_follows_its_threshold(room: np.ndarray) -> None:
    frames = [room] * 5

    assert all("frozen" not in flags for flags in run(frames, freeze_seconds=20))
    assert run(frames, freeze_seconds=2, raise_after=1)[1] == {"frozen"}
