"""Synthesised venue sound for the audio-check tests: speech-like voice and the faults added to it."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

RATE = 16_000
Samples = NDArray[np.float32]


def level(samples: NDArray[np.floating], dbfs: float) -> Samples:
    """Scaled so that its RMS is `dbfs` (a full-scale sine being 0 dBFS)."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    target = 10 ** (dbfs / 20) / np.sqrt(2)
    return (samples * (target / rms if rms > 0 else 0.0)).astype(np.float32)


def speech(seconds: float, *, seed: int = 0, dbfs: float = -22.0) -> Samples:
    """A voice-like signal: a harmonic series on a wandering pitch (95–220 Hz), shaped by
    moving formants, in syllables of 120–300 ms with short pauses between words."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    pitch = 140 + 40 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)) + 15 * rng.standard_normal()
    phase = 2 * np.pi * np.cumsum(np.clip(pitch, 95, 220)) / RATE
    envelope = np.zeros(n)
    position = 0
    formants: list[tuple[int, int, float, float]] = []
    while position < n:
        length = int(rng.uniform(0.12, 0.3) * RATE)
        gap = int(rng.choice([0.03, 0.05, 0.25]) * RATE)
        end = min(n, position + length)
        envelope[position:end] = np.hanning(end - position) ** 0.5
        formants.append((position, end, rng.uniform(350, 850), rng.uniform(900, 2300)))
        position = end + gap
    voice = np.zeros(n)
    for k in range(1, 30):
        harmonic = np.sin(k * phase)
        freq = k * np.clip(pitch, 95, 220)
        gain = np.zeros(n)
        for start, end, f1, f2 in formants:
            f = freq[start:end]
            gain[start:end] = np.exp(-(((f - f1) / 180) ** 2)) + 0.6 * np.exp(
                -(((f - f2) / 250) ** 2)
            )
        voice += gain * harmonic / k**0.5
    voice *= envelope
    voice += 0.02 * rng.standard_normal(n) * envelope  # breath
    room = 10 ** (-70 / 20) * rng.standard_normal(n)
    return level(voice, dbfs) + room.astype(np.float32)


def tone(seconds: float, hz: float, *, dbfs: float) -> Samples:
    t = np.arange(round(seconds * RATE)) / RATE
    return level(np.sin(2 * np.pi * hz * t), dbfs)


def howl(
    seconds: float, hz: float = 2300.0, *, start_dbfs: float = -45.0, end_dbfs: float = -8.0
) -> Samples:
    """Acoustic feedback: a tone that grows (exponentially, linear in dB) with a slight wobble."""
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    gain_db = np.linspace(start_dbfs, end_dbfs, n)
    wobble = hz * (1 + 0.002 * np.sin(2 * np.pi * 0.5 * t))
    phase = 2 * np.pi * np.cumsum(wobble) / RATE
    return (np.sqrt(2) * 10 ** (gain_db / 20) / np.sqrt(2) * np.sin(phase)).astype(np.float32)


def hum(seconds: float, *, dbfs: float = -35.0, frequency: float = 50.0) -> Samples:
    t = np.arange(round(seconds * RATE)) / RATE
    wave = sum(np.sin(2 * np.pi * frequency * k * t + k) / k for k in range(1, 7))
    return level(np.asarray(wave), dbfs)


def noise(seconds: float, *, dbfs: float = -25.0, seed: int = 1) -> Samples:
    rng = np.random.default_rng(seed)
    return level(rng.standard_normal(round(seconds * RATE)), dbfs)


def clipped(samples: Samples, *, gain_db: float = 24.0) -> Samples:
    return np.clip(samples * 10 ** (gain_db / 20), -1.0, 1.0).astype(np.float32)


def silence(seconds: float) -> Samples:
    return np.zeros(round(seconds * RATE), dtype=np.float32)
