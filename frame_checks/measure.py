"""Measurements on sampled frames: one frame, two samples, a frame against the venue's reference.

Invariant: this module only measures. It never decides whether a picture is dark, frozen or
tilted (that is `judge`), keeps no state between calls, and never modifies the frame it is
given. Every measurement is taken on a small grey copy `WORK_WIDTH` pixels wide, so the figures
are comparable whatever the source resolution; distances are reported back in source pixels.

Alignment: ORB corners matched between the picture and the reference vote, by RANSAC, for a
similarity (robust to people moving in the room), which a robust Gauss–Newton fit of the whole
picture (affine, `refine`) makes sub-pixel; pictures with too few corners are aligned by
`cv2.findTransformECC` alone over a small pyramid.

Conventions: luma is full-range 0–255 (what OpenCV's decoders deliver). A rotation is in degrees,
positive when the picture turned counter-clockwise as seen on screen. A shift is the movement of
the picture's centre in source pixels (x to the right, y downwards). A scale above 1 means the
picture is zoomed in compared with the reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, cast

import cv2
import numpy as np
from numpy.typing import NDArray

from .refine import Template, refine

Image = NDArray[np.uint8]
Grey = NDArray[np.uint8]

WORK_WIDTH: Final = 320
"""Width of the grey copy every measurement is taken on."""

FINE_STEP: Final = 8
"""Stride of the full-resolution grid that keeps per-pixel (encoder and sensor) noise."""

MIN_SIDE: Final = 16
ALIGN_LEVELS: Final = 3
ALIGN_ITERATIONS: Final = (40, 20, 10)
ALIGN_EPSILON: Final = 1e-3
MIN_ALIGN_SPREAD: Final = 2.0
"""A picture flatter than this (std of luma) has nothing to align on."""
ALIGN_GOOD_START: Final = 0.9
"""A coarse-level correlation from which no other starting point is tried."""
ALIGN_TURNED_STARTS: Final = (10.0, -10.0)
"""Starting rotations (degrees) tried when the straight start does not match well."""
ORB_FEATURES: Final = 150
ORB_LEVELS: Final = 3
"""Corners per grey copy, over three scales (1, 1/1.3, 1/1.69, so that a zoom still matches):
enough for the consensus, while the brute-force matching cost grows with their square."""
CONSENSUS_MIN_INLIERS: Final = 15
CONSENSUS_MIN_SHARE: Final = 0.25
CONSENSUS_TOLERANCE: Final = (0.5, 1.0, 0.01)
"""How far (degrees, grey-copy pixels, scale) the refinement may move from the consensus."""

REFINE_DONE_PX: Final = 0.05
"""A refinement step moving the picture's border by less than this (pixels of its level) ends it."""

_AXIS_SLOPE: Final = math.tan(math.radians(20.0))
"""An edge whose gradient leans less than this (as a tangent) off an axis runs near level or
plumb."""

AlignmentStatus = Literal["ok", "failed", "skipped"]


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
class Alignment:
    status: AlignmentStatus
    rotation_deg: float | None = None
    shift_x_px: float | None = None
    shift_y_px: float | None = None
    scale: float | None = None
    correlation: float | None = None
    reason: str | None = None
    method: str | None = None
    """`refined` (the corners' consensus, refined), `features` (the consensus stood against its
    refinement) or `ecc` (too few corners: ECC alone)."""

    @property
    def shift_px(self) -> float | None:
        if self.shift_x_px is None or self.shift_y_px is None:
            return None
        return math.hypot(self.shift_x_px, self.shift_y_px)


@dataclass(frozen=True, slots=True)
class Change:
    """How a sample differs from an earlier one."""

    mad: float
    """Mean absolute difference of the grey copies (0–255)."""
    changed_share: float
    """Share of grey-copy pixels that differ by more than the noise level."""
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


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """A venue's reference frame, prepared once for repeated alignment."""

    prepared: Prepared
    pyramid: tuple[NDArray[np.float32], ...]
    sharpness: Sharpness
    features: Features
    templates: tuple[Template, ...]
    """The two finest pyramid levels (coarser first), readied for refinement."""

    @classmethod
    def from_frame(cls, frame: Image) -> Reference:
        prepared = prepare(frame)
        pyramid = _pyramid(prepared.grey)
        return cls(
            prepared=prepared,
            pyramid=pyramid,
            sharpness=measure_sharpness(prepared.grey),
            features=_features(prepared.grey),
            templates=tuple(Template.of(level) for level in pyramid[-2:]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Features:
    """ORB corners of a grey copy: positions (N×2) and binary descriptors (N×32)."""

    points: NDArray[np.float32]
    descriptors: NDArray[np.uint8] | None


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
    if colour:
        code = cv2.COLOR_BGRA2GRAY if small.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        small = np.asarray(cv2.cvtColor(small, code), dtype=np.uint8)
    return Prepared(
        grey=np.ascontiguousarray(small, dtype=np.uint8),
        fine=np.asarray(fine, dtype=np.uint8),
        width=width,
        height=height,
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
    changed = int(np.count_nonzero(difference > noise_level))
    mad = float(cv2.mean(difference)[0])
    fine_mad = float(cv2.mean(fine_difference)[0])
    return Change(
        mad=mad,
        changed_share=changed / difference.size,
        fine_mad=fine_mad,
        identical=mad == 0.0 and fine_mad == 0.0,
    )


def _pyramid(grey: Grey) -> tuple[NDArray[np.float32], ...]:
    levels = [np.asarray(grey, dtype=np.float32)]
    for _ in range(ALIGN_LEVELS - 1):
        top = levels[-1]
        if min(top.shape) < 2 * MIN_SIDE:
            break
        levels.append(np.asarray(cv2.pyrDown(top), dtype=np.float32))
    return tuple(reversed(levels))


# OpenCV's stubs omit that the mask may be None when the Gaussian prefilter size is given; a
# size of 1 turns the prefilter off (the grey copy is already smooth enough).
_find_transform_ecc = cast("Callable[..., tuple[float, NDArray[np.float32]]]", cv2.findTransformECC)


def _features(grey: Grey) -> Features:
    orb = cv2.ORB.create(
        nfeatures=ORB_FEATURES,
        scaleFactor=1.3,
        nlevels=ORB_LEVELS,
        edgeThreshold=15,
        patchSize=15,
        fastThreshold=10,
    )
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    points = np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2)
    return Features(
        points=points,
        descriptors=None if descriptors is None else np.asarray(descriptors, dtype=np.uint8),
    )


def _consensus(reference: Features, current: Features) -> NDArray[np.float32] | None:
    """The similarity (rotation, scale, shift) most matched corners agree on, by RANSAC: robust
    to people moving in the room, which would pull a whole-picture alignment off."""
    if reference.descriptors is None or current.descriptors is None:
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(
        reference.descriptors, current.descriptors
    )
    if len(matches) < CONSENSUS_MIN_INLIERS:
        return None
    source = reference.points[[m.queryIdx for m in matches]]
    target = current.points[[m.trainIdx for m in matches]]
    warp, inliers = cv2.estimateAffinePartial2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=1.5, refineIters=10
    )
    if warp is None or inliers is None:
        return None
    agreeing = int(np.count_nonzero(inliers))
    if agreeing < CONSENSUS_MIN_INLIERS or agreeing < CONSENSUS_MIN_SHARE * len(matches):
        return None
    return np.asarray(warp, dtype=np.float32)


def _ecc_level(
    template: NDArray[np.float32], image: NDArray[np.float32], warp: NDArray[np.float32], level: int
) -> tuple[float, NDArray[np.float32]] | None:
    iterations = ALIGN_ITERATIONS[min(level, len(ALIGN_ITERATIONS) - 1)]
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, iterations, ALIGN_EPSILON)
    try:
        rho, found = _find_transform_ecc(
            template, image, warp.copy(), cv2.MOTION_AFFINE, criteria, None, 1
        )
    except cv2.error:
        return None
    found = np.asarray(found, dtype=np.float32)
    if not np.all(np.isfinite(found)):
        return None
    return float(rho), found


def _refine(
    reference: tuple[NDArray[np.float32], ...],
    current: tuple[NDArray[np.float32], ...],
    warp: NDArray[np.float32],
    first_level: int,
) -> tuple[float, NDArray[np.float32]] | None:
    """ECC level by level from `first_level` up, `warp` being at `first_level`'s scale."""
    rho = 0.0
    for level in range(first_level, len(current)):
        if level > first_level:
            warp = warp.copy()
            warp[:, 2] *= 2.0
        found = _ecc_level(reference[level], current[level], warp, level)
        if found is None:
            return None
        rho, warp = found
    return rho, warp


def _refine_consensus(
    templates: tuple[Template, ...],
    pyramid: tuple[NDArray[np.float32], ...],
    warp: NDArray[np.float32],
) -> tuple[float, NDArray[np.float32]] | None:
    """Refine the corners' consensus on the next coarser level first (where an iteration costs
    a quarter), then on the grey copy itself."""
    if len(templates) == 2 and len(pyramid) >= 2:
        coarse = warp.copy()
        coarse[:, 2] *= 0.5
        found = refine(templates[0], pyramid[-2], coarse, iterations=8, done_px=REFINE_DONE_PX)
        if found is not None:
            warp = found[1].copy()
            warp[:, 2] *= 2.0
    return refine(templates[-1], pyramid[-1], warp, iterations=3, done_px=REFINE_DONE_PX)


def _starts(
    reference: NDArray[np.float32], current: NDArray[np.float32]
) -> list[NDArray[np.float32]]:
    """Other starting points than the straight one: the shift found by phase correlation (for
    shifts too large for the coarsest level), and turned starts (for large tilts)."""
    window = cv2.createHanningWindow((reference.shape[1], reference.shape[0]), cv2.CV_32F)
    # phaseCorrelate writes the windowed images back into its inputs: give it copies, or the
    # venue's reference would be damaged.
    (dx, dy), _ = cv2.phaseCorrelate(reference.copy(), current.copy(), window)
    shifted = np.eye(2, 3, dtype=np.float32)
    shifted[0, 2], shifted[1, 2] = dx, dy
    centre = ((reference.shape[1] - 1) / 2.0, (reference.shape[0] - 1) / 2.0)
    turned = [
        np.asarray(cv2.getRotationMatrix2D(centre, angle, 1.0), dtype=np.float32)
        for angle in ALIGN_TURNED_STARTS
    ]
    return [shifted, *turned]


def _similarity(warp: NDArray[np.float32], size: tuple[int, int]) -> tuple[float, float, float]:
    """Rotation (degrees, counter-clockwise on screen), centre shift (px) and scale of a warp."""
    a = (float(warp[0, 0]) + float(warp[1, 1])) / 2.0
    b = (float(warp[0, 1]) - float(warp[1, 0])) / 2.0
    width, height = size
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0], dtype=np.float64)
    moved = warp[:, :2].astype(np.float64) @ centre + warp[:, 2].astype(np.float64) - centre
    return math.degrees(math.atan2(b, a)), float(np.hypot(*moved)), math.hypot(a, b)


def _agree(one: NDArray[np.float32], other: NDArray[np.float32], size: tuple[int, int]) -> bool:
    rotation, _, scale = _similarity(one, size)
    rotation_other, _, scale_other = _similarity(other, size)
    width, height = size
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0, 1.0])
    apart = float(np.hypot(*((one.astype(np.float64) - other.astype(np.float64)) @ centre)))
    tolerance_rotation, tolerance_shift, tolerance_scale = CONSENSUS_TOLERANCE
    return (
        abs(rotation - rotation_other) <= tolerance_rotation
        and apart <= tolerance_shift
        and abs(scale - scale_other) <= tolerance_scale
    )


def _correlation(reference: Grey, current: Grey, warp: NDArray[np.float32]) -> float:
    """Zero-mean normalised correlation of `current` with the reference brought onto it."""
    size = (current.shape[1], current.shape[0])
    moved = cv2.warpAffine(reference.astype(np.float32), warp, size, flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.ones(reference.shape, np.uint8), warp, size) > 0
    a = np.asarray(moved, dtype=np.float64)[inside]
    b = current.astype(np.float64)[inside]
    if a.size < 16:
        return 0.0
    a -= a.mean()
    b -= b.mean()
    norm = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / norm if norm > 0 else 0.0


def align(
    reference: Reference, current: Prepared, *, spread: float, min_correlation: float = 0.6
) -> Alignment:
    """Rotation, shift and scale of `current` against the reference.

    Corners matched between the two pictures vote, by RANSAC, for the similarity most of them
    agree on; a robust Gauss–Newton fit of the whole picture (affine, on the two finest levels)
    refines it. When people moving in the room still pull the refinement away from what the
    corners agree on, the consensus stands. A picture
    with too few corners is aligned by ECC alone, from the coarsest level: straight first, then
    from the shift found by phase correlation and from turned starts. No consensus and an ECC
    result correlating less than `min_correlation` (or none): `failed`, the picture does not
    match the reference.
    """
    if spread < MIN_ALIGN_SPREAD:
        return Alignment(status="skipped", reason="flat picture")
    pyramid = _pyramid(current.grey)
    if reference.prepared.grey.shape != current.grey.shape or len(pyramid) != len(
        reference.pyramid
    ):
        return Alignment(status="failed", reason="size differs from the reference")
    size = (current.grey.shape[1], current.grey.shape[0])
    consensus = _consensus(reference.features, _features(current.grey))
    if consensus is not None:
        refined = _refine_consensus(reference.templates, pyramid, consensus)
        if refined is not None and _agree(refined[1], consensus, size):
            return _alignment_from_warp(refined[1], refined[0], current, "refined")
        rho = _correlation(reference.prepared.grey, current.grey, consensus)
        return _alignment_from_warp(consensus, rho, current, "features")

    best = _ecc_level(reference.pyramid[0], pyramid[0], np.eye(2, 3, dtype=np.float32), 0)
    if best is None or best[0] < ALIGN_GOOD_START:
        for start in _starts(reference.pyramid[0], pyramid[0]):
            found = _ecc_level(reference.pyramid[0], pyramid[0], start, 0)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
            if best is not None and best[0] >= ALIGN_GOOD_START:
                break
    if best is None:
        return Alignment(status="failed", reason="did not converge")
    refined = _refine(reference.pyramid, pyramid, best[1], 0) if len(pyramid) > 1 else best
    if refined is None:
        return Alignment(status="failed", reason="did not converge")
    rho, warp = refined
    if rho < min_correlation:
        return Alignment(
            status="failed", correlation=rho, reason=f"no match (correlation {rho:.2f})"
        )
    return _alignment_from_warp(warp, rho, current, "ecc")


def _alignment_from_warp(
    warp: NDArray[np.float32], rho: float, current: Prepared, method: str
) -> Alignment:
    # The warp maps reference coordinates to current ones; take its closest similarity.
    height, width = current.grey.shape
    rotation, _, scale = _similarity(warp, (width, height))
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0, 1.0], dtype=np.float64)
    moved = warp.astype(np.float64) @ centre - centre[:2]
    factor = current.source_per_work_pixel
    return Alignment(
        status="ok",
        rotation_deg=rotation,
        shift_x_px=float(moved[0]) * factor,
        shift_y_px=float(moved[1]) * factor,
        scale=scale,
        correlation=rho,
        method=method,
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
    if reference is None:
        return Measurement(
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
    return Measurement(
        width=prepared.width,
        height=prepared.height,
        exposure=exposure,
        sharpness=sharpness,
        detail_vs_reference=sharpness.detail / max(reference.sharpness.detail, 1e-9),
        alignment=alignment
        or align(reference, prepared, spread=exposure.luma_std, min_correlation=min_correlation),
        line_angle=None,
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
