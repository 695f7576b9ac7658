"""Sub-pixel refinement of an affine alignment by inverse-compositional Gauss–Newton.

Invariant: the template side (the reference's gradients and their Gauss–Newton matrix) is
computed once per reference in `Template.of`; a refinement only warps the current picture and
solves a 6×6 system per iteration. Both pictures are compared zero-mean and unit-spread over the
part of the template the warped picture covers, so the fit seeks the correlation coefficient's
optimum as ECC does, at a fraction of `cv2.findTransformECC`'s cost per iteration; residuals are
Cauchy-weighted, so the people who moved in the room hardly pull on it.

A warp is a 2×3 affine matrix mapping template (reference) coordinates to picture coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

Warp = NDArray[np.float32]

_LINEAR_INVERSE: Final = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
_NEAREST_INVERSE: Final = cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP

MAX_ITERATIONS: Final = 12
STEP_DONE_PX: Final = 0.005
"""Largest movement (template pixels) of a step at the template's border that ends the loop."""
ROBUST_SCALE: Final = 0.5
"""Residual (in units of the pictures' spread) beyond which a pixel's pull fades."""
MIN_COVERED: Final = 0.5
"""Share of the template the warped picture must cover for the refinement to go on."""


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """A reference level readied for refinement."""

    image: NDArray[np.float32]
    gradients: NDArray[np.float32]
    """6×N: the template's gradient times the affine Jacobian at identity, about the centre."""
    inverse_hessian: NDArray[np.float64]
    centre: tuple[float, float]
    reach: float
    """Half the template's diagonal: how far a parameter change moves the border."""

    @classmethod
    def of(cls, image: NDArray[np.float32]) -> Template:
        height, width = image.shape
        gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3, scale=1.0 / 8.0).ravel()
        gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3, scale=1.0 / 8.0).ravel()
        cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
        xs, ys = np.meshgrid(
            np.arange(width, dtype=np.float32) - cx, np.arange(height, dtype=np.float32) - cy
        )
        xs, ys = xs.ravel(), ys.ravel()
        gradients = np.ascontiguousarray(np.stack([gx * xs, gy * xs, gx * ys, gy * ys, gx, gy]))
        wide = gradients.astype(np.float64)
        return cls(
            image=image,
            gradients=gradients,
            inverse_hessian=np.asarray(np.linalg.pinv(wide @ wide.T), dtype=np.float64),
            centre=(cx, cy),
            reach=float(np.hypot(width, height) / 2.0),
        )


def refine(
    template: Template,
    picture: NDArray[np.float32],
    warp: Warp,
    *,
    iterations: int = MAX_ITERATIONS,
    done_px: float = STEP_DONE_PX,
) -> tuple[float, Warp] | None:
    """The warp maximising the correlation of the picture with the template, starting from
    `warp`, and that correlation; None when the warp leaves too little of the template covered.
    The loop ends when a step moves the template's border by less than `done_px`."""
    height, width = template.image.shape
    size = (width, height)
    ones = np.ones(picture.shape, np.uint8)
    current = np.vstack([warp.astype(np.float64), [0.0, 0.0, 1.0]])
    cx, cy = template.centre
    rho = 0.0
    for _ in range(iterations):
        affine = current[:2].astype(np.float32)
        warped = cv2.warpAffine(picture, affine, size, flags=_LINEAR_INVERSE)
        covered = cv2.warpAffine(ones, affine, size, flags=_NEAREST_INVERSE)
        count = cv2.countNonZero(covered)
        if count < MIN_COVERED * covered.size:
            return None
        picture_mean, picture_spread = (
            float(v[0, 0]) for v in cv2.meanStdDev(warped, mask=covered)
        )
        mean, spread = (float(v[0, 0]) for v in cv2.meanStdDev(template.image, mask=covered))
        if picture_spread < 1e-6 or spread < 1e-6:
            return None
        # Both sides zero-mean and unit-spread over the covered part; nothing outside it counts.
        error = cv2.addWeighted(
            warped, 1.0 / picture_spread, template.image, -1.0 / spread,
            mean / spread - picture_mean / picture_spread,
        )  # fmt: skip
        error = np.multiply(error, covered, dtype=np.float32).ravel()
        squared = error * error
        rho = 1.0 - float(squared.sum()) / (2.0 * count)
        # Cauchy weights: pixels far off the fit, such as people who moved, barely pull the
        # warp. The Gauss–Newton matrix stays the template's own: the steps are shorter, the
        # optimum the same, and a start from the corners' consensus is close already.
        weighted = error / (1.0 + squared * (1.0 / ROBUST_SCALE**2))
        step = spread * (
            template.inverse_hessian @ (template.gradients @ weighted).astype(np.float64)
        )
        if not np.all(np.isfinite(step)):
            return None
        p1, p2, p3, p4, p5, p6 = (float(v) for v in step)
        increment = np.array(
            [
                [1.0 + p1, p3, p5 - p1 * cx - p3 * cy],
                [p2, 1.0 + p4, p6 - p2 * cx - p4 * cy],
                [0.0, 0.0, 1.0],
            ]
        )
        current = current @ np.linalg.inv(increment)
        moved = max(abs(p5), abs(p6)) + template.reach * max(abs(p1), abs(p2), abs(p3), abs(p4))
        if moved < done_px:
            break
    if not np.all(np.isfinite(current)):
        return None
    return rho, current[:2].astype(np.float32)
