"""The Gauss–Newton refinement of an alignment: sub-pixel, robust to people moving, bounded."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frame_checks.refine import Template, refine

from .support import scene


def grey(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)


@pytest.fixture(scope="module")
def template() -> tuple[np.ndarray, Template]:
    picture = cv2.resize(grey(scene(640, 360, seed=5)), (320, 180), interpolation=cv2.INTER_AREA)
    return picture, Template.of(picture)


def turned(picture: np.ndarray, angle: float, shift: tuple[float, float]) -> np.ndarray:
    """The picture turned about its centre and moved: the warp from it back to the original."""
    centre = ((picture.shape[1] - 1) / 2.0, (picture.shape[0] - 1) / 2.0)
    warp = cv2.getRotationMatrix2D(centre, angle, 1.0)
    warp[:, 2] += shift
    return warp.astype(np.float32)


def test_a_nearby_start_is_refined_to_the_true_warp(
    template: tuple[np.ndarray, Template],
) -> None:
    picture, prepared = template
    truth = turned(picture, 2.0, (3.0, -2.0))
    moved = cv2.warpAffine(picture, truth, (320, 180), borderMode=cv2.BORDER_REFLECT)
    start = turned(picture, 1.7, (2.5, -1.5))  # as close as the corners' consensus comes

    found = refine(prepared, moved, start)

    assert found is not None
    rho, warp = found
    assert rho > 0.95
    assert np.abs(warp - truth).max() < 0.05


def test_people_who_moved_barely_pull_the_warp(template: tuple[np.ndarray, Template]) -> None:
    picture, prepared = template
    moved = picture.copy()
    moved[40:140, 60:130] = 255.0 - moved[40:140, 60:130]  # someone stood up in front
    identity = np.eye(2, 3, dtype=np.float32)

    found = refine(prepared, moved, identity)

    assert found is not None
    assert np.abs(found[1] - identity).max() < 0.05


def test_a_warp_that_leaves_too_little_covered_is_refused(
    template: tuple[np.ndarray, Template],
) -> None:
    picture, prepared = template
    far = np.eye(2, 3, dtype=np.float32)
    far[0, 2] = 250.0

    assert refine(prepared, picture, far) is None


def test_a_flat_picture_cannot_be_refined(template: tuple[np.ndarray, Template]) -> None:
    _, prepared = template
    flat = np.full((180, 320), 128.0, np.float32)

    assert refine(prepared, flat, np.eye(2, 3, dtype=np.float32)) is None
