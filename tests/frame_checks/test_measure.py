"""Measurements: exposure, sharpness, change between samples, alignment with the reference."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from frame_checks.align import align, view_travel
from frame_checks.measure import (
    MeasureError,
    Reference,
    compare,
    line_angle,
    measure_exposure,
    measure_sharpness,
    prepare,
)

from .support import REAL_PICTURES, noisy, real_world, scene, view

HD = (1920, 1080)


def test_exposure_of_flat_and_black_frames() -> None:
    grey = prepare(np.full((360, 640, 3), 100, np.uint8))
    black = prepare(np.zeros((360, 640, 3), np.uint8))

    flat = measure_exposure(grey.grey, black_level=25)
    dark = measure_exposure(black.grey, black_level=25)

    assert (round(flat.luma_mean), round(flat.luma_std), flat.black_share) == (100, 0, 0.0)
    assert dark.black_share == 1.0


def test_the_grey_copy_is_small_whatever_the_source_size() -> None:
    for width, height in ((1920, 1080), (1280, 720), (768, 576), (3840, 2160)):
        prepared = prepare(np.zeros((height, width, 3), np.uint8))

        assert prepared.grey.shape[1] == 320
        assert abs(prepared.grey.shape[0] - 320 * height / width) <= 1
        assert prepared.source_per_work_pixel == width / 320


def test_sharpness_is_comparable_across_resolutions_and_falls_with_blur() -> None:
    picture = scene(1920, 1080, seed=4)
    smaller = np.asarray(cv2.resize(picture, (960, 540), interpolation=cv2.INTER_AREA), np.uint8)
    blurred = np.asarray(cv2.GaussianBlur(picture, (0, 0), 6), np.uint8)

    full = measure_sharpness(prepare(picture).grey)
    half = measure_sharpness(prepare(smaller).grey)
    soft = measure_sharpness(prepare(blurred).grey)

    assert 0.8 < half.detail / full.detail < 1.25
    assert soft.detail < 0.4 * full.detail


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((100, 100), np.float32),
        np.zeros((8, 100, 3), np.uint8),
        np.zeros((100, 100, 2), np.uint8),
        np.zeros((10, 10, 10, 3), np.uint8),
    ],
    ids=["float", "too small", "two channels", "four dimensions"],
)
def test_arrays_that_are_not_pictures_are_refused(frame: np.ndarray) -> None:
    with pytest.raises(MeasureError):
        prepare(frame)


def test_grey_and_bgra_frames_are_measured_like_bgr() -> None:
    picture = scene(640, 360)
    grey = np.asarray(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY), np.uint8)
    bgra = np.asarray(cv2.cvtColor(picture, cv2.COLOR_BGR2BGRA), np.uint8)

    assert np.abs(prepare(grey).grey.astype(int) - prepare(picture).grey).max() <= 1
    assert np.array_equal(prepare(bgra).grey, prepare(picture).grey)


def test_change_tells_identical_from_fresh_noise_from_motion() -> None:
    rng = np.random.default_rng(1)
    still = scene(1280, 720)
    base = prepare(still)
    moved = still.copy()
    cv2.rectangle(moved, (400, 200), (700, 500), (255, 255, 255), -1)

    same = compare(base, prepare(still.copy()), noise_level=6)
    fresh = compare(base, prepare(noisy(still, 2.0, rng)), noise_level=6)
    motion = compare(base, prepare(moved), noise_level=6)
    resized = compare(
        base, prepare(np.asarray(cv2.resize(still, (640, 360)), np.uint8)), noise_level=6
    )

    assert same.identical and same.fine_mad == 0.0
    assert not fresh.identical and fresh.fine_mad > 1.0 and fresh.changed_share < 0.001
    assert motion.changed_share > 0.05
    assert resized.changed_share == 1.0


WARPS = [
    (0.0, (0.0, 0.0), 1.0),
    (2.0, (0.0, 0.0), 1.0),
    (-5.0, (0.0, 0.0), 1.0),
    (15.0, (0.0, 0.0), 1.0),
    (-15.0, (0.0, 0.0), 1.0),
    (0.0, (70.0, 0.0), 1.0),
    (0.0, (-150.0, 90.0), 1.0),
    (0.0, (250.0, -200.0), 1.0),
    (0.0, (0.0, 0.0), 1.15),
    (0.0, (0.0, 0.0), 0.9),
    (3.0, (40.0, -30.0), 1.05),
]


@pytest.fixture(scope="module")
def world() -> np.ndarray:
    return scene(2880, 1620, seed=7)


@pytest.fixture(scope="module")
def reference(world: np.ndarray) -> Reference:
    return Reference.from_frame(view(world, size=HD))


@pytest.mark.parametrize(("rotation", "shift", "zoom"), WARPS)
def test_rotation_shift_and_scale_are_recovered_at_1080p(
    world: np.ndarray,
    reference: Reference,
    rotation: float,
    shift: tuple[float, float],
    zoom: float,
) -> None:
    found = align(
        reference.anchor,
        prepare(view(world, size=HD, rotation=rotation, shift=shift, zoom=zoom)),
        spread=50,
    )

    assert found.status == "ok"
    assert abs(found.rotation_deg - rotation) <= 0.5  # type: ignore[operator]
    assert abs(found.shift_x_px - shift[0]) <= 3.0  # type: ignore[operator]
    assert abs(found.shift_y_px - shift[1]) <= 3.0  # type: ignore[operator]
    assert abs(found.scale - zoom) <= 0.01  # type: ignore[operator]


@pytest.mark.parametrize("name", REAL_PICTURES)
def test_alignment_of_real_pictures_with_fresh_noise(name: str) -> None:
    rng = np.random.default_rng(2)
    world = real_world(name, HD)
    reference = Reference.from_frame(noisy(view(world, size=HD), 2.0, rng))

    found = align(
        reference.anchor,
        prepare(noisy(view(world, size=HD, rotation=-4.0, shift=(90.0, 30.0)), 2.0, rng)),
        spread=50,
    )

    assert abs(found.rotation_deg + 4.0) <= 0.5  # type: ignore[operator]
    assert abs(found.shift_x_px - 90.0) <= 3.0  # type: ignore[operator]
    assert abs(found.shift_y_px - 30.0) <= 3.0  # type: ignore[operator]


def test_an_unrelated_picture_fails_to_align_instead_of_giving_numbers() -> None:
    rng = np.random.default_rng(3)
    reference = Reference.from_frame(scene(1280, 720, seed=1))

    for current in (scene(1280, 720, seed=2), rng.integers(0, 256, (720, 1280, 3), np.uint8)):
        found = align(reference.anchor, prepare(current), spread=50)

        assert found.status == "failed"
        assert found.rotation_deg is None and found.reason


def test_a_flat_picture_is_not_aligned() -> None:
    reference = Reference.from_frame(scene(640, 360))

    assert align(
        reference.anchor, prepare(np.zeros((360, 640, 3), np.uint8)), spread=0.0
    ).status == ("skipped")


def test_aligning_never_changes_the_reference() -> None:
    world = scene(1920, 1080, seed=5)
    reference = Reference.from_frame(view(world, size=(1280, 720)))
    before = [level.copy() for level in reference.anchor.pyramid]

    for current in (
        scene(1280, 720, seed=9),
        view(world, size=(1280, 720), shift=(300.0, 200.0)),
        np.zeros((720, 1280, 3), np.uint8),
    ):
        align(reference.anchor, prepare(current), spread=50)

    assert all(np.array_equal(a, b) for a, b in zip(before, reference.anchor.pyramid, strict=True))


@pytest.mark.parametrize("rotation", [0.0, 12.0, -12.0])
def test_the_line_angle_follows_a_turned_picture(rotation: float) -> None:
    world = scene(2880, 1620, seed=11)

    found = line_angle(prepare(view(world, size=HD, rotation=rotation)).grey)

    assert found is not None
    assert abs(found.angle_deg - rotation) <= 1.5


def test_people_moving_in_the_room_do_not_move_the_picture() -> None:
    rng = np.random.default_rng(6)
    world = scene(2880, 1620, seed=12)
    reference = view(world, size=HD)
    current = reference.copy()
    for _ in range(8):  # people who were not there, in strong colours, over a tenth of the view
        x, y = int(rng.integers(100, 1700)), int(rng.integers(100, 700))
        person = rng.integers(0, 256, (3,)).tolist()
        cv2.rectangle(current, (x, y), (x + 110, y + 260), person, -1)
        cv2.circle(current, (x + 55, y - 40), 40, (40, 60, 200), -1)

    found = align(Reference.from_frame(reference).anchor, prepare(current), spread=50)

    assert found.status == "ok"
    assert abs(found.rotation_deg) <= 0.3  # type: ignore[arg-type]
    assert found.shift_px <= 3.0  # type: ignore[operator]
    assert abs(found.scale - 1.0) <= 0.005  # type: ignore[operator]


def test_the_view_travel_between_samples_follows_the_camera_not_one_thing_moving() -> None:
    """The corners matched between two samples measure a turn and a shift of the whole view
    (in grey-copy pixels at the farthest corner); one textured thing moving across a plain
    room is not the view moving, however many corners it carries."""
    rng = np.random.default_rng(3)
    world = real_world("camera")
    small = (640, 360)
    before = prepare(noisy(view(world, size=small), 2.0, rng)).grey
    after = prepare(noisy(view(world, size=small, rotation=0.8, shift=(6.0, -4.0)), 2.0, rng)).grey
    turn = math.radians(0.8)
    expected = max(
        math.hypot(
            x * (math.cos(turn) - 1.0) + y * math.sin(turn) + 3.0,
            -x * math.sin(turn) + y * (math.cos(turn) - 1.0) - 2.0,
        )
        for x in (-160.0, 160.0)
        for y in (-90.0, 90.0)
    )
    travel = view_travel(before, after)
    assert travel is not None
    assert abs(travel - expected) <= 0.5

    plain = np.tile(np.linspace(90, 150, small[0], dtype=np.float32), (small[1], 1)).astype(
        np.uint8
    )
    thing = cv2.resize(real_world("astronaut")[200:300, 300:400], (90, 120))

    def room(x: int) -> np.ndarray:
        frame = cv2.cvtColor(plain, cv2.COLOR_GRAY2BGR)
        frame[120:240, x : x + 90] = thing
        return noisy(frame, 2.0, rng)

    assert view_travel(prepare(room(200)).grey, prepare(room(230)).grey) == 0.0
    flat = prepare(noisy(cv2.cvtColor(plain, cv2.COLOR_GRAY2BGR), 2.0, rng)).grey
    assert view_travel(flat, flat) is None
