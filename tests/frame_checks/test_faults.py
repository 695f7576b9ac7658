"""The VQD picture faults, each on small real and synthetic frames, against clean controls."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frame_checks import Reference, Thresholds, VenueChecker
from frame_checks.judge import Flag, Hit

from .support import REAL_PICTURES, noisy, real_world, reencoded, scene, view

SMALL = (640, 360)


def hits(
    frame: np.ndarray, reference: np.ndarray | None = None, **overrides: object
) -> dict[Flag, Hit]:
    checker = VenueChecker(
        thresholds=Thresholds.from_mapping(overrides),
        reference=Reference.from_frame(reference) if reference is not None else None,
    )
    return dict(checker.check(frame, at=0.0).hits)


def camera(world: np.ndarray, rng: np.random.Generator, **pose: float) -> np.ndarray:
    """What the venue's camera delivers: the view, fresh sensor noise, a JPEG round trip."""
    shift = (pose.pop("dx", 0.0), pose.pop("dy", 0.0))
    return reencoded(noisy(view(world, size=SMALL, shift=shift, **pose), 2.0, rng), 88)


def gain(frame: np.ndarray, blue: float, green: float, red: float) -> np.ndarray:
    scaled = frame.astype(np.float32) * np.array([blue, green, red], np.float32)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def washed(frame: np.ndarray) -> np.ndarray:
    return np.clip(frame.astype(np.float32) * 0.2 + 140.0, 0, 255).astype(np.uint8)


def striped(frame: np.ndarray, *, amplitude: float, period: float) -> np.ndarray:
    rows = np.arange(frame.shape[0], dtype=np.float32)[:, None, None]
    bars = amplitude * np.sin(2.0 * np.pi * rows / period)
    return np.clip(frame.astype(np.float32) + bars, 0, 255).astype(np.uint8)


def lined(frame: np.ndarray, *, every: int) -> np.ndarray:
    """Thin bright lines of interference, one every `every` rows."""
    out = frame.astype(np.float32)
    out[::every] += 40.0
    return np.clip(out, 0, 255).astype(np.uint8)


def covered(frame: np.ndarray, share: float) -> np.ndarray:
    """A smooth object (a hand, a sheet) over the right-hand `share` of the lens: so close
    that it is far out of focus, its edge blurred over a twentieth of the width."""
    height, width = frame.shape[:2]
    edge = width - round(width * share)
    alpha = (np.arange(width, dtype=np.float32) >= edge).astype(np.float32)
    alpha = cv2.GaussianBlur(np.tile(alpha, (height, 1)), (0, 0), width / 20.0)[:, :, None]
    ramp = np.linspace(120.0, 135.0, height, dtype=np.float32)[:, None, None]
    patch = ramp * np.array([0.8, 0.9, 1.0], np.float32)
    out = frame.astype(np.float32) * (1.0 - alpha) + patch * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def colour_bars(size: tuple[int, int] = SMALL) -> np.ndarray:
    width, height = size
    colours = [
        (192, 192, 192),
        (0, 192, 192),
        (192, 192, 0),
        (0, 192, 0),
        (192, 0, 192),
        (0, 0, 192),
        (192, 0, 0),
    ]  # fmt: skip  (BGR: grey, yellow, cyan, green, magenta, red, blue)
    picture = np.zeros((height, width, 3), np.uint8)
    for index, colour in enumerate(colours):
        picture[:, index * width // 7 : (index + 1) * width // 7] = colour
    picture[height * 3 // 4 :] = (40, 40, 40)
    return picture


def no_signal_card(size: tuple[int, int] = SMALL) -> np.ndarray:
    width, height = size
    picture = np.full((height, width, 3), (200, 60, 0), np.uint8)  # an encoder's blue screen
    cv2.putText(
        picture, "NO SIGNAL", (width // 3, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.0,
        (255, 255, 255), 2,
    )  # fmt: skip
    return picture


@pytest.fixture(scope="module")
def room() -> np.ndarray:
    return scene(960, 540, seed=41)


@pytest.mark.parametrize("name", REAL_PICTURES)
def test_clean_real_pictures_raise_no_fault(name: str) -> None:
    rng = np.random.default_rng(1)
    world = real_world(name)
    reference = view(world, size=SMALL)

    assert set(hits(camera(world, rng), reference)) == set()
    assert set(hits(camera(world, rng))) <= {"blurred"}  # a soft photograph, judged absolutely


@pytest.mark.parametrize("name", [*REAL_PICTURES, "synthetic"])
def test_each_fault_on_a_real_and_a_synthetic_picture(name: str, room: np.ndarray) -> None:
    rng = np.random.default_rng(2)
    world = room if name == "synthetic" else real_world(name)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)
    picture = view(world, size=SMALL)

    assert "overexposed" in hits(gain(clean, 2.6, 2.6, 2.6), reference)
    assert "low_contrast" in hits(washed(clean), reference)
    assert "noisy" in hits(noisy(picture, 24.0, rng), reference)
    assert "noisy" in hits(noisy(picture, 24.0, rng))
    assert "stripes" in hits(striped(clean, amplitude=14.0, period=24.0), reference)
    assert "stripes" in hits(lined(clean, every=9))
    assert "covered" in hits(covered(clean, 0.6), reference)
    if name != "camera":  # a grey photograph has no colour to cast
        assert hits(gain(clean, 0.6, 1.0, 1.3), reference)["colour_cast"].basis == "reference"


def test_a_colour_cast_without_a_reference_is_a_strong_tint(room: np.ndarray) -> None:
    picture = view(real_world("astronaut"), size=SMALL)
    grey_room = view(real_world("camera"), size=SMALL)

    assert hits(gain(grey_room, 0.4, 1.4, 0.4))["colour_cast"].basis == "absolute"
    assert "colour_cast" not in hits(picture)
    assert "colour_cast" not in hits(view(real_world("coffee"), size=SMALL))  # warm, not tinted


def test_a_covered_lens_is_judged_against_the_reference(room: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    reference = view(room, size=SMALL)
    half = covered(camera(room, rng), 0.6)

    found = hits(half, reference)
    assert found["covered"].basis == "reference"
    # a covered lens makes the sharpness and the framing meaningless
    assert not {"blurred", "moved", "tilted", "low_contrast"} & set(found)
    assert "covered" not in hits(camera(room, rng), reference)


@pytest.mark.parametrize("pattern", ["bars", "card"])
def test_a_test_pattern_is_no_signal_and_nothing_else(pattern: str, room: np.ndarray) -> None:
    picture = colour_bars() if pattern == "bars" else no_signal_card()

    for reference in (None, view(room, size=SMALL)):
        found = hits(reference=reference, frame=picture)
        assert set(found) == {"no_signal"}
        assert found["no_signal"].basis == ("colour_bars" if pattern == "bars" else "card")


def test_a_real_colourful_picture_is_not_a_test_pattern() -> None:
    for name in REAL_PICTURES:
        assert "no_signal" not in hits(view(real_world(name), size=SMALL))


def test_faint_stripes_and_a_room_s_horizontal_lines_are_not_stripes(room: np.ndarray) -> None:
    rng = np.random.default_rng(4)
    clean = camera(room, rng)

    assert "stripes" not in hits(clean)
    assert "stripes" not in hits(striped(clean, amplitude=1.5, period=24.0))


def test_sensor_noise_of_a_working_camera_is_not_snow(room: np.ndarray) -> None:
    rng = np.random.default_rng(5)
    reference = view(room, size=SMALL)

    assert "noisy" not in hits(noisy(reference, 3.0, rng), reference)
    assert "noisy" not in hits(noisy(reference, 3.0, rng))


def shaken(world: np.ndarray, offsets: list[tuple[float, float]]) -> list[set[str]]:
    rng = np.random.default_rng(6)
    checker = VenueChecker(reference=Reference.from_frame(view(world, size=SMALL)))
    return [
        set(checker.check(camera(world, rng, dx=dx, dy=dy), at=0.5 * index).active)
        for index, (dx, dy) in enumerate(offsets)
    ]


def test_a_shaking_camera_is_flagged_and_a_steady_one_is_not(room: np.ndarray) -> None:
    jitter = [(0.0, 0.0), (9.0, -6.0), (-8.0, 5.0), (10.0, 7.0), (-9.0, -8.0), (8.0, 4.0)]

    assert "shaking" in shaken(room, jitter)[-1]
    assert not any("shaking" in flags for flags in shaken(room, [(0.0, 0.0)] * 6))
    # one move of the camera is a move, not a shake
    assert not any(
        "shaking" in flags for flags in shaken(room, [(0.0, 0.0)] * 2 + [(30.0, 0.0)] * 4)
    )


def test_each_kind_has_its_own_counts() -> None:
    thresholds = Thresholds.from_mapping({"raise_after.shaking": 3, "clear_after.noisy": 4})

    assert thresholds.counts("shaking") == (3, 2)
    assert thresholds.counts("noisy") == (2, 4)
    assert thresholds.counts("dark") == (2, 2)
    assert thresholds.as_dict()["raise_after.shaking"] == 3
    assert Thresholds.from_mapping(thresholds.as_dict()) == thresholds


@pytest.mark.parametrize(
    "values", [{"raise_after.shaking": 0}, {"raise_after.glare": 2}, {"covered_share": 1.5}]
)
def test_bad_counts_and_thresholds_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=next(iter(values)).split(".")[0]):
        Thresholds.from_mapping(values)


def test_a_blur_a_dark_room_and_another_view_are_not_mistaken_for_other_faults() -> None:
    world = real_world("coffee")
    reference = view(world, size=SMALL)
    blurred = np.asarray(cv2.GaussianBlur(reference, (0, 0), 10.0), np.uint8)
    dim = np.asarray(cv2.convertScaleAbs(reference, alpha=0.15), np.uint8)
    elsewhere = view(world, size=SMALL, shift=(200.0, 120.0))

    assert "covered" not in hits(blurred, reference)  # flattened, but every tile keeps its light
    assert "no_signal" not in hits(dim, reference)
    assert "no_signal" not in hits(dim)
    assert "colour_cast" not in hits(elsewhere, reference)
    assert "colour_cast" not in hits(view(real_world("astronaut"), size=SMALL, zoom=1.2), reference)


def faded(frame: np.ndarray, contrast: float, level: float) -> np.ndarray:
    """Contrast compressed towards a lifted grey (a veil of light, a washed-out encoder)."""
    out = frame.astype(np.float32) * contrast + level
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["coffee", "astronaut", "chelsea"])
def test_a_faded_picture_is_not_a_colour_cast(name: str) -> None:
    """Fading scales every colour towards grey: the mean chroma moves far from the
    reference's, but no offset is added — only just above the low-contrast threshold, it is
    judged for colour, and is not a cast; the same picture with a wrong white balance is."""
    rng = np.random.default_rng(7)
    world = real_world(name)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)
    thresholds = Thresholds()
    for contrast in (0.3, 0.4):
        picture = faded(clean, contrast, 150.0 - 128.0 * contrast)
        found = hits(picture, reference)
        assert "colour_cast" not in found, contrast
    barely = faded(clean, 0.3, 110.0)
    judged = {"low_contrast_spread": 30.0, "low_contrast_vs_reference": 0.0}
    assert "low_contrast" not in hits(barely, reference, **judged)
    assert "colour_cast" not in hits(barely, reference, **judged)
    tinted = faded(gain(clean, 0.6, 1.0, 1.3), 0.6, 60.0)
    assert "colour_cast" in hits(tinted, reference, **judged)
    assert thresholds.colour_cast_vs_reference > 0


def test_someone_close_to_the_camera_is_not_a_colour_cast() -> None:
    """Someone in a green coat close to the camera fills a third of the view and moves the
    picture's mean chroma beyond the cast threshold; the tiles the coat does not cover keep
    the reference's colours, so no cast is judged."""
    rng = np.random.default_rng(8)
    world = real_world("coffee")
    reference = view(world, size=SMALL)
    picture = camera(world, rng).astype(np.float32)
    width = SMALL[0] // 3
    folds = cv2.GaussianBlur(rng.normal(0.0, 30.0, (SMALL[1], width)), (0, 0), 3.0)
    coat = np.array([50.0, 150.0, 40.0], np.float32) * (1.0 + folds[:, :, None] / 100.0)
    picture[:, :width] = coat
    frame = np.clip(picture, 0, 255).astype(np.uint8)
    before = Reference.from_frame(reference).quality.colour
    after = Reference.from_frame(frame).quality.colour
    mean_shift = float(np.hypot(after.cb - before.cb, after.cr - before.cr))

    assert mean_shift >= Thresholds().colour_cast_vs_reference
    found = hits(frame, reference)
    assert "colour_cast" not in found
    assert "covered" not in found


def test_a_test_pattern_with_an_on_screen_clock_and_a_dark_blue_card_are_no_signal() -> None:
    bars = colour_bars()
    cv2.putText(
        bars, "2026-12-05 01:23:45", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2
    )
    card = np.full((SMALL[1], SMALL[0], 3), (240, 30, 0), np.uint8)  # luma 45: a full blue
    cv2.putText(card, "VIDEO LOSS", (200, 180), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (235, 235, 235), 2)

    assert set(hits(bars)) == {"no_signal"}
    assert set(hits(card)) == {"no_signal"}
    dim = view(real_world("coffee"), size=SMALL)
    assert "no_signal" not in hits(np.asarray(cv2.convertScaleAbs(dim, alpha=0.12), np.uint8))


def cloth(frame: np.ndarray, share: float, level: float) -> np.ndarray:
    """A cloth a few centimetres from the lens over the bottom `share` of the view: far out
    of focus, so uniform, with an edge blurred over a tenth of the height."""
    height = frame.shape[0]
    alpha = (np.arange(height, dtype=np.float32) >= height * (1.0 - share)).astype(np.float32)
    alpha = cv2.GaussianBlur(alpha[:, None], (1, 0), height / 20.0)[:, :, None]
    out = frame.astype(np.float32) * (1.0 - alpha) + level * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_cloth_over_nearly_half_the_lens_is_covered_and_clipped_white_is_not() -> None:
    rng = np.random.default_rng(9)
    world = real_world("coffee")
    reference = view(world, size=SMALL)
    clean = camera(world, rng)

    found = hits(cloth(clean, 0.45, 60.0), reference)
    assert found["covered"].basis == "reference"
    assert "colour_cast" not in found
    assert "covered" not in hits(cloth(clean, 0.15, 60.0), reference)
    # clipped white is flat where the reference had detail, but that is over-exposure
    glaring = hits(gain(clean, 2.6, 2.6, 2.6), reference)
    assert "overexposed" in glaring
    assert "covered" not in glaring
