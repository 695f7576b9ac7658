"""Alignment of a sample against the venue's reference: rotation, shift and scale.

Invariant: the reference side (`Anchor`: its pyramid, corners and refinement templates) is
computed once per reference and never modified; `align` keeps no state between calls.

ORB corners matched between the picture and the reference vote, by RANSAC, for a similarity
(robust to people moving in the room), which a robust Gauss–Newton fit of the whole picture
(affine, `refine`) makes sub-pixel; pictures with too few corners are aligned by
`cv2.findTransformECC` alone over a small pyramid. Conventions are those of `measure`: degrees
counter-clockwise on screen, shifts of the picture's centre in source pixels.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol, cast

import cv2
import numpy as np
from numpy.typing import NDArray

from .refine import Template, refine

Grey = NDArray[np.uint8]

MIN_LEVEL_SIDE: Final = 32
"""A pyramid level is halved again only while its shorter side is at least this."""
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

SUPPORT_GRID: Final = (4, 4)
"""Tiles (columns, rows) that vote on whether a transform describes the room."""
SPREAD_AREA: Final = 0.12
"""Share of the picture the corners agreeing on a move between two samples must span (their
convex hull) for the whole view to have moved: one person walking spans less."""
STILL_PX: Final = 1.0
"""A matched corner that moved less than this (grey-copy pixels) between two samples stood
still."""
SUPPORT_MIN_STD: Final = 4.0
"""A tile flatter than this (luma std) on either picture has no say."""
SUPPORT_MARGIN: Final = 0.1
"""How much better (correlation) a tile must match under one hypothesis to vote for it."""
SUPPORT_MATCH: Final = 0.7
"""A tile correlating this well with the reference in place still shows the same room."""
NEGLIGIBLE: Final = (0.2, 1.0, 0.005)
"""A transform within this (degrees, grey-copy pixels, scale) of none needs no vote."""

AlignmentStatus = Literal["ok", "failed", "skipped", "unsure"]
"""`unsure`: a transform was found but only a minority of the picture supports it (people
moved, someone walked close to the camera), or the picture does not match as a whole but most
of it still matches the reference in place — neither is evidence that the camera moved."""


class Picture(Protocol):
    """What alignment needs of a prepared sample."""

    @property
    def grey(self) -> Grey: ...

    @property
    def source_per_work_pixel(self) -> float: ...


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
    support: float | None = None
    """Share of the voting tiles that match better under the transform than in place."""
    warp: NDArray[np.float32] | None = field(default=None, repr=False, compare=False)
    """The transform on the grey copy (reference → current)."""

    @property
    def shift_px(self) -> float | None:
        if self.shift_x_px is None or self.shift_y_px is None:
            return None
        return math.hypot(self.shift_x_px, self.shift_y_px)


@dataclass(frozen=True, slots=True, eq=False)
class Features:
    """ORB corners of a grey copy: positions (N×2) and binary descriptors (N×32)."""

    points: NDArray[np.float32]
    descriptors: NDArray[np.uint8] | None


@dataclass(frozen=True, slots=True, eq=False)
class Anchor:
    """A reference's grey copy readied for repeated alignment."""

    grey: Grey
    pyramid: tuple[NDArray[np.float32], ...]
    features: Features
    templates: tuple[Template, ...]
    """The two finest pyramid levels (coarser first), readied for refinement."""

    @classmethod
    def of(cls, grey: Grey) -> Anchor:
        pyramid = _pyramid(grey)
        return cls(
            grey=grey,
            pyramid=pyramid,
            features=_features(grey),
            templates=tuple(Template.of(level) for level in pyramid[-2:]),
        )


def _pyramid(grey: Grey) -> tuple[NDArray[np.float32], ...]:
    levels = [np.asarray(grey, dtype=np.float32)]
    for _ in range(ALIGN_LEVELS - 1):
        top = levels[-1]
        if min(top.shape) < MIN_LEVEL_SIDE:
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
    found = _consensus_matches(reference, current)
    return None if found is None else found.warp


@dataclass(frozen=True, slots=True, eq=False)
class _Consensus:
    warp: NDArray[np.float32]
    source: NDArray[np.float32]
    """Where the matched corners are on the first picture (N×2)…"""
    target: NDArray[np.float32]
    """…and on the second."""
    agreeing: NDArray[np.bool_]
    """Which matches agree on `warp`."""


def _consensus_matches(reference: Features, current: Features) -> _Consensus | None:
    """`_consensus`'s similarity with the matches it was found on."""
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
    return _Consensus(
        np.asarray(warp, dtype=np.float32), source, target, inliers.ravel().astype(bool)
    )


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
    anchor: Anchor, current: Picture, *, spread: float, min_correlation: float = 0.6
) -> Alignment:
    """Rotation, shift and scale of `current` against the reference, anchored on the room: the
    transform found must be supported across the picture, not by one cluster of it.

    The picture is cut into tiles; each textured tile votes for the transform if it matches the
    reference clearly better moved than in place, for no movement if the other way round. A
    transform that fewer tiles favour than oppose is `unsure` (people standing elsewhere than in
    the reference frame, someone close to the camera); a picture that cannot be aligned but
    whose tiles mostly still match the reference in place is `unsure` too, not a new view.
    """
    found = _align(anchor, current, spread=spread, min_correlation=min_correlation)
    height, width = current.grey.shape
    if found.status == "failed" and anchor.grey.shape == current.grey.shape:
        identity = np.eye(2, 3, dtype=np.float32)
        _, _, matching, textured, _ = _votes(anchor.grey, current.grey, identity)
        if textured >= 4 and matching >= 0.5 * textured:
            return Alignment(
                status="unsure",
                correlation=found.correlation,
                reason=f"{matching} of {textured} tiles still match the reference in place",
            )
        return found
    if found.status != "ok" or found.warp is None:
        return found
    rotation, _, scale = _similarity(found.warp, (width, height))
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0, 1.0])
    shift = float(np.hypot(*(found.warp.astype(np.float64) @ centre - centre[:2])))
    small_rotation, small_shift, small_scale = NEGLIGIBLE
    if abs(rotation) <= small_rotation and shift <= small_shift and abs(scale - 1) <= small_scale:
        return found
    favour, against, _, _, lost = _votes(anchor.grey, current.grey, found.warp)
    support = favour / (favour + against) if favour + against else None
    if not supported(favour, against, lost):
        return dataclasses.replace(
            found,
            status="unsure",
            support=support,
            reason=f"{favour} tiles favour the transform, {against} favour none",
        )
    return dataclasses.replace(found, support=support)


def corner_travel(before: Alignment, after: Alignment, width: int, height: int) -> float | None:
    """How far (source pixels) the picture's farthest corner moved from one alignment to the
    other by the camera turning and shifting (a change of scale is left out); None unless
    both are `ok` and rest on the corners' consensus: ECC alone now and then settles on a
    nearby wrong pose when people fill a turned or moved view, and one such sample would
    be a jump away and back."""
    if any(a.status != "ok" or a.method == "ecc" for a in (before, after)):
        return None
    poses = []
    for alignment in (before, after):
        if alignment.rotation_deg is None or alignment.shift_x_px is None:
            return None
        poses.append(
            (
                math.radians(alignment.rotation_deg),
                alignment.shift_x_px,
                alignment.shift_y_px or 0.0,
            )
        )
    return _farthest_corner(poses[0], poses[1], width, height)


def _farthest_corner(
    before: tuple[float, float, float], after: tuple[float, float, float], width: int, height: int
) -> float:
    """How far the farthest corner of a `width`×`height` picture moves from one pose to the
    other (a turn in radians, counter-clockwise on screen, and a shift of the centre)."""
    (a, ax, ay), (b, bx, by) = before, after
    farthest = 0.0
    for x in (-width / 2.0, width / 2.0):
        for y in (-height / 2.0, height / 2.0):
            # counter-clockwise on screen is clockwise in image coordinates (y down)
            dx = x * (math.cos(b) - math.cos(a)) + y * (math.sin(b) - math.sin(a)) + bx - ax
            dy = -x * (math.sin(b) - math.sin(a)) + y * (math.cos(b) - math.cos(a)) + by - ay
            farthest = max(farthest, math.hypot(dx, dy))
    return farthest


def view_travel(before: Grey, after: Grey) -> float | None:
    """How far (grey-copy pixels) the picture's farthest corner moved from `before` to `after`
    by the similarity (a turn and a shift) their matched corners agree on, when the whole view
    moved rather than one thing in it: the corners that agree span the picture
    (`SPREAD_AREA`), and more widely than the corners that stood still. 0 when they do not
    (someone walking, even close by); None when they agree on nothing (too few corners)."""
    if before.shape != after.shape:
        return None
    found = _consensus_matches(_features(before), _features(after))
    if found is None:
        return None
    height, width = after.shape
    still = np.hypot(*(found.target - found.source).T) < STILL_PX
    moved_span = _span(found.target[found.agreeing])
    if moved_span < SPREAD_AREA * width * height or moved_span <= _span(found.target[still]):
        return 0.0
    # a turn and a shift about the centre; a change of scale is left out, as in `corner_travel`
    rotation, _, _ = _similarity(found.warp, (width, height))
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])
    warp = found.warp.astype(np.float64)
    shift = warp[:, :2] @ centre + warp[:, 2] - centre
    turn = (math.radians(rotation), float(shift[0]), float(shift[1]))
    return _farthest_corner((0.0, 0.0, 0.0), turn, width, height)


def _span(points: NDArray[np.float32]) -> float:
    """Area of the convex hull of some points (N×2)."""
    if len(points) < 3:
        return 0.0
    return float(cv2.contourArea(cv2.convexHull(points.reshape(-1, 1, 2))))


def supported(favour: int, against: int, lost: bool) -> bool:
    """A transform describes the room when more tiles favour it than oppose it, at least two
    (one tile is one cluster of things, not the room), and it does not move most of what is on
    the picture out of the overlap it is judged on (a cluster matched far off)."""
    return favour >= 2 and favour > against and not lost


def translation_supported(before: Grey, after: Grey, dx: float, dy: float) -> bool:
    """Whether the picture's tiles support a shift of the whole picture by (dx, dy) grey-copy
    pixels from `before` to `after`."""
    warp = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], dtype=np.float32)
    favour, against, _, _, lost = _votes(before, after, warp)
    return supported(favour, against, lost)


def _tile_means(image: NDArray[np.float32]) -> NDArray[np.float32]:
    columns, rows = SUPPORT_GRID
    height, width = image.shape
    cropped = image[: height - height % rows, : width - width % columns]
    return np.asarray(cv2.resize(cropped, (columns, rows), interpolation=cv2.INTER_AREA))


def _tile_ncc(
    one: NDArray[np.float32], other: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Per-tile zero-mean correlation, and the tiles' standard deviations."""
    mean_a, mean_b = _tile_means(one), _tile_means(other)
    var_a = np.maximum(_tile_means(one * one) - mean_a * mean_a, 0.0)
    var_b = np.maximum(_tile_means(other * other) - mean_b * mean_b, 0.0)
    covariance = _tile_means(one * other) - mean_a * mean_b
    ncc = covariance / np.sqrt(np.maximum(var_a * var_b, 1e-6))
    return ncc, np.sqrt(var_a), np.sqrt(var_b)


def _votes(
    reference: Grey, current: Grey, warp: NDArray[np.float32]
) -> tuple[int, int, int, int, bool]:
    """(tiles favouring the transform, tiles favouring none, tiles matching in place, tiles
    textured in both pictures, whether the overlap lost most of the tiles with something on
    them)."""
    size = (current.shape[1], current.shape[0])
    still = reference.astype(np.float32)
    now = current.astype(np.float32)
    moved = np.asarray(cv2.warpAffine(still, warp, size, flags=cv2.INTER_LINEAR), np.float32)
    inside = cv2.warpAffine(np.ones(reference.shape, np.float32), warp, size)
    ncc_moved, _, _ = _tile_ncc(now, moved)
    ncc_still, std_now, std_ref = _tile_ncc(now, still)
    covered = _tile_means(np.asarray(inside, np.float32)) >= 0.9
    textured = (std_now >= SUPPORT_MIN_STD) & (std_ref >= SUPPORT_MIN_STD)
    voting = textured & covered
    favour = int(np.count_nonzero(voting & (ncc_moved >= ncc_still + SUPPORT_MARGIN)))
    against = int(np.count_nonzero(voting & (ncc_still >= ncc_moved + SUPPORT_MARGIN)))
    matching = int(np.count_nonzero(textured & (ncc_still >= SUPPORT_MATCH)))
    either = (std_now >= SUPPORT_MIN_STD) | (std_ref >= SUPPORT_MIN_STD)
    overlap = _tile_means(np.asarray(inside, np.float32)) >= 0.5
    lost = 2 * int(np.count_nonzero(either & overlap)) < int(np.count_nonzero(either))
    return favour, against, matching, int(np.count_nonzero(textured)), lost


def _align(
    anchor: Anchor, current: Picture, *, spread: float, min_correlation: float = 0.6
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
    if anchor.grey.shape != current.grey.shape or len(pyramid) != len(anchor.pyramid):
        return Alignment(status="failed", reason="size differs from the reference")
    size = (current.grey.shape[1], current.grey.shape[0])
    consensus = _consensus(anchor.features, _features(current.grey))
    if consensus is not None:
        refined = _refine_consensus(anchor.templates, pyramid, consensus)
        if refined is not None and _agree(refined[1], consensus, size):
            return _alignment_from_warp(refined[1], refined[0], current, "refined")
        rho = _correlation(anchor.grey, current.grey, consensus)
        return _alignment_from_warp(consensus, rho, current, "features")

    best = _ecc_level(anchor.pyramid[0], pyramid[0], np.eye(2, 3, dtype=np.float32), 0)
    if best is None or best[0] < ALIGN_GOOD_START:
        for start in _starts(anchor.pyramid[0], pyramid[0]):
            found = _ecc_level(anchor.pyramid[0], pyramid[0], start, 0)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
            if best is not None and best[0] >= ALIGN_GOOD_START:
                break
    if best is None:
        return Alignment(status="failed", reason="did not converge")
    refined = _refine(anchor.pyramid, pyramid, best[1], 0) if len(pyramid) > 1 else best
    if refined is None:
        return Alignment(status="failed", reason="did not converge")
    rho, warp = refined
    if rho < min_correlation:
        return Alignment(
            status="failed", correlation=rho, reason=f"no match (correlation {rho:.2f})"
        )
    return _alignment_from_warp(warp, rho, current, "ecc")


def _alignment_from_warp(
    warp: NDArray[np.float32], rho: float, current: Picture, method: str
) -> Alignment:
    # The warp maps reference coordinates to current ones; take its closest similarity.
    height, width = current.grey.shape
    rotation, _, scale = _similarity(warp, (width, height))
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0, 1.0], dtype=np.float64)
    moved = warp.astype(np.float64) @ centre - centre[:2]
    factor = current.source_per_work_pixel
    return Alignment(
        warp=np.asarray(warp, np.float32),
        status="ok",
        rotation_deg=rotation,
        shift_x_px=float(moved[0]) * factor,
        shift_y_px=float(moved[1]) * factor,
        scale=scale,
        correlation=rho,
        method=method,
    )
