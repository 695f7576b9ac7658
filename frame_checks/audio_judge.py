"""Audio judgements: which flags one window of a venue's sound calls for, given its audio state.

Invariant: a judgement is a pure function of the window's measurement, the venue's audio state,
the tone followed so far (`ToneTrack`, passed in) and the `AudioThresholds`; it keeps no state.

How a provincial meeting sounds decides the rules. County venues listen muted (`muted`,
静音收听) most of the time and are opened by the MCU to speak (`speaking`, 发言); before the
meeting each venue's sound is tested (`testing`, 调试). So:
- `muted`: any sound in the speech band is a `leak` (chatter, a phone ringing: 无关音视频干扰);
  nothing else is judged — a venue that should be silent has no sound quality to speak of;
- `speaking` and `testing`: `feedback` (a narrow tonal peak that persists and grows, or stands
  loud), `hum` (mains frequency and its harmonics), `clipping` (samples stuck at full scale),
  `noise` (a broadband floor that buries speech) and `silent` (no signal at all; raised only
  after `silent_after` windows, since speakers pause); `clipping` excludes `noise`. In `testing` a `silent` venue suggests a
  note on its 音频设备 rather than an interference incident (the app's business).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .audio import AudioMeasurement

AudioState = Literal["muted", "speaking", "testing"]
AUDIO_STATES: Final[tuple[AudioState, ...]] = ("muted", "speaking", "testing")
AudioFlag = Literal["leak", "feedback", "hum", "clipping", "noise", "silent"]
AUDIO_FLAGS: Final[tuple[AudioFlag, ...]] = (
    "leak",
    "feedback",
    "hum",
    "clipping",
    "noise",
    "silent",
)
AudioMetric = float | int | str | None


class AudioThresholdError(ValueError):
    """An audio threshold override names an unknown setting or gives it an unusable value."""


@dataclass(frozen=True, slots=True)
class AudioThresholds:
    """Every number an audio judgement depends on (levels in dBFS, a full-scale sine = 0)."""

    window_seconds: float = 1.0
    """Length of one judged window."""
    leak_dbfs: float = -45.0
    """`muted`: speech-band level (loudest quarter of the frames) from which sound leaks."""
    feedback_prominence_db: float = 25.0
    """How far a peak must stand above the spectrum around it to count as a tone."""
    feedback_persistence: float = 0.7
    """Share of a window's frames in which the tone must hold the same bin."""
    feedback_min_dbfs: float = -40.0
    """A quieter tone is not a howl."""
    feedback_growth_db: float = 6.0
    """Growth since the tone was first seen that makes it a howl…"""
    feedback_loud_dbfs: float = -20.0
    """…or a level at which a persisting tone is one whatever its history."""
    feedback_drift: float = 0.03
    """Relative frequency change within which a tone is the same tone from window to window."""
    hum_frequency: float = 50.0
    """Mains frequency (50 Hz in China)."""
    hum_prominence_db: float = 12.0
    """Prominence of the second strongest harmonic over its flanks."""
    hum_harmonics: int = 2
    """Harmonics (of the first six) that must stand 10 dB above their flanks."""
    hum_min_dbfs: float = -55.0
    """A hum quieter than this is not heard in a meeting."""
    clip_level: float = 0.99
    """A sample at or beyond this share of full scale is at the limit."""
    clip_ratio: float = 0.002
    """Share of samples clipped (in runs) from which a window is clipping."""
    noise_flatness: float = 0.12
    """Flatness of the steady part of the sound from which it is broadband noise (clean speech
    stays under 0.06, a fan or hiss above 0.15)…"""
    noise_floor_dbfs: float = -40.0
    """…when that steady part is at least this loud."""
    silence_peak_dbfs: float = -60.0
    """A window whose peak stays below this has no signal (silencedetect's noise=-60dB)."""
    silent_after: int = 5
    """Silent windows in a row that raise `silent` (a speaker pauses)."""
    raise_after: int = 2
    """Consecutive hits that raise any other flag."""
    clear_after: int = 3
    """Consecutive clean windows that clear a raised flag."""
    clip_seconds: float = 6.0
    """Seconds of sound kept as the evidence clip of a raised flag."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> AudioThresholds:
        return cls().with_overrides(values)

    def with_overrides(self, values: Mapping[str, object]) -> AudioThresholds:
        known = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in known:
                raise AudioThresholdError(f"unknown audio threshold {name!r}")
            changes[name] = _number(name, raw, integer=known[name].type in ("int", int))
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        for name in ("feedback_persistence", "feedback_drift", "clip_ratio", "noise_flatness"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise AudioThresholdError(f"{name} must be between 0 and 1")
        if not 0.0 < self.clip_level <= 1.0:
            raise AudioThresholdError("clip_level must be above 0 and at most 1")
        if not 0.25 <= self.window_seconds <= 10.0:
            raise AudioThresholdError("window_seconds must be between 0.25 and 10")
        if not 1.0 <= self.clip_seconds <= 30.0:
            raise AudioThresholdError("clip_seconds must be between 1 and 30")
        for name in ("raise_after", "clear_after", "silent_after", "hum_harmonics"):
            if getattr(self, name) < 1:
                raise AudioThresholdError(f"{name} must be at least 1")
        if not 0 < self.hum_frequency <= 1000:
            raise AudioThresholdError("hum_frequency must be between 0 and 1000 Hz")

    def raise_count(self, flag: AudioFlag) -> int:
        return self.silent_after if flag == "silent" else self.raise_after


def _number(name: str, raw: object, *, integer: bool) -> float | int:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise AudioThresholdError(f"{name} must be a number, not {raw!r}")
    try:
        value = float(raw)
    except ValueError:
        raise AudioThresholdError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise AudioThresholdError(f"{name} must be finite")
    if integer:
        if value != int(value):
            raise AudioThresholdError(f"{name} must be a whole number")
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class ToneTrack:
    """A tone followed across windows: where it was first seen, how loud then and at most."""

    hz: float
    first_dbfs: float
    peak_dbfs: float
    windows: int


@dataclass(frozen=True, slots=True)
class AudioHit:
    flag: AudioFlag
    metrics: Mapping[str, AudioMetric]
    basis: str


def is_tone(m: AudioMeasurement, thresholds: AudioThresholds) -> bool:
    return (
        m.tone_prominence_db >= thresholds.feedback_prominence_db
        and m.tone_persistence >= thresholds.feedback_persistence
        and m.tone_dbfs >= thresholds.feedback_min_dbfs
    )


def follow_tone(
    track: ToneTrack | None, m: AudioMeasurement, thresholds: AudioThresholds
) -> ToneTrack | None:
    """The tone track after this window: continued when the same tone persists, started afresh
    on a new one, dropped when no tone is heard."""
    if not is_tone(m, thresholds):
        return None
    if track is not None and abs(m.tone_hz - track.hz) <= thresholds.feedback_drift * track.hz:
        return ToneTrack(
            hz=m.tone_hz,
            first_dbfs=track.first_dbfs,
            peak_dbfs=max(track.peak_dbfs, m.tone_dbfs),
            windows=track.windows + 1,
        )
    return ToneTrack(hz=m.tone_hz, first_dbfs=m.tone_dbfs, peak_dbfs=m.tone_dbfs, windows=1)


def hum_dbfs(m: AudioMeasurement) -> float:
    return m.rms_dbfs + 10.0 * math.log10(m.hum_ratio) if m.hum_ratio > 0 else -120.0


def judge_audio(
    m: AudioMeasurement,
    *,
    state: AudioState,
    tone: ToneTrack | None,
    thresholds: AudioThresholds,
) -> dict[AudioFlag, AudioHit]:
    """The flags this window calls for; `tone` is the track including this window."""
    if state == "muted":
        leak = _leak(m, thresholds)
        return {"leak": leak} if leak else {}
    hits: dict[AudioFlag, AudioHit] = {}
    if m.peak_dbfs < thresholds.silence_peak_dbfs:
        hits["silent"] = AudioHit("silent", {"peak_dbfs": m.peak_dbfs}, state)
        return hits
    if m.clip_ratio >= thresholds.clip_ratio:
        hits["clipping"] = AudioHit(
            "clipping", {"clip_ratio": m.clip_ratio, "peak_dbfs": m.peak_dbfs}, "samples"
        )
    if feedback := _feedback(m, tone, thresholds):
        hits["feedback"] = feedback
    if (
        m.hum_harmonics >= thresholds.hum_harmonics
        and m.hum_prominence_db >= thresholds.hum_prominence_db
        and hum_dbfs(m) >= thresholds.hum_min_dbfs
    ):
        metrics: dict[str, AudioMetric] = {
            "hum_ratio": m.hum_ratio,
            "hum_prominence_db": m.hum_prominence_db,
            "hum_harmonics": m.hum_harmonics,
            "hum_dbfs": hum_dbfs(m),
        }
        hits["hum"] = AudioHit("hum", metrics, "mains")
    # Clipping spreads distortion over the whole band: a clipped window is judged `clipping`,
    # not `noise` (as a black picture is `black`, not `dark`).
    if (
        "clipping" not in hits
        and m.floor_flatness >= thresholds.noise_flatness
        and m.steady_dbfs >= thresholds.noise_floor_dbfs
    ):
        metrics_noise: dict[str, AudioMetric] = {
            "floor_flatness": m.floor_flatness,
            "steady_dbfs": m.steady_dbfs,
            "rms_dbfs": m.rms_dbfs,
        }
        hits["noise"] = AudioHit("noise", metrics_noise, "broadband")
    return hits


def _leak(m: AudioMeasurement, thresholds: AudioThresholds) -> AudioHit | None:
    if m.speech_dbfs < thresholds.leak_dbfs:
        return None
    if is_tone(m, thresholds) or m.tone_prominence_db >= thresholds.feedback_prominence_db:
        basis = "tone"
    elif m.active_share >= 0.1:
        basis = "speech"
    else:
        basis = "sound"
    metrics: dict[str, AudioMetric] = {
        "speech_dbfs": m.speech_dbfs,
        "rms_dbfs": m.rms_dbfs,
        "active_share": m.active_share,
    }
    return AudioHit("leak", metrics, basis)


def _feedback(
    m: AudioMeasurement, tone: ToneTrack | None, thresholds: AudioThresholds
) -> AudioHit | None:
    if tone is None or tone.windows < 2 or not is_tone(m, thresholds):
        return None
    growth = tone.peak_dbfs - tone.first_dbfs
    if growth >= thresholds.feedback_growth_db:
        basis = "growing"
    elif m.tone_dbfs >= thresholds.feedback_loud_dbfs:
        basis = "loud"
    else:
        return None
    metrics: dict[str, AudioMetric] = {
        "tone_hz": m.tone_hz,
        "tone_dbfs": m.tone_dbfs,
        "tone_prominence_db": m.tone_prominence_db,
        "tone_growth_db": growth,
        "tone_windows": tone.windows,
    }
    return AudioHit("feedback", metrics, basis)
