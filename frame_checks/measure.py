"""Measurements on sampled frames: one frame, two samples, a frame against the venue's reference.

Invariant: this module only measures. It never decides whether a picture is dark, frozen or
tilted (that is `judge`), keeps no state between calls, and never modifies the frame it is
given. Every measurement is taken on a small grey copy `WORK_WIDTH` pixels wide, so the figures
are comparable whatever the source resolution; distances are reported back in source pixels.

The alignment against the reference is in `align`; this module calls it.

Conventions: luma is full-range 0–255 (what OpenCV's decoders deliver). A rotation is in degrees,
positive when the picture turned counter-clockwise as seen on screen. A shift is the movement of
the picture's centre in source pixels (x to the right, y downwards). A scale above 1 means the
picture is zoomed in compared with the reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

from .align import MIN_ALIGN_SPREAD, Alignment, Anchor, Grey, align
from .quality import (
    Quality,
    Tiles,
    compare_tiles,
    measure_colour,
    measure_flat_share,
    measure_noise,
    measure_pattern,
    measure_stripes,
    measure_tone,
)

Image = NDArray[np.uint8]

WORK_WIDTH: Final = 320
"""Width of the grey copy every measurement is taken on."""

FINE_STEP: Final = 8
"""Stride of the full-resolution grid that keeps per-pixel (encoder and sensor) noise."""

MIN_SIDE: Final = 16
BLOCK: Final = 4
"""Side (grey-copy pixels) of the cells whose means describe the picture's structure."""
STRIP_ROWS: Final = 16
"""Height of each full-resolution band the noise is estimated on (three bands)."""
PROFILE_STEP: Final = 16
"""Every this-th column counts in the row-mean profile."""
PROFILE_ROWS: Final = 540
"""The row profile is averaged down to at most this many rows (stripes of a period of two
rows of a 1080p picture blur out; anything coarser stays)."""

_AXIS_SLOPE: Final = math.tan(math.radians(20.0))
"""An edge whose gradient leans less than this (as a tangent) off an axis runs near level or
plumb."""


class MeasureError(ValueError):
    """The array given is not a picture that can be measured."""


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """A frame reduced to what the measurements need (under 200 kB for a 1080p source)."""

    grey: Grey
    """Grey copy, `WORK_WIDTH` wide (or the source width when that is smaller)."""
    fine: Grey
    """Green channel at full resolution on a grid of every `FINE_STEP`-th pixel: no averaging,
    so fresh sensor and encoder noise survive in it."""
    width: int
    height: int
    blocks: NDArray[np.float32]
    """Means of `BLOCK`×`BLOCK` cells of the grey copy: the picture's structure, which
    re-encoding a picture does not move but people moving do."""
    colour: Image | None = None
    """Small BGR copy, the grey copy's size (None for a grey source)."""
    chroma: Image | None = None
    """Cr and Cb planes of the small copy (None for a grey source)."""
    strips: tuple[Grey, ...] = ()
    """A few bands of full-resolution rows (green channel), for the noise estimate."""
    rows: NDArray[np.float32] | None = None
    """Row means of the left, middle and right thirds (H×3, H at most `PROFILE_ROWS`)."""

    @property
    def source_per_work_pixel(self) -> float:
        return self.width / int(self.grey.shape[1])


@dataclass(frozen=True, slots=True)
class Exposure:
    luma_mean: float
    luma_std: float
    black_share: float
    """Share of pixels at or below the near-black level."""
    luma_median: float = 0.0


@dataclass(frozen=True, slots=True)
class Sharpness:
    sharpness: float
    """Variance of the Laplacian of the grey copy (comparable across source resolutions)."""
    detail: float
    """`sharpness` divided by the luma variance: the same figure with the contrast taken out."""


@dataclass(frozen=True, slots=True)
class LineAngle:
    """The dominant deviation of straight lines from level/plumb; a weak hint without a reference."""

    angle_deg: float
    agreement: float
    """Share of the line length within a degree and a half of `angle_deg`."""
    lines: int


@dataclass(frozen=True, slots=True)
class Change:
    """How a sample differs from an earlier one."""

    mad: float
    """Mean absolute difference of the grey copies (0–255)."""
    changed_share: float
    """Share of the picture's cells (`BLOCK`² grey-copy pixels) whose mean luma differs by more
    than the noise level: compression noise averages out in a cell, people moving do not."""
    fine_mad: float
    """Mean absolute difference on the full-resolution grid: fresh noise shows here."""
    identical: bool
    """Bit-identical on both the grey copy and the full-resolution grid."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """Everything measured on one sample, apart from its change from earlier samples."""

    width: int
    height: int
    exposure: Exposure
    sharpness: Sharpness
    detail_vs_reference: float | None
    """`detail` as a share of the reference's; None without a reference."""
    alignment: Alignment | None
    """None without a reference."""
    line_angle: LineAngle | None
    """Only looked for without a reference; None when no long lines were found."""
    quality: Quality | None = None
    """The VQD figures (tone, colour, noise, flat share, stripes, test pattern)."""
    reference_quality: Quality | None = None
    """The reference's, to judge against; None without a reference."""
    obstruction: float | None = None
    """Share of tiles newly flat and showing something else than the reference (None without
    a reference)."""
    contrast_kept: float | None = None
    """Share of the reference's contrast kept where the picture still shows detail (None
    without a reference, or with one too flat to tell)."""


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """A venue's reference frame, prepared once for repeated alignment."""

    prepared: Prepared
    sharpness: Sharpness
    anchor: Anchor
    quality: Quality
    tiles: Tiles

    @classmethod
    def from_frame(cls, frame: Image) -> Reference:
        prepared = prepare(frame)
        return cls(
            prepared=prepared,
            sharpness=measure_sharpness(prepared.grey),
            anchor=Anchor.of(prepared.grey),
            quality=measure_quality(prepared),
            tiles=Tiles.of(prepared.grey),
        )


def grey_copy(frame: Image) -> Grey:
    """Only the grey copy `prepare` makes (for the frames of a burst, which are compared with
    the sample's and with each other, not measured)."""
    height, width = frame.shape[:2]
    out_width = min(WORK_WIDTH, width)
    out_height = max(1, round(height * out_width / width))
    small = frame
    if out_width != width or out_height != height:
        small = np.asarray(
            cv2.resize(frame, (out_width, out_height), interpolation=cv2.INTER_LINEAR), np.uint8
        )
    if small.ndim == 3 and small.shape[2] == 4:
        return np.asarray(cv2.cvtColor(small, cv2.COLOR_BGRA2GRAY), dtype=np.uint8)
    if small.ndim == 3 and small.shape[2] == 3:
        return np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    return np.ascontiguousarray(small.reshape(small.shape[:2]), dtype=np.uint8)


def prepare(frame: Image) -> Prepared:
    """Reduce a BGR, BGRA or grey uint8 frame to its grey copy and its full-resolution grid."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8:
        raise MeasureError("a frame must be a uint8 array")
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        colour = False
    elif frame.ndim == 3 and frame.shape[2] in (3, 4):
        colour = True
    else:
        raise MeasureError(f"a frame must be grey, BGR or BGRA, not of shape {frame.shape}")
    height, width = frame.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise MeasureError(f"a frame of {width}×{height} is too small to measure")

    fine = np.ascontiguousarray(
        frame[::FINE_STEP, ::FINE_STEP, 1] if colour else frame[::FINE_STEP, ::FINE_STEP]
    )
    small: NDArray[np.uint8] = frame
    out_width = min(WORK_WIDTH, width)
    out_height = max(1, round(height * out_width / width))
    if out_width != width or out_height != height:
        # Bilinear straight to the work size: each grey-copy pixel blends the 2×2 source pixels
        # at the centre of its cell, at a fraction of the cost of averaging all of them.
        size = (out_width, out_height)
        small = np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR), np.uint8)
    colour_copy: Image | None = None
    chroma: Image | None = None
    if colour:
        if small.shape[2] == 4:
            small = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
        colour_copy = np.ascontiguousarray(small, dtype=np.uint8)
        ycrcb = np.asarray(cv2.cvtColor(colour_copy, cv2.COLOR_BGR2YCrCb), dtype=np.uint8)
        chroma = np.ascontiguousarray(ycrcb[:, :, 1:])
        # BGR2GRAY rounds differently from YCrCb's Y; the line and edge figures are tuned on it.
        small = np.asarray(cv2.cvtColor(colour_copy, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    grey = np.ascontiguousarray(small, dtype=np.uint8)
    plane = frame[:, :, 1] if colour else frame
    band = min(STRIP_ROWS, height)
    strips = tuple(
        np.ascontiguousarray(plane[start : start + band])
        for start in sorted(
            {max(0, min(height - band, height * k // 4 - band // 2)) for k in (1, 2, 3)}
        )
    )
    columns = np.asarray(plane[:, ::PROFILE_STEP], dtype=np.float32)
    thirds = np.array_split(columns, 3, axis=1) if columns.shape[1] >= 3 else [columns] * 3
    rows = np.stack([part.mean(axis=1) for part in thirds], axis=1).astype(np.float32)
    if rows.shape[0] > PROFILE_ROWS:
        rows = np.asarray(
            cv2.resize(rows, (3, PROFILE_ROWS), interpolation=cv2.INTER_AREA), np.float32
        )
    return Prepared(
        grey=grey,
        fine=np.asarray(fine, dtype=np.uint8),
        width=width,
        height=height,
        blocks=_blocks(grey),
        colour=colour_copy,
        chroma=chroma,
        strips=strips,
        rows=rows,
    )


def _blocks(grey: Grey) -> NDArray[np.float32]:
    size = (max(1, grey.shape[1] // BLOCK), max(1, grey.shape[0] // BLOCK))
    return np.asarray(
        cv2.resize(grey.astype(np.float32), size, interpolation=cv2.INTER_AREA), np.float32
    )


def measure_exposure(grey: Grey, *, black_level: float) -> Exposure:
    mean, std = cv2.meanStdDev(grey)
    histogram = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    level = math.floor(black_level)
    black = float(histogram[: max(0, min(level, 255)) + 1].sum()) if level >= 0 else 0.0
    median = int(np.searchsorted(np.cumsum(histogram), grey.size / 2.0))
    return Exposure(
        luma_mean=float(mean[0, 0]),
        luma_std=float(std[0, 0]),
        black_share=black / grey.size,
        luma_median=float(median),
    )


def measure_sharpness(grey: Grey) -> Sharpness:
    laplacian = cv2.Laplacian(grey, cv2.CV_32F, ksize=1)
    _, lap_std = cv2.meanStdDev(laplacian)
    _, std = cv2.meanStdDev(grey)
    sharpness = float(lap_std[0, 0]) ** 2
    variance = float(std[0, 0]) ** 2
    return Sharpness(sharpness=sharpness, detail=sharpness / max(variance, 1.0))


def compare(before: Prepared, after: Prepared, *, noise_level: float) -> Change:
    """Difference of two samples; a change of resolution counts as a complete change."""
    if before.grey.shape != after.grey.shape or before.fine.shape != after.fine.shape:
        return Change(mad=255.0, changed_share=1.0, fine_mad=255.0, identical=False)
    difference = cv2.absdiff(before.grey, after.grey)
    fine_difference = cv2.absdiff(before.fine, after.fine)
    cells = cv2.absdiff(before.blocks, after.blocks)
    changed = int(np.count_nonzero(cells > noise_level))
    mad = float(cv2.mean(difference)[0])
    fine_mad = float(cv2.mean(fine_difference)[0])
    return Change(
        mad=mad,
        changed_share=changed / cells.size,
        fine_mad=fine_mad,
        identical=mad == 0.0 and fine_mad == 0.0,
    )


def measure(
    prepared: Prepared,
    *,
    reference: Reference | None,
    black_level: float,
    min_correlation: float = 0.6,
    alignment: Alignment | None = None,
) -> Measurement:
    """The single-frame measurements, against the reference when there is one. `alignment` is
    one known to hold still (taken on a sample this picture does not differ from); without it,
    the picture is aligned afresh."""
    exposure = measure_exposure(prepared.grey, black_level=black_level)
    sharpness = measure_sharpness(prepared.grey)
    quality = measure_quality(prepared)
    if reference is None:
        return Measurement(
            quality=quality,
            width=prepared.width,
            height=prepared.height,
            exposure=exposure,
            sharpness=sharpness,
            detail_vs_reference=None,
            alignment=None,
            line_angle=(
                line_angle(prepared.grey, median=exposure.luma_median)
                if exposure.luma_std >= MIN_ALIGN_SPREAD
                else None
            ),
        )
    tiles = compare_tiles(Tiles.of(prepared.grey), reference.tiles)
    return Measurement(
        width=prepared.width,
        height=prepared.height,
        exposure=exposure,
        sharpness=sharpness,
        detail_vs_reference=sharpness.detail / max(reference.sharpness.detail, 1e-9),
        alignment=alignment
        or align(
            reference.anchor, prepared, spread=exposure.luma_std, min_correlation=min_correlation
        ),
        line_angle=None,
        quality=quality,
        reference_quality=reference.quality,
        obstruction=tiles.obstruction if tiles is not None else None,
        contrast_kept=tiles.contrast_kept if tiles is not None else None,
    )


def measure_quality(prepared: Prepared) -> Quality:
    rows = prepared.rows if prepared.rows is not None else np.zeros((0, 3), np.float32)
    return Quality(
        tone=measure_tone(prepared.grey),
        colour=measure_colour(prepared.chroma, prepared.grey),
        noise_sigma=measure_noise(prepared.strips),
        flat_share=measure_flat_share(prepared.grey),
        stripes=measure_stripes(rows),
        pattern=measure_pattern(prepared.colour, prepared.chroma),
    )


def line_angle(grey: Grey, *, median: float | None = None) -> LineAngle | None:
    """Length-weighted median deviation of long straight segments from level and plumb.

    Probabilistic Hough on a half-size copy; only segments within 20° of an axis count. Enough
    for a hint (a wall's edge, a table), cheap enough to take on every sample.
    """
    half = cv2.resize(
        grey, (max(1, grey.shape[1] // 2), max(1, grey.shape[0] // 2)), interpolation=cv2.INTER_AREA
    )
    if median is None:
        median = float(np.median(half))
    edges = cv2.Canny(half, max(10.0, 0.66 * median), min(255.0, max(30.0, 1.33 * median)))
    # Only edges running within 20° of level or plumb can belong to the lines looked for.
    ax = np.abs(cv2.Sobel(half, cv2.CV_32F, 1, 0))
    ay = np.abs(cv2.Sobel(half, cv2.CV_32F, 0, 1))
    level = cv2.compare(ax, ay * _AXIS_SLOPE, cv2.CMP_LE)
    plumb = cv2.compare(ay, ax * _AXIS_SLOPE, cv2.CMP_LE)
    edges = cv2.bitwise_and(edges, cv2.bitwise_or(level, plumb))
    found = cv2.HoughLinesP(
        edges, 1, math.pi / 90, threshold=20, minLineLength=max(8, half.shape[1] // 5), maxLineGap=2
    )
    if found is None:
        return None
    segments = found.reshape(-1, 4).astype(np.float64)
    # Screen y grows downwards: a counter-clockwise turn makes rightward lines rise.
    dx = segments[:, 2] - segments[:, 0]
    dy = segments[:, 3] - segments[:, 1]
    deviation = (np.degrees(np.arctan2(-dy, dx)) + 45.0) % 90.0 - 45.0
    near_axis = np.abs(deviation) <= 20.0
    if not near_axis.any():
        return None
    deviation = deviation[near_axis]
    lengths = np.hypot(dx, dy)[near_axis]
    order = np.argsort(deviation)
    cumulative = np.cumsum(lengths[order])
    middle = float(deviation[order][int(np.searchsorted(cumulative, cumulative[-1] / 2.0))])
    agreement = float(lengths[np.abs(deviation - middle) <= 1.5].sum() / lengths.sum())
    return LineAngle(angle_deg=middle, agreement=agreement, lines=int(deviation.size))
