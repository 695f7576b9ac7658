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
repeated timestamps.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .measure import Change, Measurement

Flag = Literal["dark", "black", "frozen", "blurred", "tilted", "moved"]
FLAGS: Final[tuple[Flag, ...]] = ("dark", "black", "frozen", "blurred", "tilted", "moved")

Stillness = Literal["first", "identical", "still", "refreshed", "noise", "moving"]
"""How a sample compares with the last non-frozen one: `identical` (bit-identical after decode,
or the stream repeated its timestamp), `still` (no change beyond compression noise), `noise`
(fresh per-pixel noise but no change in the picture — a live, motionless scene), `moving`.
`refreshed` is set by the freeze window: one noisy sample inside a still run, taken as the
encoder re-coding the held picture (a key frame)."""

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

    freeze_pixel_noise: float = 6.0
    """A grey-copy pixel that changed by more than this (0–255) has changed."""
    freeze_changed_share: float = 0.003
    """Share of changed grey-copy pixels above which the picture is moving."""
    freeze_noise: float = 0.00025
    """Mean per-pixel difference at full resolution, as a share of full scale, at or below which
    a sample repeats the last one (like freezedetect's n: -72 dB, 0.064 grey levels; FFmpeg's
    default of -60 dB would take a live, motionless room for a frozen picture). Accepts "-72dB"."""
    freeze_seconds: float = 6.0
    """How long (stream time) a picture must stay unchanged to be frozen (freezedetect's d)."""

    raise_after: int = 2
    """Consecutive hits that raise a flag."""
    clear_after: int = 2
    """Consecutive good samples that clear a raised flag."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Thresholds:
        return cls().with_overrides(values)

    def with_overrides(self, values: Mapping[str, object]) -> Thresholds:
        """A copy with the given settings replaced; unknown names and bad values are refused."""
        known = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                raise ThresholdError(f"unknown frame-check threshold {name!r}")
            changes[name] = _coerce(name, raw, integer=known[name].type in ("int", int))
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        for name in ("black_share", "freeze_changed_share", "tilt_line_agreement", "freeze_noise"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ThresholdError(f"{name} must be between 0 and 1")
        for name in ("raise_after", "clear_after", "tilt_line_min_lines"):
            if getattr(self, name) < 1:
                raise ThresholdError(f"{name} must be at least 1")
        for field in dataclasses.fields(self):
            if getattr(self, field.name) < 0:
                raise ThresholdError(f"{field.name} must not be negative")


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
    hits: dict[Flag, Hit] = {}
    exposure = measurement.exposure
    black = exposure.black_share >= thresholds.black_share
    if black:
        hits["black"] = Hit(
            "black", {"black_share": exposure.black_share, "luma_mean": exposure.luma_mean}
        )
    elif exposure.luma_mean < thresholds.dark_luma:
        hits["dark"] = Hit("dark", {"luma_mean": exposure.luma_mean})

    if blurred := _blurred(measurement, thresholds):
        hits["blurred"] = blurred
    for hit in _geometry(measurement, thresholds, visible=_visible(measurement, thresholds)):
        hits[hit.flag] = hit

    if not black and motion.still_seconds >= thresholds.freeze_seconds:
        metrics: dict[str, Metric] = {"still_seconds": motion.still_seconds}
        if motion.change is not None:
            metrics["diff_fine_mad"] = motion.change.fine_mad
            metrics["diff_changed_share"] = motion.change.changed_share
        basis = "timestamp" if motion.timestamp_repeated else "picture"
        hits["frozen"] = Hit("frozen", metrics, basis)
    return hits


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
