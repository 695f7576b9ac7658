"""Audio measurements: one window of a venue's sound (mono, float samples in −1…1) in figures.

Invariant: a measurement is a pure function of the samples and their rate; it keeps no state and
reads no clock. The window is cut into Hann-windowed frames of `FRAME_SECONDS` (half overlap), so
a one-second window costs a handful of small FFTs — well under the 2 ms per second of audio the
sampler may spend. Levels are dBFS (0 dB is a full-scale square wave's RMS); silence gives
`SILENCE_DB`, never −inf, so every figure is finite and JSON-ready.

What each figure is for:
- `rms_dbfs`, `peak_dbfs`: is there sound at all (`silent`), and how loud (a full-scale sine is 0 dBFS);
- `clip_ratio`: share of samples stuck at full scale in runs (digital clipping, `clipping`);
- `flatness`: spectral flatness of the window's mean spectrum (1 for white noise, near 0 for
  speech or a tone); `floor_flatness` the same on the quietest quarter of the frames and
  `floor_dbfs` their level — broadband noise keeps the floor up, and flat, where speech falls
  silent between words (`noise`);
- `hum_ratio`, `hum_prominence_db`, `hum_harmonics`: share of the low band's energy at the mains
  frequency and its harmonics, how far those narrow bands stand above their neighbours and how
  many do, at 1 Hz resolution over the whole window (`hum`);
- `tone_hz`, `tone_dbfs`, `tone_prominence_db`, `tone_persistence`: the strongest narrow peak,
  its level, how far it stands above the spectrum around it and in what share of the frames it
  holds the same bin (`feedback`, whose growth the judgement follows across windows);
- `speech_dbfs`, `speech_share`, `active_share`: sound in the speech band (300–3400 Hz) and the
  share of frames carrying it (`leak`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

Samples = NDArray[np.float32]

ANALYSIS_RATE: Final = 16_000
"""Sources are resampled to this rate (mono) before they are measured."""
FRAME_SECONDS: Final = 0.128
"""2048 samples at 16 kHz: 7.8 Hz per bin, fine enough to separate 50 Hz harmonics."""
SILENCE_DB: Final = -120.0
SPEECH_BAND: Final = (300.0, 3400.0)
TONE_BAND: Final = (200.0, 7000.0)
FLATNESS_BAND: Final = (150.0, 7000.0)
HUM_HARMONICS: Final = 6
HUM_HALF_WIDTH_HZ: Final = 1.5
_FLANK_HZ: Final = (4.0, 15.0)
_HUM_RATE: Final = 2000
_HUM_BAND_TOP: Final = 700.0
_TONE_NEIGHBOURHOOD_HZ: Final = 300.0
_ACTIVE_ABOVE_FLOOR_DB: Final = 10.0
_EPS: Final = 1e-20
_HUM_STANDING_DB: Final = 10.0


class AudioError(ValueError):
    """Samples that cannot be measured (empty, wrong shape, not finite, impossible rate)."""


@dataclass(frozen=True, slots=True)
class AudioMeasurement:
    seconds: float
    rms_dbfs: float
    peak_dbfs: float
    clip_ratio: float
    flatness: float
    floor_flatness: float
    steady_dbfs: float
    floor_dbfs: float
    hum_ratio: float
    hum_prominence_db: float
    hum_harmonics: int
    tone_hz: float
    tone_dbfs: float
    tone_prominence_db: float
    tone_persistence: float
    speech_dbfs: float
    speech_share: float
    active_share: float

    def as_metrics(self) -> dict[str, float | int]:
        """The figures rounded for display and JSON."""
        return {
            "seconds": round(self.seconds, 3),
            "rms_dbfs": round(self.rms_dbfs, 1),
            "peak_dbfs": round(self.peak_dbfs, 1),
            "clip_ratio": round(self.clip_ratio, 5),
            "flatness": round(self.flatness, 3),
            "floor_flatness": round(self.floor_flatness, 3),
            "steady_dbfs": round(self.steady_dbfs, 1),
            "floor_dbfs": round(self.floor_dbfs, 1),
            "hum_ratio": round(self.hum_ratio, 3),
            "hum_prominence_db": round(self.hum_prominence_db, 1),
            "hum_harmonics": self.hum_harmonics,
            "tone_hz": round(self.tone_hz, 1),
            "tone_dbfs": round(self.tone_dbfs, 1),
            "tone_prominence_db": round(self.tone_prominence_db, 1),
            "tone_persistence": round(self.tone_persistence, 2),
            "speech_dbfs": round(self.speech_dbfs, 1),
            "speech_share": round(self.speech_share, 3),
            "active_share": round(self.active_share, 2),
        }


def db(power: float) -> float:
    """A power (mean square) in dBFS, a full-scale sine being 0 dBFS (AES17), floored at
    `SILENCE_DB`."""
    value = 2.0 * float(power)
    if value <= 10.0 ** (SILENCE_DB / 10.0):
        return SILENCE_DB
    return 10.0 * float(np.log10(value))


def as_samples(data: NDArray[np.generic]) -> Samples:
    """Mono float32 samples from float (−1…1) or 16-bit integer samples; channels are averaged
    when the array is (frames, channels)."""
    array = np.asarray(data)
    if array.ndim == 2:
        array = array.mean(axis=1) if array.dtype.kind == "f" else array.astype(np.float32).mean(1)
    if array.ndim != 1:
        raise AudioError("audio samples must be one channel or (frames, channels)")
    if array.dtype == np.int16:
        return (array.astype(np.float32) / 32768.0).astype(np.float32)
    if array.dtype.kind == "f":
        return array.astype(np.float32, copy=False)
    raise AudioError(f"audio samples of type {array.dtype} are not supported")


class _Plan:
    """Frequency bands of the analysis rate, computed once per (rate, frame size)."""

    def __init__(self, rate: int, size: int) -> None:
        self.rate = rate
        self.size = size
        self.window = np.hanning(size).astype(np.float32)
        # Mean-square of a full-scale sine through the window, so that a spectrum's sum is the
        # frame's power (Parseval, with the window's energy taken out).
        self.scale = 2.0 / (float(np.sum(self.window**2)) * size)
        freqs = np.fft.rfftfreq(size, 1.0 / rate)
        self.bin_hz = float(freqs[1])
        self.freqs = freqs
        self.usable = (freqs >= 20.0) & (freqs <= rate / 2 * 0.95)
        self.speech = (freqs >= SPEECH_BAND[0]) & (freqs <= SPEECH_BAND[1])
        self.flat = (freqs >= FLATNESS_BAND[0]) & (freqs <= min(FLATNESS_BAND[1], rate * 0.45))
        self.tone_lo = int(np.searchsorted(freqs, TONE_BAND[0]))
        self.tone_hi = int(np.searchsorted(freqs, min(TONE_BAND[1], rate * 0.45)))
        self.neighbour_bins = max(4, round(_TONE_NEIGHBOURHOOD_HZ / self.bin_hz))


_PLANS: dict[tuple[int, int], _Plan] = {}


def _plan(rate: int, size: int) -> _Plan:
    plan = _PLANS.get((rate, size))
    if plan is None:
        plan = _PLANS[(rate, size)] = _Plan(rate, size)
    return plan


def measure_audio(
    samples: Samples,
    *,
    rate: int = ANALYSIS_RATE,
    clip_level: float = 0.99,
    hum_frequency: float = 50.0,
) -> AudioMeasurement:
    """Measure one window (typically a second) of mono samples at `rate`."""
    if not 4000 <= rate <= 192_000:
        raise AudioError(f"a sample rate of {rate} Hz cannot be analysed")
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim != 1 or x.size == 0:
        raise AudioError("an audio window must be a non-empty run of mono samples")
    if not np.isfinite(x).all():
        raise AudioError("audio samples must be finite")
    size = 1 << max(8, round(np.log2(rate * FRAME_SECONDS)))
    if x.size < size:
        x = np.pad(x, (0, size - x.size))
    plan = _plan(rate, size)

    square = x.astype(np.float64) ** 2
    rms_power = float(square.mean())
    peak = float(np.abs(x).max())
    clip_ratio = _clip_ratio(x, clip_level)

    hop = size // 2
    count = 1 + (x.size - size) // hop
    frames = np.lib.stride_tricks.as_strided(
        x, shape=(count, size), strides=(x.strides[0] * hop, x.strides[0]), writeable=False
    )
    spectra = np.abs(np.fft.rfft(frames * plan.window, axis=1)) ** 2 * plan.scale
    spectra[:, ~plan.usable] = 0.0
    frame_power = spectra.sum(axis=1)
    mean_spectrum = spectra.mean(axis=0)
    total = float(mean_spectrum.sum())

    frame_db = 10.0 * np.log10(frame_power + _EPS)
    floor_power = float(np.partition(frame_power, count // 10)[count // 10])
    speech_frames = spectra[:, plan.speech].sum(axis=1)
    loud_speech = np.sort(speech_frames)[-max(1, count // 4) :].mean()
    active = frame_db >= max(db(floor_power) + _ACTIVE_ABOVE_FLOOR_DB, -60.0)

    flatness = _flatness(mean_spectrum[plan.flat])
    # The floor: per bin, the lower quartile over the frames (minimum statistics) — a steady
    # noise stays there, flat; speech, whose harmonics and formants move, mostly falls away.
    steady = np.partition(spectra[:, plan.flat], count // 4, axis=0)[count // 4]
    floor_flatness = _flatness(steady)
    steady_dbfs = db(float(steady.sum()))

    hum_ratio, hum_prominence, hum_harmonics = _hum(x[: samples.size], rate, hum_frequency)
    tone = _tone(spectra, mean_spectrum, plan)

    return AudioMeasurement(
        seconds=samples.size / rate,
        rms_dbfs=db(rms_power),
        peak_dbfs=20.0 * float(np.log10(peak)) if peak > 1e-6 else SILENCE_DB,
        clip_ratio=clip_ratio,
        flatness=flatness if total > 1e-12 else 0.0,
        floor_flatness=floor_flatness if total > 1e-12 else 0.0,
        steady_dbfs=steady_dbfs,
        floor_dbfs=db(floor_power),
        hum_ratio=hum_ratio,
        hum_prominence_db=hum_prominence,
        hum_harmonics=hum_harmonics,
        tone_hz=tone[0],
        tone_dbfs=tone[1],
        tone_prominence_db=tone[2],
        tone_persistence=tone[3],
        speech_dbfs=db(float(loud_speech)),
        speech_share=float(mean_spectrum[plan.speech].sum() / total) if total > 1e-12 else 0.0,
        active_share=float(active.mean()) if total > 1e-12 else 0.0,
    )


def _flatness(band: NDArray[np.float64]) -> float:
    """Geometric over arithmetic mean of a power spectrum: 1 for white noise, near 0 for tones."""
    band = band + _EPS
    return float(np.exp(np.mean(np.log(band))) / np.mean(band))


def _clip_ratio(x: Samples, level: float) -> float:
    """Share of samples at or beyond `level` that sit in a run of at least two: a clipped wave
    is flat at full scale, a loud one only touches it."""
    at_limit = np.abs(x) >= level
    if not at_limit.any():
        return 0.0
    in_run = at_limit[1:] & at_limit[:-1]
    return float(in_run.sum()) / x.size


class _HumPlan:
    """Bins of the mains harmonics and of their flanks, for one window length and rate."""

    def __init__(self, size: int, low_rate: float, frequency: float) -> None:
        self.window = np.hanning(size)
        freqs = np.fft.rfftfreq(size, 1.0 / low_rate)
        bin_hz = float(freqs[1])
        self.in_range = (freqs >= 20.0) & (freqs <= _HUM_BAND_TOP)
        half = max(1, round(HUM_HALF_WIDTH_HZ / bin_hz))
        near = max(half + 1, round(_FLANK_HZ[0] / bin_hz))
        far = max(near + 1, round(_FLANK_HZ[1] / bin_hz))
        centres = [
            round(frequency * k / bin_hz)
            for k in range(1, HUM_HARMONICS + 1)
            if frequency * k <= _HUM_BAND_TOP and round(frequency * k / bin_hz) > far
        ]
        self.bands = np.array([np.arange(c - half, c + half + 1) for c in centres], dtype=np.intp)
        flank = np.concatenate((np.arange(-far, -near), np.arange(near + 1, far + 1)))
        self.flanks = np.array([c + flank for c in centres], dtype=np.intp)
        self.width = 2 * half + 1


_HUM_PLANS: dict[tuple[int, float, float], _HumPlan] = {}


def _hum(x: Samples, rate: int, frequency: float) -> tuple[float, float, int]:
    """Mains hum, on the whole window at 1/`seconds` Hz resolution (a hum is steady and sits
    exactly on multiples of the mains frequency; a voice's harmonics wander and smear): the
    energy share of the harmonic bands below `_HUM_BAND_TOP`, the prominence (dB) of the
    second most prominent harmonic over its flanks, and how many harmonics stand 10 dB above
    them. The window is first brought down to `_HUM_RATE` (block means), which is cheap."""
    factor = max(1, rate // _HUM_RATE)
    usable = x.size - x.size % factor
    if usable < _HUM_RATE // 4 or frequency <= 0:
        return 0.0, 0.0, 0
    low = x[:usable].reshape(-1, factor).mean(axis=1)
    key = (low.size, rate / factor, frequency)
    plan = _HUM_PLANS.get(key)
    if plan is None:
        plan = _HUM_PLANS[key] = _HumPlan(low.size, rate / factor, frequency)
    if plan.bands.size == 0:
        return 0.0, 0.0, 0
    spectrum = np.abs(np.fft.rfft(low * plan.window)) ** 2
    total = float(spectrum[plan.in_range].sum())
    if total <= 1e-12:
        return 0.0, 0.0, 0
    peaks = spectrum[plan.bands].sum(axis=1)
    flanks = spectrum[plan.flanks]
    middle = flanks.shape[1] // 2
    base = np.partition(flanks, middle, axis=1)[:, middle] * plan.width
    prominences = np.sort(10.0 * np.log10((peaks + _EPS) / (base + _EPS)))[::-1]
    second = float(prominences[1] if prominences.size > 1 else prominences[0])
    standing = int(np.count_nonzero(prominences >= _HUM_STANDING_DB))
    return float(peaks.sum()) / total, max(0.0, second), standing


def _tone(
    spectra: NDArray[np.float64], spectrum: NDArray[np.float64], plan: _Plan
) -> tuple[float, float, float, float]:
    """The strongest narrow peak of the mean spectrum in the tone band: frequency, level (dBFS),
    prominence over the median of its neighbourhood (dB) and the share of frames in which the
    same bin (±1) is the frame's strongest."""
    lo, hi = plan.tone_lo, plan.tone_hi
    band = spectrum[lo:hi]
    if band.size == 0 or float(band.max()) <= 1e-14:
        return 0.0, SILENCE_DB, 0.0, 0.0
    index = lo + int(np.argmax(band))
    level = float(spectrum[max(0, index - 1) : index + 2].sum())
    reach = plan.neighbour_bins
    around = np.concatenate(
        (spectrum[max(lo, index - reach) : max(lo, index - 3)], spectrum[index + 4 : index + reach])
    )
    base = (
        float(np.partition(around, around.size // 2)[around.size // 2]) * 3.0
        if around.size
        else 0.0
    )
    prominence = 10.0 * float(np.log10((level + _EPS) / (base + _EPS)))
    strongest = lo + np.argmax(spectra[:, lo:hi], axis=1)
    persistence = float(np.mean(np.abs(strongest - index) <= 1))
    return float(plan.freqs[index]), db(level), max(0.0, prominence), persistence
