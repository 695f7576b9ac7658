"""Judgements: which flags one sample's measurements call for, against tunable thresholds.

Invariant: a judgement is a pure function of the measurements and the `Thresholds`; it keeps no
state, so the same sample judged twice gives the same hits. Whether a hit becomes a raised flag
(N hits in a row, M good samples to clear) is `state`'s business, not this module's.

Rules: `black` and `dark` exclude each other (black wins); a black picture is never `frozen`;
sharpness and framing are judged only on a picture bright enough and with enough spread, since
a dark or flat picture looks blurred whatever the lens does. Every hit says what it rests on
(`basis`): `blurred` on the reference's sharpness or, without one, on an absolute floor;
`tilted` on the reference or, without one, on a large, agreeing line angle (a weak hint);
`moved` on the reference — a shift or zoom beyond the thresholds, or a clear picture that no
longer matches the reference at all (`no_match`); `frozen` on the picture or on the stream's
repeated timestamps. The VQD kinds: `overexposed` on the mean luma (`mean`) or the clipped
share (`clipped`); `low_contrast` on the luma range (`spread`); `colour_cast` and `noisy` on
the reference (`reference`) or, weaker, on absolute figures (`absolute`); `stripes` on the row
profile (`rows`); `covered` on the reference only; `shaking` on consecutive samples
(`consecutive`); `no_signal` on colour bars (`colour_bars`) or a one-colour card (`card`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .measure import Change, Measurement
from .quality import Quality, chroma_change

Flag = Literal[
    "dark",
    "black",
    "frozen",
    "blurred",
    "tilted",
    "moved",
    "overexposed",
    "low_contrast",
    "colour_cast",
    "noisy",
    "stripes",
    "covered",
    "shaking",
    "no_signal",
]
FLAGS: Final[tuple[Flag, ...]] = (
    "dark",
    "black",
    "frozen",
    "blurred",
    "tilted",
    "moved",
    "overexposed",
    "low_contrast",
    "colour_cast",
    "noisy",
    "stripes",
    "covered",
    "shaking",
    "no_signal",
)

Stillness = Literal["first", "identical", "still", "refreshed", "noise", "moving"]
"""How a sample compares with the picture standing so far: `identical` (bit-identical after
decode, or the stream repeated its timestamp), `still` (repeats one of the encodings seen
since the picture stood, within compression noise), `noise` (same structure, but new per-pixel
noise — a live, motionless scene), `moving` (the structure changed). `refreshed` is set by the
freeze window: a new encoding of a standing picture inside a still run (a key frame), which
does not end the run unless live noise goes on."""

Metric = float | int | str | bool | None

_DECIBELS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*dB\s*$", re.IGNORECASE)


class ThresholdError(ValueError):
    """A threshold override names an unknown setting or gives it an unusable value."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every number a judgement depends on; each deployment and each venue may override any.

    Luma is full-range 0–255. Shares are fractions 0–1.
    """

    dark_luma: float = 55.0
    """Mean luma below which a picture is dark."""
    black_level: float = 25.0
    """A pixel at or below this luma is near-black (FFmpeg blackdetect's pix_th 0.10)."""
    black_share: float = 0.98
    """Share of near-black pixels from which a picture is black (blackdetect's pic_th)."""

    blur_min_spread: float = 20.0
    """Luma spread (std) below which sharpness is not judged."""
    blur_detail: float = 0.02
    """Without a reference: contrast-normalised sharpness below which a picture is blurred (a
    weak test: scenes differ in detail far more than blur takes away)."""
    blur_vs_reference: float = 0.6
    """With a reference: share of the reference's sharpness below which a picture is blurred."""

    tilt_deg: float = 1.5
    """Rotation against the reference beyond which a picture is tilted."""
    tilt_line_deg: float = 8.0
    """Without a reference: line angle beyond which a picture is tilted."""
    tilt_line_agreement: float = 0.6
    """Without a reference: share of the line length that must agree on the angle."""
    tilt_line_min_lines: int = 4
    moved_shift: float = 0.03
    """Shift of the picture's centre, as a share of its width, beyond which it has moved."""
    moved_scale: float = 0.05
    """Zoom in or out (relative) beyond which a picture has moved."""
    alignment_min_correlation: float = 0.6
    """An alignment correlating less with the reference is not trusted for tilt or move."""

    freeze_pixel_noise: float = 8.0
    """A cell of the picture (4×4 grey-copy pixels) whose mean luma changed by more than this
    (0–255) has changed: re-encoding a held picture moves a cell's mean by 0–3, people by more."""
    freeze_changed_share: float = 0.002
    """Share of changed cells above which the picture is moving."""
    freeze_noise: float = 0.00025
    """Mean per-pixel difference at full resolution, as a share of full scale, at or below which
    a sample repeats the last one (like freezedetect's n: -72 dB, 0.064 grey levels; FFmpeg's
    default of -60 dB would take a live, motionless room for a frozen picture). Accepts "-72dB"."""
    freeze_seconds: float = 6.0
    """How long (stream time) a picture must stay unchanged to be frozen (freezedetect's d)."""
    freeze_refreshes: int = 2
    """New encodings in a row that a still run survives (key frames re-coding the held
    picture); one more, and the picture is taken as live — a live room is new at every sample."""

    overexposed_luma: float = 190.0
    """Mean luma from which a picture is over-exposed."""
    overexposed_share: float = 0.15
    """Share of clipped white pixels (≥ 245) from which a picture is over-exposed…"""
    overexposed_share_luma: float = 150.0
    """…when its mean luma is also at least this (a bright window in a normal room is not), or
    when twice that share is clipped."""
    overexposed_vs_reference: float = 0.08
    """With a reference: share of the pixels clipped white now and not in the reference…"""
    overexposed_light: float = 1.3
    """…from which a picture whose mean luma also rose by this factor over the reference's is
    over-exposed (+1 EV lifts mid-tones by about 1.37): the camera let in more light than the
    room's own picture holds. 0 turns the comparison off."""
    low_contrast_spread: float = 48.0
    """2nd–98th percentile luma range below which a visible picture is washed out / grey."""
    low_contrast_vs_reference: float = 0.35
    """With a reference: share of the reference's luma range below which a picture is washed
    out, when its light did not go with the range (the mean kept at least twice that share of
    the reference's): a veil lifts the black, a dimming takes the range and the light alike.
    0 turns the comparison off."""
    colour_cast_offset: float = 50.0
    """Without a reference: distance of the mean chroma (per pixel relative to its luma, Cb/Cr
    8-bit at a luma of 128) from grey from which a picture is tinted… (a weak test: a warm
    scene is warm)"""
    colour_cast_ratio: float = 2.0
    """…when it also exceeds the chroma's spread by this factor (a colourful room is not)."""
    colour_cast_vs_reference: float = 12.0
    """With a reference: offset of the tiles' chroma from the reference's, beyond a change of
    saturation (median over the tiles with a valid chroma in both), that is a cast."""
    noisy_sigma: float = 8.0
    """Without a reference: full-resolution noise (std, grey levels) from which a picture is
    snowy."""
    noisy_vs_reference: float = 2.5
    """With a reference: noise this many times the reference's…"""
    noisy_min_sigma: float = 5.0
    """…and at least this much (std, grey levels)."""
    stripes_amplitude: float = 4.0
    """Amplitude (grey levels) of a periodic row pattern from which a picture is striped."""
    stripes_agreement: float = 0.55
    """Share of that amplitude every third and half of the picture must show."""
    stripes_purity: float = 0.3
    """Share of the row profile's detail that must be in that one period."""
    covered_share: float = 0.25
    """With a reference: share of the picture hidden behind something out of focus that is
    not the room's brightness (`obstruction`) from which the lens is covered…"""
    covered_kept_contrast: float = 0.6
    """…and the tiles still showing detail keep at least this share of the reference's
    contrast there (a washed-out picture loses it everywhere)…"""
    covered_matched: float = 0.95
    """…unless the reference, brought onto the picture by the alignment, correlates with it at
    least this well: a picture that matches as a whole hides nothing (a moved view differs
    from the reference tile by tile, behind nothing). Above 1: never."""
    shaking_shift: float = 0.005
    """Shift of the whole picture between consecutive samples or within a burst, found by
    phase correlation on a 160-pixel-wide copy, as a share of the width, that is a shake…"""
    shaking_travel: float = 0.002
    """…and, where both samples are aligned with the reference, how far the picture's farthest
    corner travelled between their poses (a shift and a turn), as a share of the width: 4 px
    at 1080p, three times the most that poses of a still camera on real footage with people
    walking were seen to differ by."""
    shaking_response: float = 0.1
    """Phase-correlation peak below which that shift is not trusted (people, not the camera)."""
    no_signal_column_std: float = 4.0
    """Colour bars: columns of the upper two thirds vary vertically less than this…"""
    no_signal_bars: int = 5
    """…in at least this many bands…"""
    no_signal_saturation: float = 20.0
    """…of mean chroma at least this (a grey gradient is not a test pattern)."""
    no_signal_flat: float = 0.85
    """A card: share of flat tiles from which a picture of one saturated colour is a card."""

    raise_after: int = 2
    """Consecutive hits that raise a flag."""
    clear_after: int = 2
    """Consecutive good samples that clear a raised flag."""
    kind_counts: tuple[tuple[str, int, int], ...] = ()
    """Per kind (kind, raise_after, clear_after) where it differs from the general counts; set
    as `raise_after.<kind>` / `clear_after.<kind>`."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Thresholds:
        return cls().with_overrides(values)

    def with_overrides(self, values: Mapping[str, object]) -> Thresholds:
        """A copy with the given settings replaced; unknown names and bad values are refused."""
        known = {f.name: f for f in dataclasses.fields(self) if f.name != "kind_counts"}
        changes: dict[str, Any] = {}
        counts = {kind: (raise_n, clear_n) for kind, raise_n, clear_n in self.kind_counts}
        for name, raw in values.items():
            which, dot, kind = name.partition(".")
            if dot and which in ("raise_after", "clear_after") and kind in FLAGS:
                value = int(_coerce(name, raw, integer=True))
                if value < 1:
                    raise ThresholdError(f"{name} must be at least 1")
                current = counts.get(kind, (0, 0))
                counts[kind] = (
                    (value, current[1]) if which == "raise_after" else (current[0], value)
                )
                continue
            if name not in known:
                raise ThresholdError(f"unknown frame-check threshold {name!r}")
            changes[name] = _coerce(name, raw, integer=known[name].type in ("int", int))
        changes["kind_counts"] = tuple((kind, *counts[kind]) for kind in FLAGS if kind in counts)
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def counts(self, flag: Flag) -> tuple[int, int]:
        """(raise_after, clear_after) for one kind: its own where set, else the general ones."""
        for kind, raise_n, clear_n in self.kind_counts:
            if kind == flag:
                return (raise_n or self.raise_after, clear_n or self.clear_after)
        return (self.raise_after, self.clear_after)

    def validate(self) -> None:
        for kind, raise_n, clear_n in self.kind_counts:
            if kind not in FLAGS or raise_n < 0 or clear_n < 0:
                raise ThresholdError(f"the counts of {kind!r} are not usable")
        for name in (
            "black_share",
            "freeze_changed_share",
            "tilt_line_agreement",
            "freeze_noise",
            "stripes_purity",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ThresholdError(f"{name} must be between 0 and 1")
        for name in ("raise_after", "clear_after", "tilt_line_min_lines"):
            if getattr(self, name) < 1:
                raise ThresholdError(f"{name} must be at least 1")
        for name in ("freeze_refreshes", "no_signal_bars"):
            if getattr(self, name) < 0:
                raise ThresholdError(f"{name} must not be negative")
        for name in (
            "covered_share",
            "covered_kept_contrast",
            "overexposed_share",
            "overexposed_vs_reference",
            "no_signal_flat",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ThresholdError(f"{name} must be between 0 and 1")
        for field in dataclasses.fields(self):
            if field.name != "kind_counts" and getattr(self, field.name) < 0:
                raise ThresholdError(f"{field.name} must not be negative")

    def as_dict(self) -> dict[str, float | int]:
        values: dict[str, float | int] = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "kind_counts"
        }
        for kind, raise_n, clear_n in self.kind_counts:
            if raise_n:
                values[f"raise_after.{kind}"] = raise_n
            if clear_n:
                values[f"clear_after.{kind}"] = clear_n
        return values


def _coerce(name: str, raw: object, *, integer: bool) -> float | int:
    value: float
    if isinstance(raw, bool):
        raise ThresholdError(f"{name} must be a number, not {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and name == "freeze_noise" and (match := _DECIBELS.match(raw)):
        value = 10.0 ** (float(match.group(1)) / 20.0)
    elif isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            raise ThresholdError(f"{name} must be a number, not {raw!r}") from None
    else:
        raise ThresholdError(f"{name} must be a number, not {raw!r}")
    if not math.isfinite(value):
        raise ThresholdError(f"{name} must be finite")
    if integer:
        if value != int(value):
            raise ThresholdError(f"{name} must be a whole number")
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Motion:
    """A sample's change from the last non-frozen sample, and how long the picture has stood."""

    change: Change | None
    stillness: Stillness
    still_seconds: float
    """Stream time since the picture last changed; 0 unless this sample is still or identical."""
    timestamp_repeated: bool = False
    jitter_px: float | None = None
    """How far (source pixels) the picture moved since the previous sample (its farthest
    corner, when measured on the poses); None for the first sample of a stream or when the
    movement could not be told from people moving."""
    jitter_response: float | None = None
    """Strength of the phase-correlation peak that shift rests on (0–1); None when it comes
    from the alignments against the reference."""
    jitter_basis: str | None = None
    """What the shift was measured on: "pose" (the alignments of consecutive samples),
    "consecutive" (consecutive samples phase-correlated) or "burst"."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One flag called for by one sample, with the figures that called for it."""

    flag: Flag
    metrics: Mapping[str, Metric]
    basis: str | None = None


def stillness(
    change: Change | None, *, timestamp_repeated: bool, thresholds: Thresholds
) -> Stillness:
    if timestamp_repeated:
        return "identical"
    if change is None:
        return "first"
    if change.identical:
        return "identical"
    if change.changed_share > thresholds.freeze_changed_share:
        return "moving"
    if change.fine_mad <= thresholds.freeze_noise * 255.0:
        return "still"
    return "noise"


def judge(measurement: Measurement, motion: Motion, thresholds: Thresholds) -> dict[Flag, Hit]:
    """Precedence (what a fault makes meaningless is not judged): `black` excludes every other
    kind; `no_signal` (a test pattern) every other but `black`; a covered lens excludes the
    picture's contrast, colour, sharpness and framing; an over-exposed picture excludes `dark`,
    `low_contrast`, `covered`, colour, sharpness and framing; a washed-out one (`low_contrast`) excludes
    `covered`, colour, sharpness and framing."""
    hits: dict[Flag, Hit] = {}
    exposure = measurement.exposure
    black = exposure.black_share >= thresholds.black_share
    if black:
        hits["black"] = Hit(
            "black", {"black_share": exposure.black_share, "luma_mean": exposure.luma_mean}
        )
        return hits
    quality = measurement.quality
    if quality is not None and (pattern := _no_signal(quality, thresholds)) is not None:
        hits["no_signal"] = pattern
        return hits
    overexposed = _overexposed(measurement, thresholds)
    washed = None if overexposed else _low_contrast(measurement, thresholds)
    # A picture washed out as a whole is not a lens covered in part, nor is one whose clipped
    # white is flat where the reference had detail.
    covered = None if washed or overexposed else _covered(measurement, thresholds)
    if covered is not None:
        hits["covered"] = covered
    if overexposed is not None:
        hits["overexposed"] = overexposed
    elif exposure.luma_mean < thresholds.dark_luma:
        hits["dark"] = Hit("dark", {"luma_mean": exposure.luma_mean})

    if washed is not None and covered is None:
        hits["low_contrast"] = washed
    # Clipping, darkness and a washed-out picture distort the chroma and wipe out the detail
    # the sharpness and the framing are judged on: those are judged on a normal picture only.
    if covered is None and overexposed is None and washed is None:
        if blurred := _blurred(measurement, thresholds):
            hits["blurred"] = blurred
        for hit in _geometry(measurement, thresholds, visible=_visible(measurement, thresholds)):
            hits[hit.flag] = hit
        # Another view has other colours, and a turned one other colours in each tile: a cast
        # is judged only while the view is the reference's (or, without one, on absolute
        # figures).
        if (
            "dark" not in hits
            and "moved" not in hits
            and "tilted" not in hits
            and (cast := _colour_cast(measurement, thresholds))
        ):
            hits["colour_cast"] = cast
    if snow := _noisy(measurement, thresholds):
        hits["noisy"] = snow
    if striped := _stripes(measurement, thresholds):
        hits["stripes"] = striped
    # Behind a covered lens the room's pose is guessed from what is left of it.
    if covered is None and (shake := _shaking(measurement, motion, thresholds)):
        hits["shaking"] = shake

    if motion.still_seconds >= thresholds.freeze_seconds:
        metrics: dict[str, Metric] = {"still_seconds": motion.still_seconds}
        if motion.change is not None:
            metrics["diff_fine_mad"] = motion.change.fine_mad
            metrics["diff_changed_share"] = motion.change.changed_share
        basis = "timestamp" if motion.timestamp_repeated else "picture"
        hits["frozen"] = Hit("frozen", metrics, basis)
    return hits


def _no_signal(quality: Quality, thresholds: Thresholds) -> Hit | None:
    pattern = quality.pattern
    metrics: dict[str, Metric] = {
        "pattern_column_std": pattern.column_std,
        "pattern_bars": pattern.bars,
        "pattern_saturation": pattern.saturation,
        "flat_share": quality.flat_share,
    }
    if (
        pattern.column_std <= thresholds.no_signal_column_std
        and pattern.bars >= thresholds.no_signal_bars
        and pattern.saturation >= thresholds.no_signal_saturation
    ):
        return Hit("no_signal", metrics, "colour_bars")
    if (
        quality.flat_share >= thresholds.no_signal_flat
        and quality.colour.offset >= thresholds.no_signal_saturation
        # A card is saturated in absolute terms (a full blue has a luma of 29 but a chroma of
        # 112); a dark room's chroma is only large relative to its dim light.
        and pattern.saturation >= thresholds.no_signal_saturation
    ):
        return Hit("no_signal", {**metrics, "chroma_offset": quality.colour.offset}, "card")
    return None


def _covered(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    """Judged on a picture bright enough only: dimming flattens every tile, and a dark picture
    is `dark` whatever darkened it."""
    quality, reference = measurement.quality, measurement.reference_quality
    alignment = measurement.alignment
    if (
        quality is None
        or reference is None
        or measurement.exposure.luma_mean < thresholds.dark_luma
        or (
            alignment is not None
            and alignment.status == "ok"
            and (alignment.correlation or 0.0) >= thresholds.covered_matched
        )
    ):
        return None
    hidden = measurement.obstruction or 0.0
    # A covered lens leaves the rest of the room at its contrast; a washed-out picture loses
    # it everywhere (that is `low_contrast`, even when it only nears the threshold). Where the
    # reference has too little detail to tell tile by tile, the luma range tells.
    kept = measurement.contrast_kept
    keeps_contrast = (
        kept >= thresholds.covered_kept_contrast
        if kept is not None
        else quality.tone.spread >= thresholds.covered_kept_contrast * reference.tone.spread
    )
    if keeps_contrast and hidden >= thresholds.covered_share:
        metrics: dict[str, Metric] = {
            "flat_share": quality.flat_share,
            "reference_flat_share": reference.flat_share,
            "obstruction": hidden,
            "contrast_kept": kept,
            "luma_mean": measurement.exposure.luma_mean,
        }
        return Hit("covered", metrics, "reference")
    return None


def _overexposed(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    quality, reference = measurement.quality, measurement.reference_quality
    bright = quality.tone.bright_share if quality is not None else 0.0
    mean = measurement.exposure.luma_mean
    metrics: dict[str, Metric] = {"luma_mean": mean, "bright_share": bright}
    if mean >= thresholds.overexposed_luma:
        return Hit("overexposed", metrics, "mean")
    if bright >= thresholds.overexposed_share and (
        mean >= thresholds.overexposed_share_luma or bright >= 2.0 * thresholds.overexposed_share
    ):
        return Hit("overexposed", metrics, "clipped")
    if reference is None or thresholds.overexposed_light <= 0.0:
        return None
    newly_clipped = bright - reference.tone.bright_share
    light = mean / max(reference.tone.mean, 1.0)
    if (
        newly_clipped >= thresholds.overexposed_vs_reference
        and light >= thresholds.overexposed_light
    ):
        return Hit(
            "overexposed", {**metrics, "newly_clipped": newly_clipped, "light": light}, "reference"
        )
    return None


def _low_contrast(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    quality, reference = measurement.quality, measurement.reference_quality
    exposure = measurement.exposure
    if quality is None or exposure.luma_mean < thresholds.dark_luma:
        return None
    metrics: dict[str, Metric] = {
        "luma_spread": quality.tone.spread,
        "luma_mean": exposure.luma_mean,
    }
    if quality.tone.spread < thresholds.low_contrast_spread:
        return Hit("low_contrast", metrics, "spread")
    if reference is None or reference.tone.spread < thresholds.low_contrast_spread:
        return None
    range_kept = quality.tone.spread / reference.tone.spread
    light_kept = quality.tone.mean / max(reference.tone.mean, 1.0)
    if range_kept < thresholds.low_contrast_vs_reference and light_kept >= 2.0 * range_kept:
        metrics["range_kept"] = range_kept
        metrics["light_kept"] = light_kept
        return Hit("low_contrast", metrics, "reference")
    return None


def _colour_cast(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    quality, reference = measurement.quality, measurement.reference_quality
    if quality is None:
        return None
    colour = quality.colour
    metrics: dict[str, Metric] = {
        "chroma_cb": colour.cb,
        "chroma_cr": colour.cr,
        "chroma_offset": colour.offset,
        "cast_factor": colour.cast,
    }
    if reference is not None:
        # Tile by tile, the offset that is not a change of saturation: a washed-out picture
        # fades towards grey, people and objects change some tiles; a cast moves them all.
        change = chroma_change(colour, reference.colour, contrast_kept=measurement.contrast_kept)
        if change is None:  # too little valid chroma (clipped or dark) to judge
            return None
        if change.cast >= thresholds.colour_cast_vs_reference:
            found = {
                **metrics,
                "chroma_shift": change.cast,
                "chroma_scale": change.scale,
                "chroma_valid": change.valid,
            }
            return Hit("colour_cast", found, "reference")
        return None
    if (
        colour.offset >= thresholds.colour_cast_offset
        and colour.cast >= thresholds.colour_cast_ratio
    ):
        return Hit("colour_cast", metrics, "absolute")
    return None


def _noisy(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    quality, reference = measurement.quality, measurement.reference_quality
    if quality is None:
        return None
    sigma = quality.noise_sigma
    metrics: dict[str, Metric] = {"noise_sigma": sigma}
    if reference is not None:
        floor = max(
            thresholds.noisy_min_sigma, thresholds.noisy_vs_reference * reference.noise_sigma
        )
        if sigma >= floor:
            return Hit(
                "noisy", {**metrics, "reference_noise_sigma": reference.noise_sigma}, "reference"
            )
        return None
    if sigma >= thresholds.noisy_sigma:
        return Hit("noisy", metrics, "absolute")
    return None


def _stripes(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    quality = measurement.quality
    if quality is None:
        return None
    stripes = quality.stripes
    if (
        stripes.amplitude >= thresholds.stripes_amplitude
        and stripes.agreement >= thresholds.stripes_agreement
        and stripes.purity >= thresholds.stripes_purity
    ):
        metrics: dict[str, Metric] = {
            "stripe_amplitude": stripes.amplitude,
            "stripe_period": stripes.period_rows,
            "stripe_agreement": stripes.agreement,
            "stripe_purity": stripes.purity,
        }
        return Hit("stripes", metrics, "rows")
    return None


def _shaking(measurement: Measurement, motion: Motion, thresholds: Thresholds) -> Hit | None:
    limit = thresholds.shaking_travel if motion.jitter_basis == "pose" else thresholds.shaking_shift
    if motion.jitter_px is None or motion.jitter_px < limit * measurement.width:
        return None
    if motion.jitter_response is not None and motion.jitter_response < thresholds.shaking_response:
        return None
    metrics: dict[str, Metric] = {"jitter_px": motion.jitter_px}
    if motion.jitter_response is not None:
        metrics["jitter_response"] = motion.jitter_response
    return Hit("shaking", metrics, motion.jitter_basis or "consecutive")


def _visible(measurement: Measurement, thresholds: Thresholds) -> bool:
    """Bright enough and with enough spread for sharpness and framing to be judged."""
    exposure = measurement.exposure
    return (
        exposure.black_share < thresholds.black_share
        and exposure.luma_mean >= thresholds.dark_luma
        and exposure.luma_std >= thresholds.blur_min_spread
    )


def _blurred(measurement: Measurement, thresholds: Thresholds) -> Hit | None:
    if not _visible(measurement, thresholds):
        return None
    exposure = measurement.exposure
    detail = measurement.sharpness.detail
    relative = measurement.detail_vs_reference
    metrics: dict[str, Metric] = {
        "sharpness": measurement.sharpness.sharpness,
        "detail": detail,
        "luma_mean": exposure.luma_mean,
        "luma_std": exposure.luma_std,
    }
    if relative is not None and relative < thresholds.blur_vs_reference:
        return Hit("blurred", {**metrics, "detail_vs_reference": relative}, "reference")
    if detail < thresholds.blur_detail:
        return Hit("blurred", metrics, "absolute")
    return None


def _geometry(measurement: Measurement, thresholds: Thresholds, *, visible: bool) -> list[Hit]:
    alignment = measurement.alignment
    if alignment is None:
        lines = measurement.line_angle
        if (
            lines is not None
            and abs(lines.angle_deg) > thresholds.tilt_line_deg
            and lines.agreement >= thresholds.tilt_line_agreement
            and lines.lines >= thresholds.tilt_line_min_lines
        ):
            metrics = {"line_angle_deg": lines.angle_deg, "line_agreement": lines.agreement}
            return [Hit("tilted", metrics, "line_angle")]
        return []
    if alignment.status == "failed" and visible:
        # A clear picture that cannot be matched with the reference shows another view.
        metrics_lost: dict[str, Metric] = {
            "alignment": alignment.status,
            "alignment_reason": alignment.reason,
            "alignment_correlation": alignment.correlation,
        }
        return [Hit("moved", metrics_lost, "no_match")]
    if (
        alignment.status != "ok"
        or alignment.rotation_deg is None
        or alignment.scale is None
        or alignment.shift_px is None
        or (alignment.correlation or 0.0) < thresholds.alignment_min_correlation
    ):
        return []
    hits: list[Hit] = []
    if abs(alignment.rotation_deg) > thresholds.tilt_deg:
        metrics_tilt: dict[str, Metric] = {
            "rotation_deg": alignment.rotation_deg,
            "alignment_correlation": alignment.correlation,
        }
        hits.append(Hit("tilted", metrics_tilt, "reference"))
    zoom = max(alignment.scale, 1.0 / alignment.scale) - 1.0 if alignment.scale > 0 else math.inf
    if (
        alignment.shift_px > thresholds.moved_shift * measurement.width
        or zoom > thresholds.moved_scale
    ):
        metrics_moved: dict[str, Metric] = {
            "shift_px": alignment.shift_px,
            "shift_x_px": alignment.shift_x_px,
            "shift_y_px": alignment.shift_y_px,
            "scale": alignment.scale,
            "alignment_correlation": alignment.correlation,
        }
        hits.append(Hit("moved", metrics_moved, "reference"))
    return hits
