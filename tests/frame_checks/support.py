"""Synthetic and real frames for the frame-check tests, the camera that degrades them, and a
recorder of what a sampler reports."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from functools import cache

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from frame_checks import SampleResult, SourceStatus

Image = NDArray[np.uint8]


def scene(width: int = 640, height: int = 360, *, seed: int = 0) -> Image:
    """A textured room-like picture: soft blobs, furniture-like boxes, level and plumb edges."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(40, 200, (max(2, height // 24), max(2, width // 24), 3))
    picture = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(18):
        x, y = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        w, h = (
            int(rng.integers(width // 20, width // 5)),
            int(rng.integers(height // 20, height // 4)),
        )
        colour = tuple(float(c) for c in rng.uniform(0, 255, 3))
        cv2.rectangle(picture, (x, y), (x + w, y + h), colour, -1)
    for row in (height // 3, 2 * height // 3):
        cv2.line(picture, (0, row), (width - 1, row), (250.0, 250.0, 250.0), max(1, height // 120))
    for column in (width // 4, 3 * width // 4):
        cv2.line(
            picture, (column, 0), (column, height - 1), (20.0, 20.0, 20.0), max(1, width // 200)
        )
    return np.clip(picture, 0, 255).astype(np.uint8)


def view(
    world: Image,
    *,
    size: tuple[int, int],
    rotation: float = 0.0,
    shift: tuple[float, float] = (0.0, 0.0),
    zoom: float = 1.0,
) -> Image:
    """The centre of a larger `world` as a camera of `size` sees it: turned counter-clockwise by
    `rotation` degrees, zoomed, its centre moved by `shift` pixels."""
    width, height = size
    crop = np.array(
        [[1.0, 0.0, -(world.shape[1] - width) / 2.0], [0.0, 1.0, -(world.shape[0] - height) / 2.0]]
    )
    turn = cv2.getRotationMatrix2D(((width - 1) / 2.0, (height - 1) / 2.0), rotation, zoom)
    full = np.vstack([turn, [0.0, 0.0, 1.0]]) @ np.vstack([crop, [0.0, 0.0, 1.0]])
    full[0, 2] += shift[0]
    full[1, 2] += shift[1]
    turned = cv2.warpAffine(
        world, full[:2], size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    return np.asarray(turned, dtype=np.uint8)


def noisy(frame: Image, sigma: float, rng: np.random.Generator) -> Image:
    """Fresh sensor noise on every channel."""
    noise = rng.standard_normal(frame.shape, dtype=np.float32) * np.float32(sigma)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def jpeg_bytes(frame: Image, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(data.tobytes())


def png_bytes(frame: Image) -> bytes:
    ok, data = cv2.imencode(".png", frame)
    assert ok
    return bytes(data.tobytes())


def reencoded(frame: Image, quality: int = 90) -> Image:
    """The frame as a JPEG of that quality would deliver it."""
    data = np.frombuffer(jpeg_bytes(frame, quality), np.uint8)
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), dtype=np.uint8)


def darkened(frame: Image, mean: float) -> Image:
    grey = float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).mean())
    return np.asarray(cv2.convertScaleAbs(frame, alpha=mean / grey), dtype=np.uint8)


@cache
def _skimage_picture(name: str) -> Image:
    data = pytest.importorskip("skimage.data", reason="scikit-image provides the real pictures")
    array = np.asarray(getattr(data, name)())
    if array.ndim == 2:
        return np.asarray(cv2.cvtColor(array, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(array[:, :, :3], cv2.COLOR_RGB2BGR), dtype=np.uint8)


def real_world(name: str, size: tuple[int, int] = (960, 540)) -> Image:
    """A real photograph (scikit-image's bundled data) scaled to cover 1.5× the camera's size."""
    picture = _skimage_picture(name)
    width, height = math.ceil(size[0] * 1.5), math.ceil(size[1] * 1.5)
    scale = max(width / picture.shape[1], height / picture.shape[0])
    big = cv2.resize(
        picture,
        (math.ceil(picture.shape[1] * scale), math.ceil(picture.shape[0] * scale)),
        interpolation=cv2.INTER_CUBIC,
    )
    y, x = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
    return np.ascontiguousarray(big[y : y + height, x : x + width])


REAL_PICTURES = ("astronaut", "coffee", "camera", "chelsea")


WAIT = 20.0  # generous upper bound for a condition to come true; no test relies on timing


class Recorder:
    def __init__(self) -> None:
        self.samples: list[tuple[str, SampleResult]] = []
        self.statuses: list[tuple[str, SourceStatus]] = []
        self._changed = threading.Condition()

    def on_sample(self, venue: str, result: SampleResult) -> None:
        with self._changed:
            self.samples.append((venue, result))
            self._changed.notify_all()

    def on_status(self, venue: str, status: SourceStatus) -> None:
        with self._changed:
            self.statuses.append((venue, status))
            self._changed.notify_all()

    def states(self) -> list[str]:
        with self._changed:
            return [status.state for _, status in self.statuses]

    def wait_for(self, condition: Callable[[], bool]) -> bool:
        with self._changed:
            return self._changed.wait_for(condition, timeout=WAIT)
