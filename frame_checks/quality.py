"""Measurements for the picture faults a video-quality diagnosis (VQD) system looks for: tone
(over-exposure, low contrast), colour cast, snow noise, horizontal stripes, flat regions (a
covered lens) and the test patterns an encoder shows without a signal (colour bars, a solid
card).

Invariant: like `measure`, this module only measures and keeps no state. Every figure is taken
on what `measure.prepare` keeps of a frame (the grey copy, its small colour copy, a few
full-resolution rows and the rows' mean profile), so the figures do not depend on the source's
resolution, and none of them costs more than a fraction of a millisecond for a 1080p sample.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Final

import cv2
import numpy as np
from numpy.typing import NDArray

Grey = NDArray[np.uint8]

BRIGHT_LEVEL: Final = 245
"""A pixel at or above this luma is clipped white."""
TILE: Final = 16
"""Side (grey-copy pixels) of the tiles the flat share is counted on."""
OBSTRUCTION_STEP: Final = 12.0
"""Change of a tile's mean luma (grey levels) that shows another thing in front of the lens."""
FLAT_STD: Final = 2.5
"""A tile whose luma varies less than this (std, grey levels) is flat: a covered lens, a card."""
DETAIL_SIGMA: Final = 1.5
"""Blur (grey-copy pixels) whose difference from the grey copy is a tile's fine detail."""
SHARP_EDGE: Final = 2.0
"""Gain of fine detail (std) along a region's border, over the reference's there, that shows
the region's edge in focus."""
_NEIGHBOURS: Final = np.ones((3, 3), np.uint8)
LOST_DETAIL: Final = 0.5
"""A tile lost its detail when that fell below this share of the reference's, beyond the
change of the tile's light."""
SHADING_SPREAD: Final = 6.0
"""Spread (std, grey levels) of a region's tile means in the reference from which its light
and shade tell whether the room is still behind it…"""
SHADING_FOLLOWS: Final = 0.5
"""…by the region's tile means still correlating with the reference's at least this much."""
SMOOTH_STD: Final = 1.5
"""A tile whose fine detail varies less than this (std, grey levels) shows nothing in focus;
the grey copy's sensor noise stays below it."""
STRIPE_MIN_CYCLES: Final = 12
"""Row profiles vary over the height with a scene's layout; only a period that repeats at least
this often over the picture's height (three times in each quarter) can be a stripe pattern."""
STRIPE_CANDIDATES: Final = 6
"""How many of the strongest periods are weighed as stripes."""
BAR_EDGE: Final = 40.0
"""Colour step (sum over B, G, R) between neighbouring columns that separates two bars."""
COLOUR_GRID: Final = (8, 6)
"""Columns and rows of the tiles the chroma is compared on with the reference's."""
CHROMA_LUMA: Final = (32, 235)
"""Luma range in which a pixel's chroma tells its colour: darker, noise dominates it; brighter,
a channel clips and the chroma is the clipping's, not the scene's."""
CHROMA_MIN_VALID: Final = 0.5
"""Share of the tiles whose chroma must be valid now and in the reference for a comparison."""
CHROMA_MIN_SPREAD: Final = 3.0
"""Spread of the reference's tile chroma (robust, Cb/Cr units) below which the picture is too
grey to tell a loss of saturation from none."""
CHROMA_FADED: Final = 0.8
"""Share of the reference's luma contrast below which a picture has faded (its saturation is
estimated, not taken as kept)."""
_NOISE_KERNEL: Final = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
"""Immerkær's operator: blind to linear ramps, so its output on a picture is mostly its noise;
for white noise of σ its output has a standard deviation of 6σ."""


@dataclass(frozen=True, slots=True)
class Tone:
    bright_share: float
    """Share of clipped white pixels."""
    low: float
    """2nd percentile of luma."""
    high: float
    """98th percentile of luma."""
    mean: float = 0.0
    """Mean luma."""

    @property
    def spread(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class Colour:
    cb: float
    """Mean blue-difference chroma, centred on 0 (YCbCr, 8 bits, scaled to a luma of 128)."""
    cr: float
    """Mean red-difference chroma, centred on 0 (scaled likewise)."""
    spread: float
    """How much the chroma varies across the picture (std of Cb and Cr, combined)."""
    tiles: NDArray[np.float32] | None = field(default=None, compare=False, repr=False)
    """Mean (Cb, Cr) of each tile of a `COLOUR_GRID` (rows × columns × 2), over the pixels
    whose luma is in `CHROMA_LUMA`; NaN for a tile with too few of them."""

    @property
    def offset(self) -> float:
        """Distance of the mean chroma from grey."""
        return math.hypot(self.cb, self.cr)

    @property
    def cast(self) -> float:
        """The mean's distance from grey against the chroma's spread: a picture with a cast is
        tinted as a whole, a colourful one varies around grey (Xu et al.'s cast factor)."""
        return self.offset / max(self.spread, 1.0)


@dataclass(frozen=True, slots=True)
class ChromaChange:
    """How the picture's chroma relates to the reference's, tile by tile: c = scale·r + cast.

    A wrong white balance adds one offset to every tile's chroma (relative to its luma); a veil
    of light, a washed-out or faded picture scales all chroma towards grey (the offset stays
    near 0); an object or people in front of the camera change a minority of the tiles, which
    the medians leave out."""

    cb: float
    cr: float
    scale: float
    """Saturation now against the reference's (robust spread of the tiles' chroma)."""
    valid: float
    """Share of the tiles compared (valid now and in the reference)."""

    @property
    def cast(self) -> float:
        return math.hypot(self.cb, self.cr)


@dataclass(frozen=True, slots=True)
class Stripes:
    amplitude: float
    """Amplitude (grey levels) of the strongest periodic component of the row profile."""
    period_rows: float
    """Its period as a share of the picture's height."""
    agreement: float
    """The weakest of its amplitudes in the left, middle and right thirds and in each quarter
    of the height, over its amplitude in the whole: near 1 for bars across the whole picture."""
    purity: float = 0.0
    """Share of the profile's detail (power above the lowest frequencies) in that component:
    bars repeat one period, a few horizontal lines (a table, a shelf) spread over many."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """How far the picture looks like a test pattern (colour bars or a solid card)."""

    column_std: float
    """Vertical variation of the columns of the upper two thirds, rows of text left out (the
    90th percentile over the columns)."""
    bars: int
    """Number of bands wider than 1/20 of the width with a colour step between them."""
    saturation: float
    """Mean chroma magnitude of the upper two thirds."""


@dataclass(frozen=True, slots=True)
class Quality:
    tone: Tone
    colour: Colour
    noise_sigma: float
    """Estimated per-pixel noise (std, grey levels) at the source's full resolution."""
    flat_share: float
    """Share of the grey copy's tiles that are flat."""
    stripes: Stripes
    pattern: Pattern


def measure_tone(grey: Grey) -> Tone:
    histogram = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(histogram) / max(1.0, float(grey.size))
    return Tone(
        bright_share=float(histogram[BRIGHT_LEVEL:].sum()) / grey.size,
        low=float(np.searchsorted(cumulative, 0.02)),
        high=float(np.searchsorted(cumulative, 0.98)),
        mean=float(histogram @ np.arange(256.0)) / max(1.0, float(grey.size)),
    )


def measure_colour(chroma: NDArray[np.uint8] | None, grey: Grey) -> Colour:
    """`chroma` is the small copy's Cr and Cb planes (H×W×2); a grey source has none. Each
    pixel's chroma is taken relative to its luma (scaled to a mid-grey of 128): dimming a
    picture leaves it as it is, and a wrong white balance tints every pixel alike, so a cast
    shows as an offset with little spread."""
    if chroma is None:
        return Colour(cb=0.0, cr=0.0, spread=0.0)
    scale = 128.0 / np.maximum(grey.astype(np.float32), 32.0)
    cr = (chroma[:, :, 0].astype(np.float32) - 128.0) * scale
    cb = (chroma[:, :, 1].astype(np.float32) - 128.0) * scale
    mean_cb, std_cb = cv2.meanStdDev(cb)
    mean_cr, std_cr = cv2.meanStdDev(cr)
    return Colour(
        cb=float(mean_cb[0, 0]),
        cr=float(mean_cr[0, 0]),
        spread=math.hypot(float(std_cb[0, 0]), float(std_cr[0, 0])),
        tiles=_chroma_tiles(cb, cr, grey),
    )


def _chroma_tiles(cb: NDArray[Any], cr: NDArray[Any], grey: Grey) -> NDArray[np.float32] | None:
    columns, rows = COLOUR_GRID
    height, width = (grey.shape[0] // rows) * rows, (grey.shape[1] // columns) * columns
    if height == 0 or width == 0:
        return None
    low, high = CHROMA_LUMA
    weight = ((grey >= low) & (grey <= high)).astype(np.float32)[:height, :width]
    size = (columns, rows)
    share = cv2.resize(weight, size, interpolation=cv2.INTER_AREA)
    tiles = np.empty((rows, columns, 2), np.float32)
    for index, plane in enumerate((cb, cr)):
        total = cv2.resize(plane[:height, :width] * weight, size, interpolation=cv2.INTER_AREA)
        tiles[:, :, index] = total / np.maximum(share, 1e-6)
    tiles[share < 0.5] = np.nan
    return tiles


def chroma_change(
    colour: Colour, reference: Colour, *, contrast_kept: float | None = None
) -> ChromaChange | None:
    """The offset and the saturation scale that take the reference's tile chroma to the
    picture's (`ChromaChange`); None when too few tiles have a valid chroma in both. A fading
    takes luma contrast away with the saturation: the saturation is taken as kept unless the
    picture kept less than `CHROMA_FADED` of the reference's contrast (an object in view also
    narrows the chroma's spread, but leaves the rest of the room's contrast)."""
    if (
        colour.tiles is None
        or reference.tiles is None
        or colour.tiles.shape != reference.tiles.shape
    ):
        return None
    now = colour.tiles.reshape(-1, 2)
    before = reference.tiles.reshape(-1, 2)
    both = ~(np.isnan(now).any(axis=1) | np.isnan(before).any(axis=1))
    valid = float(np.count_nonzero(both)) / both.size
    if valid < CHROMA_MIN_VALID:
        return None
    now, before = now[both].astype(np.float64), before[both].astype(np.float64)

    def spread(values: NDArray[Any]) -> float:
        return float(np.median(np.hypot(*(values - np.median(values, axis=0)).T)))

    reference_spread = spread(before)
    scale = 1.0
    faded = contrast_kept is not None and contrast_kept < CHROMA_FADED
    if faded and reference_spread >= CHROMA_MIN_SPREAD:
        # Fading only takes saturation away; more spread is other things in view, not a gain.
        scale = min(spread(now) / reference_spread, 1.0)
    offset = np.median(now - scale * before, axis=0)
    return ChromaChange(cb=float(offset[0]), cr=float(offset[1]), scale=scale, valid=valid)


def measure_noise(strips: tuple[Grey, ...]) -> float:
    """Robust noise estimate on a few full-resolution bands: the median absolute response of
    Immerkær's operator, which edges and texture (a minority of pixels) do not move much."""
    histogram = np.zeros(256, np.float64)
    for strip in strips:
        if strip.shape[0] < 3 or strip.shape[1] < 3:
            continue
        response = cv2.filter2D(strip, cv2.CV_16S, _NOISE_KERNEL)[1:-1, 1:-1]
        magnitude = cv2.convertScaleAbs(response)  # saturates at 255, far above any median
        histogram += cv2.calcHist([magnitude], [0], None, [256], [0, 256]).ravel()
    total = float(histogram.sum())
    if total == 0.0:
        return 0.0
    cumulative = np.cumsum(histogram)
    below = int(np.searchsorted(cumulative, total / 2.0))
    # The response is whole numbers: place the median inside its bin for a smooth estimate.
    before = float(cumulative[below - 1]) if below > 0 else 0.0
    inside = (total / 2.0 - before) / max(float(histogram[below]), 1.0)
    median = max(0.0, below - 0.5 + inside)
    return 1.4826 * median / 6.0


def tile_stats(grey: Grey) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Mean and variance of each `TILE`² tile of a grey copy."""
    rows, columns = max(1, grey.shape[0] // TILE), max(1, grey.shape[1] // TILE)
    tiles = grey[: rows * TILE, : columns * TILE].astype(np.float32)
    mean = cv2.resize(tiles, (columns, rows), interpolation=cv2.INTER_AREA)
    square = cv2.resize(tiles * tiles, (columns, rows), interpolation=cv2.INTER_AREA)
    return np.asarray(mean), np.asarray(square - mean * mean)


def tile_detail(grey: Grey) -> NDArray[np.float32]:
    """Variance of each `TILE`² tile's fine detail: the grey copy less its blur at
    `DETAIL_SIGMA`. A smooth gradient (light falling off across an out-of-focus hand, the soft
    edge of a cloth) has none; edges and texture keep theirs."""
    rows, columns = max(1, grey.shape[0] // TILE), max(1, grey.shape[1] // TILE)
    picture = grey[: rows * TILE, : columns * TILE].astype(np.float32)
    fine = picture - cv2.GaussianBlur(picture, (0, 0), DETAIL_SIGMA)
    return np.asarray(cv2.resize(fine * fine, (columns, rows), interpolation=cv2.INTER_AREA))


@dataclass(frozen=True, slots=True)
class Tiles:
    """A grey copy's `TILE`² tiles: their mean luma, its variance, and their fine detail's
    (`tile_detail`) standard deviation."""

    mean: NDArray[np.float32]
    variance: NDArray[np.float32]
    detail: NDArray[np.float32]

    @classmethod
    def of(cls, grey: Grey) -> Tiles:
        mean, variance = tile_stats(grey)
        return cls(mean=mean, variance=variance, detail=np.sqrt(tile_detail(grey)))


@dataclass(frozen=True, slots=True)
class TileChange:
    """How the picture's tiles relate to the reference's (see `compare_tiles`)."""

    obstruction: float
    """Share of the tiles in regions hidden by something out of focus in front of the lens."""
    contrast_kept: float | None
    """Median, over the tiles that keep detail, of their luma spread against the reference's."""


def _outer_border(region: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The tiles next to a region that lie outside it, not in a hole of it (a hole has at
    most three neighbours, itself included, that are not the region's)."""
    outside = cv2.copyMakeBorder(
        (~region).astype(np.float32), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1.0
    )
    open_around = cv2.filter2D(outside, -1, _NEIGHBOURS.astype(np.float32))[1:-1, 1:-1]
    near = cv2.dilate(region.astype(np.uint8), _NEIGHBOURS).astype(bool)
    return near & ~region & (open_around >= 4.0)


def _shading_kept(now: NDArray[np.float32], before: NDArray[np.float32]) -> bool:
    """Whether a region's tiles still show the reference's light and shade from tile to tile,
    scaled by the region's own change of light, as a dimmer or brighter room does; a cloth in
    front of it shows its own smooth fall of light instead. A region the reference shows as
    plain cannot tell."""
    spread = float(before.std())
    if now.size < 4 or spread < SHADING_SPREAD:
        return True
    light = float(np.median(now / np.maximum(before, 1.0)))
    follows = float(np.corrcoef(now, before)[0, 1]) if float(now.std()) > 0 else 0.0
    return float(now.std()) >= LOST_DETAIL * light * spread and follows >= SHADING_FOLLOWS


def compare_tiles(now: Tiles, before: Tiles) -> TileChange | None:
    """An object in front of the lens hides part of the room behind one region that is out of
    focus and is not the room's brightness. A tile is hidden when it shows no fine detail now
    and either had some in the reference or departs from the reference's brightness; the
    hidden tiles that touch make regions, and a region is an object when most of it lost its
    detail and most of it changed brightness. The room's own change of light (a lamp, the
    camera's exposure) is the median gain of the tiles that keep their detail: a tile has
    changed when its mean departs from the reference's times that gain by more than
    `OBSTRUCTION_STEP`. A blurred picture loses the detail but keeps each tile's brightness;
    a dimmed wall changes brightness but never had detail to lose.

    The tiles that keep detail also tell how much contrast the picture kept (`contrast_kept`,
    None when the reference has too little detail to tell): near 1 beside an object in front
    of part of the lens, the transmission (0.1–0.4) under a veil of light or a washed-out
    encoder. None when the two are not the same size."""
    if now.mean.shape != before.mean.shape:
        return None
    mean, variance, detail_now = now.mean, now.variance, now.detail
    ref_mean, ref_variance, detail_before = before.mean, before.variance, before.detail
    detailed_now, detailed_before = detail_now >= SMOOTH_STD, detail_before >= SMOOTH_STD
    kept = detailed_now & detailed_before
    enough = max(4, kept.size // 10)
    gain = 1.0
    if np.count_nonzero(kept) >= enough:
        gain = float(np.median(mean[kept] / np.maximum(ref_mean[kept], 1.0)))
    changed = np.abs(mean - gain * ref_mean) > OBSTRUCTION_STEP
    # Less light takes detail away with it: detail is lost where it, or the tile's whole
    # contrast, fell far more than the tile's light did (near the noise, only the contrast
    # still tells a dark cloth from a dimmer room).
    light = mean / np.maximum(ref_mean, 1.0)
    darker = LOST_DETAIL * light
    faded = (detail_now < darker * detail_before) | (variance < (darker * darker) * ref_variance)
    lost = detailed_before & ~detailed_now & faded
    hidden = ~detailed_now & (lost | changed)
    count, labels = cv2.connectedComponents(hidden.astype(np.uint8), connectivity=8)
    objects = 0
    for label in range(1, count):
        region = labels == label
        size = int(np.count_nonzero(region))
        # Close to the lens a thing is far out of focus: its edge blurs into the room. A thing
        # in focus (someone standing close by) draws a sharp edge the room did not have.
        border = _outer_border(region)
        if (
            border.any()
            and float(np.median(detail_now[border] - detail_before[border])) >= SHARP_EDGE
        ):
            continue
        if (
            5 * np.count_nonzero(region & lost) >= size
            or not _shading_kept(mean[region], ref_mean[region])
        ) and 2 * np.count_nonzero(region & changed) >= size:
            objects += size
    contrast: float | None = None
    spread_before = ref_variance >= (4.0 * FLAT_STD) ** 2
    if np.count_nonzero(spread_before) >= enough:
        both = spread_before & detailed_now
        contrast = (
            float(np.median(np.sqrt(variance[both] / ref_variance[both]))) if both.any() else 0.0
        )
    return TileChange(obstruction=objects / hidden.size, contrast_kept=contrast)


def measure_flat_share(grey: Grey) -> float:
    rows, columns = grey.shape[0] // TILE, grey.shape[1] // TILE
    if rows == 0 or columns == 0:
        return 0.0
    tiles = grey[: rows * TILE, : columns * TILE].astype(np.float32)
    size = (columns, rows)
    mean = cv2.resize(tiles, size, interpolation=cv2.INTER_AREA)
    square = cv2.resize(tiles * tiles, size, interpolation=cv2.INTER_AREA)
    variance = square - mean * mean
    return float(np.count_nonzero(variance < FLAT_STD * FLAT_STD)) / variance.size


@functools.cache
def _hann(length: int) -> NDArray[np.float64]:
    return np.hanning(length)


def _amplitudes(
    profiles: NDArray[np.float64], cycles_per_row: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Amplitudes of some frequencies in each column of `profiles` (Hann-windowed, mean
    removed): one row of amplitudes per column."""
    n = profiles.shape[0]
    window = _hann(n)
    centred = (profiles - profiles.mean(axis=0)) * window[:, None]
    phase = np.exp(-2j * math.pi * np.outer(np.arange(n), cycles_per_row))
    return np.asarray(2.0 * np.abs(centred.T @ phase) / max(float(window.sum()), 1e-9))


def measure_stripes(rows: NDArray[np.float32]) -> Stripes:
    """`rows` is the full-resolution row-mean profile of the left, middle and right thirds
    (H×3). Stripes are one periodic component, at the same period and of similar strength in
    every third and every quarter: a scene's horizontal lines are not all of that."""
    height = rows.shape[0]
    if height < 4 * STRIPE_MIN_CYCLES:
        return Stripes(amplitude=0.0, period_rows=0.0, agreement=0.0)
    whole = rows.mean(axis=1).astype(np.float64)
    window = _hann(height)
    spectrum = np.abs(np.fft.rfft((whole - whole.mean()) * window))
    spectrum *= 2.0 / max(float(window.sum()), 1e-9)
    band = spectrum.copy()
    band[:STRIPE_MIN_CYCLES] = 0.0
    power = band * band
    total = float(power.sum())
    if total <= 0.0:
        return Stripes(amplitude=0.0, period_rows=0.0, agreement=0.0)

    def comb(fundamental: int) -> float:
        """Share of the detail in one period and its harmonics (thin lines have many)."""
        return sum(
            float(power[max(0, k - 1) : k + 2].sum())
            for k in range(fundamental, power.size, fundamental)
        )

    # A room's layout may outweigh the bars in the profile: weigh the strongest few periods.
    peaks = (
        np.flatnonzero((band[1:-1] >= band[:-2]) & (band[1:-1] >= band[2:]) & (band[1:-1] > 0)) + 1
    )
    if peaks.size == 0:
        return Stripes(amplitude=0.0, period_rows=0.0, agreement=0.0)
    candidates = peaks[np.argsort(band[peaks])[::-1][:STRIPE_CANDIDATES]]
    # Each candidate's weakest amplitude in each third (columns) and each quarter of the
    # height (a room's few horizontal lines leave some out), over the whole's.
    frequencies = candidates / height
    quarter = height // 4
    quarters = whole[: 4 * quarter].reshape(4, quarter).T
    parts = np.vstack(
        [_amplitudes(rows.astype(np.float64), frequencies), _amplitudes(quarters, frequencies)]
    )
    agreements = parts.min(axis=0) / np.maximum(band[candidates], 1e-9)
    best = int(np.argmax(band[candidates] * agreements))
    peak = int(candidates[best])
    amplitude = float(band[peak])
    fundamentals = [peak // d for d in (1, 2, 3) if peak // d >= STRIPE_MIN_CYCLES]
    purity = max(comb(k) for k in fundamentals) / total
    return Stripes(
        amplitude=amplitude,
        period_rows=1.0 / max(peak, 1),
        agreement=float(agreements[best]),
        purity=purity,
    )


def measure_pattern(colour: NDArray[np.uint8] | None, chroma: NDArray[np.uint8] | None) -> Pattern:
    """Colour bars are columns of one colour each over (at least) the upper two thirds of the
    picture, in several saturated bands; a card is one colour everywhere. An encoder writes
    its clock or a message over the pattern: the rows that differ from the columns' colours
    far more than the typical row (a line of text) are left out of the columns' figures."""
    if colour is None or chroma is None:
        return Pattern(column_std=255.0, bars=0, saturation=0.0)
    upper = colour[: max(1, colour.shape[0] * 2 // 3)].astype(np.float32)
    flat = upper.reshape(upper.shape[0], -1)
    column_mean = cv2.reduce(flat, 0, cv2.REDUCE_AVG)
    # Rows of text stand out from the columns' colours along most of their length: leave out
    # the rows that differ from them far more than the typical row does.
    row_deviation = cv2.reduce(cv2.absdiff(flat, column_mean), 1, cv2.REDUCE_AVG).ravel()
    typical = float(np.median(row_deviation))
    kept = flat[row_deviation <= max(3.0 * typical, 2.0)]
    if kept.shape[0] < max(2, flat.shape[0] // 2):
        kept = flat
    column_colour = cv2.reduce(kept, 0, cv2.REDUCE_AVG).reshape(-1, 3)
    column_square = cv2.reduce(kept * kept, 0, cv2.REDUCE_AVG).reshape(-1, 3)
    variance = np.maximum(column_square - column_colour * column_colour, 0.0)
    # Bars fill the width: nearly every column is of one colour, not just most of them.
    column_std = float(np.percentile(np.sqrt(variance).mean(axis=1), 90))
    steps = np.abs(np.diff(column_colour, axis=0)).sum(axis=1)
    edges = np.flatnonzero(steps > BAR_EDGE)
    bounds = np.concatenate(([0], edges + 1, [column_colour.shape[0]]))
    widths = np.diff(bounds)
    bars = int(np.count_nonzero(widths >= max(2, column_colour.shape[0] // 20)))
    upper_chroma = chroma[: upper.shape[0]].astype(np.float32) - 128.0
    magnitude = cv2.magnitude(
        np.ascontiguousarray(upper_chroma[:, :, 0]), np.ascontiguousarray(upper_chroma[:, :, 1])
    )
    saturation = float(cv2.mean(magnitude)[0])
    return Pattern(column_std=column_std, bars=bars, saturation=saturation)
