"""Faults judged against the venue's own reference picture: a milder over-exposure or veil
than the absolute thresholds catch, an object at the lens over a plain wall, and a mount that
turns as it shakes — each beside the change a working room makes (a lamp on one side, a
dimmer room, one move of the camera) that must not be taken for it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frame_checks import Reference, Thresholds, VenueChecker

from .support import real_world, view
from .test_faults import SMALL, camera, hits

_CODES = np.arange(256, dtype=np.float32) / 255.0
_LINEAR = np.where(_CODES <= 0.04045, _CODES / 12.92, ((_CODES + 0.055) / 1.055) ** 2.4)


def in_linear_light(frame: np.ndarray, scale: np.ndarray | float, veil: float = 0.0) -> np.ndarray:
    """The picture with its light multiplied by `scale` (a number or a per-pixel map) and a
    veil of light added, as a sensor sees it: in linear light, clipped at full scale."""
    light = _LINEAR[frame].astype(np.float32)
    if isinstance(scale, np.ndarray):
        scale = scale[:, :, None]
    light = np.clip(light * scale + veil, 0.0, 1.0)
    encoded = np.where(light <= 0.0031308, light * 12.92, 1.055 * light ** (1 / 2.4) - 0.055)
    return np.clip(encoded * 255.0 + 0.5, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["coffee", "astronaut", "camera"])
def test_a_mild_over_exposure_is_judged_against_the_reference(name: str) -> None:
    """+1.7 EV leaves a dark-toned room below every absolute threshold, but a tenth of it is
    newly clipped and its light rose by far more than a room's own drift."""
    rng = np.random.default_rng(11)
    world = real_world(name)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)

    found = hits(in_linear_light(clean, 2.0**1.7), reference)
    assert "overexposed" in found
    assert "overexposed" not in hits(in_linear_light(clean, 2.0**1.7))
    assert "colour_cast" not in found
    # a dimmer or slightly brighter room is not over-exposed
    for drift in (0.87, 1.15):
        assert "overexposed" not in hits(in_linear_light(clean, drift), reference)
    assert "overexposed" not in hits(
        in_linear_light(clean, 2.0**1.7), reference, overexposed_light=0.0
    )


@pytest.mark.parametrize("name", ["coffee", "astronaut"])
def test_a_veil_is_low_contrast_against_the_reference_and_a_dimmer_room_is_not(
    name: str,
) -> None:
    """A veil of light with a transmission of 0.3 keeps more than the absolute range; against
    the reference it kept a quarter of the range and all of its light. A room dimmed to the
    same range lost its light with it: that is a darker picture, not a washed-out one."""
    rng = np.random.default_rng(12)
    world = real_world(name)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)

    veiled = in_linear_light(clean, 0.3, veil=0.25 * 0.7)
    found = hits(veiled, reference)
    assert found["low_contrast"].basis == "reference"
    assert "covered" not in found
    assert "low_contrast" not in hits(veiled)
    dimmer = in_linear_light(clean, 0.12)
    assert "low_contrast" not in hits(dimmer, reference)


def lamp_off_on_one_side(frame: np.ndarray, factor: float) -> np.ndarray:
    """One side of the room lit by `factor` of its light, the other as before, with the change
    spread over a fifth of the width."""
    width = frame.shape[1]
    across = np.linspace(0.0, 1.0, width, dtype=np.float32)
    ramp = np.clip((across - 0.4) / 0.2, 0.0, 1.0)
    scale = np.tile(1.0 + (factor - 1.0) * ramp, (frame.shape[0], 1))
    return in_linear_light(frame, scale)


def hand_at_the_lens(frame: np.ndarray, share: float, level: float) -> np.ndarray:
    """A hand a few centimetres from the lens over the right-hand `share`: far out of focus,
    lit from the open side, its edge blurred over a fifteenth of the width."""
    height, width = frame.shape[:2]
    across = np.linspace(0.0, 1.0, width, dtype=np.float32)
    alpha = (across >= 1.0 - share).astype(np.float32)
    alpha = cv2.GaussianBlur(np.tile(alpha, (height, 1)), (0, 0), width / 15.0)[:, :, None]
    light = level * (1.0 - 0.3 * across)[None, :, None] * np.array([0.72, 0.85, 1.15], np.float32)
    out = frame.astype(np.float32) * (1.0 - alpha) + light * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["coffee", "astronaut", "camera"])
def test_a_lamp_off_on_one_side_is_not_a_covered_lens_and_a_hand_is(name: str) -> None:
    rng = np.random.default_rng(13)
    world = real_world(name)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)

    for factor in (0.35, 0.5, 1.8):
        assert "covered" not in hits(lamp_off_on_one_side(clean, factor), reference), factor
    found = hits(hand_at_the_lens(clean, 0.45, 140.0), reference)
    assert found["covered"].basis == "reference"


def dark_cloth_at_the_lens(frame: np.ndarray, share: float, level: float) -> np.ndarray:
    """A dark cloth over the right-hand `share`, far out of focus: no detail and no shading of
    its own but a fall of light towards its far edge, its edge blurred over a fifteenth of the
    width."""
    height, width = frame.shape[:2]
    across = np.linspace(0.0, 1.0, width, dtype=np.float32)
    alpha = (across >= 1.0 - share).astype(np.float32)
    alpha = cv2.GaussianBlur(np.tile(alpha, (height, 1)), (0, 0), width / 15.0)[:, :, None]
    light = level * (1.0 - 0.3 * across)[None, :, None]
    out = frame.astype(np.float32) * (1.0 - alpha) + light * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["chelsea", "astronaut"])
def test_a_dark_cloth_over_a_room_with_little_fine_detail_is_a_covered_lens(name: str) -> None:
    """Behind a room with little fine detail (a soft camera, plain surfaces) a dark cloth takes
    away detail only at the noise, where a dimmer room would lose it too; what it also takes
    away is the room's light and shade from tile to tile. A lamp off on one side keeps both."""
    rng = np.random.default_rng(15)
    world = cv2.GaussianBlur(real_world(name), (0, 0), 8.0)
    reference = view(world, size=SMALL)
    clean = camera(world, rng)

    for level in (55.0, 70.0):
        found = hits(dark_cloth_at_the_lens(clean, 0.4, level), reference)
        assert found["covered"].basis == "reference", level
    for factor in (0.2, 0.35, 0.5, 1.8):
        assert "covered" not in hits(lamp_off_on_one_side(clean, factor), reference), factor


@pytest.mark.parametrize("dx", [120.0, 160.0])
def test_a_moved_view_that_brings_something_plain_in_is_moved_not_covered(dx: float) -> None:
    """A plain dark thing at the side of the room (out of focus, like a cloth at the lens) fills
    more of the picture once the camera turned towards it, tile by tile a covered lens; but
    the reference, brought onto the picture, matches it as a whole: nothing hides it."""
    world = real_world("astronaut")
    height, width = world.shape[:2]
    side = np.tile((np.linspace(0.0, 1.0, width, dtype=np.float32) < 0.42), (height, 1))
    alpha = cv2.GaussianBlur(side.astype(np.float32), (0, 0), 25.0)[:, :, None]
    world = np.clip(world * (1.0 - alpha) + 60.0 * alpha, 0, 255).astype(np.uint8)

    found = hits(camera(world, np.random.default_rng(5), dx=dx), view(world, size=SMALL))
    assert "moved" in found
    assert "covered" not in found


def turned_and_shifted(
    world: np.ndarray, poses: list[tuple[float, float, float]], *, reference: bool = True
) -> list[set[str]]:
    """The flags standing after each sample of a camera at the given poses (dx, dy, degrees),
    2 s apart, with no bursts: the shake shows between samples only."""
    rng = np.random.default_rng(14)
    checker = VenueChecker(
        reference=Reference.from_frame(view(world, size=SMALL)) if reference else None
    )
    found = []
    for index, (dx, dy, degrees) in enumerate(poses):
        result = checker.check(camera(world, rng, dx=dx, dy=dy, rotation=degrees), at=2.0 * index)
        found.append({str(flag) for flag in result.active})
    return found


def test_a_mount_that_turns_as_it_shakes_is_shaking_between_samples() -> None:
    """A turn of 0.4° moves the picture's corners by 2.5 px at 640 wide, more than its shift;
    the poses against the reference see both, where a shift alone did not hold across tiles."""
    world = real_world("astronaut")
    poses = [(0.0, 0.0, 0.0), (3.0, -2.0, 0.4), (-2.0, 3.0, -0.4), (3.0, 2.0, 0.35)]
    assert "shaking" in turned_and_shifted(world, poses)[-1]
    steady = turned_and_shifted(world, [(3.0, -2.0, 0.4)] * 4)
    assert not any("shaking" in flags for flags in steady)
    one_move = [(0.0, 0.0, 0.0)] * 2 + [(6.0, 0.0, 0.5)] * 3
    assert not any("shaking" in flags for flags in turned_and_shifted(world, one_move))
    assert Thresholds().shaking_travel * SMALL[0] < 2.5


def test_a_mount_that_turns_as_it_shakes_is_shaking_without_a_reference() -> None:
    """Without a reference there is no pose: between two samples a turn of over a degree
    leaves no shift that the tiles hold, and the corners matched between the samples tell how
    far the view moved. The same turn held still is no shake."""
    world = real_world("camera")
    poses = [(0.0, 0.0, 0.0), (3.0, -2.0, 1.2), (-2.0, 3.0, -1.2), (3.0, 2.0, 1.0)]
    assert "shaking" in turned_and_shifted(world, poses, reference=False)[-1]
    steady = turned_and_shifted(world, [(3.0, -2.0, 1.2)] * 4, reference=False)
    assert not any("shaking" in flags for flags in steady)
