"""One venue's audio checks: sound arrives in chunks, is cut into windows, measured, judged
against the venue's audio state and counted against its flags.

Invariants: an `AudioChecker` is the only holder of a venue's audio memory (the partial window,
the tone it follows, its flag counts and the last `clip_seconds` of sound kept for evidence);
chunks must reach it in stream order. Memory is bounded: under one window of pending samples
plus the clip ring. A flag is raised after `raise_after` windows in a row hit it (`silent_after`
for `silent`) and cleared after `clear_after` windows that do not; each raise and clear is
reported once. Changing the audio state keeps the counts: flags of the old state clear by
themselves as clean windows come. Its methods take a lock, so the sampler's worker and the
web app (changing the state or the thresholds) may call it from different threads.
"""

from __future__ import annotations

import io
import threading
import wave
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .audio import ANALYSIS_RATE, AudioMeasurement, Samples, measure_audio
from .audio_judge import (
    AUDIO_FLAGS,
    AudioFlag,
    AudioHit,
    AudioMetric,
    AudioState,
    AudioThresholds,
    ToneTrack,
    follow_tone,
    judge_audio,
)


@dataclass(frozen=True, slots=True)
class AudioEvent:
    flag: AudioFlag
    kind: Literal["raised", "cleared"]
    at: float
    metrics: Mapping[str, AudioMetric] = field(default_factory=dict)
    basis: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class AudioResult:
    at: float
    """Stream time of the window's start, in seconds."""
    state: AudioState
    measurement: AudioMeasurement
    hits: Mapping[AudioFlag, AudioHit]
    active: frozenset[AudioFlag]
    events: tuple[AudioEvent, ...]
    clip: bytes | None = field(default=None, repr=False)
    """A WAV of the last seconds of sound, when this window raised a flag."""

    @property
    def flags(self) -> list[AudioFlag]:
        return [flag for flag in AUDIO_FLAGS if flag in self.active]

    @property
    def metrics(self) -> dict[str, float | int | str]:
        return {**self.measurement.as_metrics(), "audio_state": self.state}


class _Hysteresis:
    def __init__(self) -> None:
        self.hits: dict[AudioFlag, int] = dict.fromkeys(AUDIO_FLAGS, 0)
        self.misses: dict[AudioFlag, int] = dict.fromkeys(AUDIO_FLAGS, 0)
        self.active: set[AudioFlag] = set()

    def update(
        self,
        hits: Mapping[AudioFlag, AudioHit],
        *,
        at: float,
        metrics: Mapping[str, AudioMetric],
        thresholds: AudioThresholds,
    ) -> list[AudioEvent]:
        events: list[AudioEvent] = []
        for flag in AUDIO_FLAGS:
            hit = hits.get(flag)
            if hit is not None:
                self.hits[flag] += 1
                self.misses[flag] = 0
                if flag not in self.active and self.hits[flag] >= thresholds.raise_count(flag):
                    self.active.add(flag)
                    events.append(AudioEvent(flag, "raised", at, dict(hit.metrics), hit.basis))
            else:
                self.misses[flag] += 1
                self.hits[flag] = 0
                if flag in self.active and self.misses[flag] >= thresholds.clear_after:
                    self.active.discard(flag)
                    events.append(AudioEvent(flag, "cleared", at, dict(metrics)))
        return events


class AudioChecker:
    """Windows → measure → judge (for the venue's audio state) → flag state, for one venue."""

    def __init__(
        self,
        *,
        thresholds: AudioThresholds | None = None,
        state: AudioState = "speaking",
        rate: int = ANALYSIS_RATE,
    ) -> None:
        self._lock = threading.Lock()
        self._thresholds = thresholds or AudioThresholds()
        self._state: AudioState = state
        self.rate = rate
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_at: float | None = None
        self._tone: ToneTrack | None = None
        self._flags = _Hysteresis()
        self._ring = np.zeros(0, dtype=np.float32)

    @property
    def state(self) -> AudioState:
        return self._state

    @property
    def thresholds(self) -> AudioThresholds:
        return self._thresholds

    @property
    def active(self) -> frozenset[AudioFlag]:
        with self._lock:
            return frozenset(self._flags.active)

    @property
    def pending_seconds(self) -> float:
        """Sound received but not judged yet (waiting for its window to complete)."""
        with self._lock:
            return self._pending.size / self.rate

    def set_state(self, state: AudioState) -> None:
        with self._lock:
            self._state = state
            self._tone = None

    def set_thresholds(self, thresholds: AudioThresholds) -> None:
        with self._lock:
            self._thresholds = thresholds

    def new_stream(self) -> None:
        """The source was (re)opened: a partial window and the followed tone are dropped."""
        with self._lock:
            self._pending = np.zeros(0, dtype=np.float32)
            self._pending_at = None
            self._tone = None

    def feed(self, samples: Samples, *, at: float) -> list[AudioResult]:
        """Mono samples at the checker's rate, `at` being the stream time of the first one;
        returns one result per window completed by them."""
        chunk = np.asarray(samples, dtype=np.float32).reshape(-1)
        results: list[AudioResult] = []
        with self._lock:
            if self._pending_at is None or self._pending.size == 0:
                self._pending_at = at
            self._pending = np.concatenate((self._pending, chunk))
            size = max(1, round(self._thresholds.window_seconds * self.rate))
            while self._pending.size >= size:
                window, self._pending = self._pending[:size], self._pending[size:]
                start = self._pending_at
                self._pending_at = start + size / self.rate
                results.append(self._check(window, at=start))
        return results

    def _keep(self, chunk: Samples) -> None:
        limit = round(self._thresholds.clip_seconds * self.rate)
        if chunk.size >= limit:
            self._ring = chunk[-limit:].copy()
        else:
            self._ring = np.concatenate((self._ring[-(limit - chunk.size) :], chunk))

    def _check(self, window: Samples, *, at: float) -> AudioResult:
        thresholds = self._thresholds
        self._keep(window)
        measurement = measure_audio(
            window,
            rate=self.rate,
            clip_level=thresholds.clip_level,
            hum_frequency=thresholds.hum_frequency,
        )
        self._tone = follow_tone(self._tone, measurement, thresholds)
        hits = judge_audio(measurement, state=self._state, tone=self._tone, thresholds=thresholds)
        metrics: dict[str, AudioMetric] = dict(measurement.as_metrics())
        events = self._flags.update(hits, at=at, metrics=metrics, thresholds=thresholds)
        raised = any(event.kind == "raised" for event in events)
        return AudioResult(
            at=at,
            state=self._state,
            measurement=measurement,
            hits=hits,
            active=frozenset(self._flags.active),
            events=tuple(events),
            clip=wav_bytes(self._ring, rate=self.rate) if raised else None,
        )


def wav_bytes(samples: Samples, *, rate: int) -> bytes:
    """16-bit mono PCM WAV of float samples (clipped to full scale)."""
    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
