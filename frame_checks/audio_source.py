"""Where a venue's sound comes from: the audio track of its file or stream, decoded by PyAV, or
windows of 16-bit PCM pushed by an external grabber (WAV, or raw `audio/L16`).

Invariants: every blocking call is bounded (PyAV's open and read timeouts), so a hung source is
a `SourceError`, never a stuck thread; everything is resampled to `ANALYSIS_RATE` mono float
(channels averaged) before it is measured; pushed audio is refused — with an `AudioPushError`
naming the reason — before any sample is decoded when its header announces more than the
limits allow. Memory is bounded: a stream is decoded frame by frame, nothing queues.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

import av
import numpy as np

from .audio import ANALYSIS_RATE, Samples
from .sources import SourceError, error_reason, redacted_url, stream_options
from .turns import Turn

DEFAULT_MAX_PUSH_SECONDS: Final = 30.0
PUSH_RATES: Final = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
MAX_PUSH_CHANNELS: Final = 8
BATCH_SECONDS: Final = 0.2

AudioPushReason = Literal["empty", "not_audio", "unsupported", "truncated", "too_long"]


class AudioPushError(ValueError):
    """Pushed audio was refused; `reason` is a stable code, the message says why."""

    def __init__(self, reason: AudioPushReason, message: str) -> None:
        super().__init__(message)
        self.reason: AudioPushReason = reason
        self.message = message


class Resampler:
    """Any rate and layout → mono float at the analysis rate (channels averaged, not summed).

    Float or 16-bit sound at a whole multiple of the analysis rate (48 and 32 kHz, the rates of
    conference streams) is brought down here — channels averaged, a windowed-sinc low-pass and
    every k-th sample kept — at a fraction of FFmpeg's resampler's cost; any other rate or
    format goes through FFmpeg's (swresample). A stream keeps to one path."""

    def __init__(self, rate: int = ANALYSIS_RATE) -> None:
        self.rate = rate
        self._resampler: av.AudioResampler | None = None
        self._decimator: _Decimator | None = None

    def convert_batch(self, frames: list[av.AudioFrame]) -> Samples:
        """Several frames of one stream at once."""
        if self._resampler is None and frames:
            first = frames[0]
            if (
                self._decimator is None
                and first.sample_rate % self.rate == 0
                and _mono(first) is not None
            ):
                self._decimator = _Decimator(first.sample_rate // self.rate)
            if self._decimator is not None:
                if all(frame.format.name == "fltp" for frame in frames):
                    planes = np.concatenate([frame.to_ndarray() for frame in frames], axis=1)
                    return self._decimator.feed(planes.mean(axis=0, dtype=np.float32))
                monos = [_mono(frame) for frame in frames]
                if any(m is None for m in monos):
                    raise SourceError("the sound changed format mid-stream")
                return self._decimator.feed(np.concatenate([m for m in monos if m is not None]))
        parts = [self.convert(frame) for frame in frames]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def convert(self, frame: av.AudioFrame | None) -> Samples:
        if self._resampler is None and frame is not None and self._decimator is None:
            mono = _mono(frame)
            if mono is not None and frame.sample_rate % self.rate == 0:
                self._decimator = _Decimator(frame.sample_rate // self.rate)
        if self._decimator is not None:
            if frame is None:
                return np.zeros(0, dtype=np.float32)
            mono = _mono(frame)
            if mono is not None:
                return self._decimator.feed(mono)
            raise SourceError("the sound changed format mid-stream")
        if self._resampler is None:
            self._resampler = av.AudioResampler(format="fltp", rate=self.rate)
        out = self._resampler.resample(frame)
        if not out:
            return np.zeros(0, dtype=np.float32)
        planes = [np.asarray(f.to_ndarray(), dtype=np.float32) for f in out]
        joined = np.concatenate(planes, axis=1)
        mono_out: Samples = joined.mean(axis=0).astype(np.float32)
        return mono_out


def _mono(frame: av.AudioFrame) -> Samples | None:
    """The frame's channels averaged, for float (planar or packed) and 16-bit sound; None for
    other formats."""
    channels = len(frame.layout.channels)
    data = frame.to_ndarray()
    name = frame.format.name
    if name in ("fltp", "dblp"):
        planar: Samples = np.asarray(data, dtype=np.float32).mean(axis=0).astype(np.float32)
        return planar
    if name in ("flt", "dbl", "s16"):
        values = np.asarray(data).reshape(-1, channels)
        scale = 32768.0 if name == "s16" else 1.0
        packed: Samples = (values.astype(np.float32) / scale).mean(axis=1).astype(np.float32)
        return packed
    if name == "s16p":
        planar16: Samples = (np.asarray(data, dtype=np.float32) / 32768.0).mean(axis=0)
        return planar16.astype(np.float32)
    return None


class _Decimator:
    """Low-pass (Hann-windowed sinc at 0.9 × the new Nyquist) and keep every `factor`-th sample,
    carrying the filter's history and phase from one chunk to the next."""

    TAPS_PER_FACTOR = 16

    def __init__(self, factor: int) -> None:
        self.factor = factor
        taps = self.TAPS_PER_FACTOR * factor + 1
        n = np.arange(taps) - (taps - 1) / 2
        cutoff = 0.9 / factor / 2  # cycles per sample
        kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hanning(taps)
        # Symmetric, so its reverse (what a convolution applies) is itself.
        self.kernel = (kernel / kernel.sum()).astype(np.float32)
        self._history = np.zeros(taps - 1, dtype=np.float32)
        self._phase = 0

    def feed(self, x: Samples) -> Samples:
        if self.factor == 1:
            return x
        joined = np.ascontiguousarray(np.concatenate((self._history, x)), dtype=np.float32)
        taps = self.kernel.size
        valid = joined.size - taps + 1  # outputs a full convolution would have
        count = max(0, (valid - self._phase + self.factor - 1) // self.factor)
        # Only the outputs kept are computed: one row of the signal per output, `factor` apart.
        rows = np.lib.stride_tricks.as_strided(
            joined[self._phase :],
            shape=(count, taps),
            strides=(joined.strides[0] * self.factor, joined.strides[0]),
            writeable=False,
        )
        out: Samples = (rows @ self.kernel).astype(np.float32)
        self._phase = (self._phase - valid) % self.factor
        self._history = joined[-(taps - 1) :].copy()
        return out


@dataclass(frozen=True, slots=True, eq=False)
class AudioChunk:
    samples: Samples
    """Mono float at `ANALYSIS_RATE`."""
    at: float
    """Stream time of the first sample, in seconds."""


class AudioSource:
    """The first audio track of a file or a stream URL, read through PyAV (FFmpeg)."""

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        open_timeout: float = 5.0,
        read_timeout: float = 5.0,
    ) -> None:
        self.target = os.fspath(target)
        self.shown = redacted_url(self.target)  # what messages say: no credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.is_file = os.path.isfile(self.target)
        self._container: av.container.InputContainer | None = None

    def open(self) -> None:
        target = self.target
        if not self.is_file and "://" not in target:
            raise SourceError(f"no such file: {self.shown}")
        if target.startswith("file://"):
            target = target[len("file://") :]
            self.is_file = os.path.isfile(target)
        options = None if self.is_file else stream_options(target, read_timeout=self.read_timeout)
        try:
            container = av.open(
                target, options=options, timeout=(self.open_timeout, self.read_timeout)
            )
        except (av.FFmpegError, OSError) as error:
            # not `error` itself: FFmpeg's message names the URL, credentials and all
            raise SourceError(f"cannot open {self.shown}: {error_reason(error)}") from None
        if not container.streams.audio:
            container.close()
            raise SourceError(f"{self.shown} has no audio track")
        self._container = container

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __enter__(self) -> AudioSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chunks(
        self,
        *,
        realtime: bool = False,
        stop: threading.Event | None = None,
        turn: Turn | None = None,
    ) -> Iterator[AudioChunk]:
        """Decoded sound in stream order. A file ends at its end (played at its own pace with
        `realtime`, like a live feed); a stream that fails or times out raises `SourceError`.

        With a `turn`, whatever the caller does with a chunk happens while it is held, and so
        does the decoding of a file played at its pace (given back while it waits); a stream
        is read and decoded as it comes, outside the turn (`turns`)."""
        container = self._container
        if container is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        turn = turn or Turn()
        stream = container.streams.audio[0]
        resampler = Resampler()
        started = time.monotonic()
        position: float | None = None
        batch: list[av.AudioFrame] = []
        batched = 0.0
        try:
            if realtime and not turn.take(stop):
                return
            for frame in container.decode(stream):
                if stop.is_set():
                    return
                if position is None:
                    position = float(frame.time) if frame.time is not None else 0.0
                # Frames are converted a few at a time (an AAC frame is 21 ms): the per-call
                # cost of the conversion would otherwise outweigh its work.
                batch.append(frame)
                batched += frame.samples / max(1, frame.sample_rate)
                if batched < BATCH_SECONDS:
                    continue
                samples = resampler.convert_batch(batch)
                batch, batched = [], 0.0
                if samples.size == 0:
                    continue
                if realtime:
                    # The turn goes round at every chunk, waited for or not: a reader that is
                    # behind does not keep it from the others.
                    turn.give()
                    ahead = started + position - time.monotonic()
                    if ahead > 0 and stop.wait(ahead):
                        return
                if not turn.take(stop):
                    return
                yield AudioChunk(samples=samples, at=position)
                if not realtime:
                    turn.give()
                position += samples.size / ANALYSIS_RATE
            if batch and position is not None:
                samples = resampler.convert_batch(batch)
                if samples.size and turn.take(stop):
                    yield AudioChunk(samples=samples, at=position)
        except av.FFmpegError as error:
            raise SourceError(
                f"cannot read the sound of {self.shown}: {error_reason(error)}"
            ) from None
        finally:
            turn.give()
        if not self.is_file:
            raise SourceError(f"no more sound from {self.shown} (stream ended)")


def decode_pushed_audio(
    data: bytes,
    *,
    content_type: str = "audio/wav",
    max_seconds: float = DEFAULT_MAX_PUSH_SECONDS,
) -> Samples:
    """A pushed window of 16-bit PCM — a WAV file, or raw little-endian samples announced as
    `audio/L16; rate=…; channels=…` — as mono float at the analysis rate."""
    if not data:
        raise AudioPushError("empty", "the audio is empty (zero bytes)")
    media, params = _content_type(content_type)
    if media in ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"):
        pcm, rate, channels = _wav(data)
    elif media == "audio/l16":
        rate = _int_param(params, "rate", default=None)
        channels = _int_param(params, "channels", default=1)
        if len(data) % (2 * channels):
            raise AudioPushError("truncated", "raw PCM ends inside a sample")
        pcm = data
    else:
        raise AudioPushError(
            "not_audio", "audio must be sent as audio/wav or audio/L16;rate=…;channels=…"
        )
    if rate not in PUSH_RATES:
        raise AudioPushError(
            "unsupported", f"a sample rate of {rate} Hz is not one of {list(PUSH_RATES)}"
        )
    if not 1 <= channels <= MAX_PUSH_CHANNELS:
        raise AudioPushError("unsupported", f"{channels} channels (1–{MAX_PUSH_CHANNELS} allowed)")
    frames = len(pcm) // (2 * channels)
    if frames == 0:
        raise AudioPushError("empty", "the audio holds no samples")
    if frames / rate > max_seconds:
        raise AudioPushError(
            "too_long", f"{frames / rate:.1f} s of audio exceeds the {max_seconds:g} s limit"
        )
    samples = np.frombuffer(pcm, dtype="<i2", count=frames * channels).reshape(frames, channels)
    mono: Samples = (samples.astype(np.float32) / 32768.0).mean(axis=1).astype(np.float32)
    if rate == ANALYSIS_RATE:
        return mono
    frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = rate
    resampler = Resampler()
    resampled: Samples = np.concatenate((resampler.convert(frame), resampler.convert(None)))
    return resampled


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    media, *rest = value.split(";")
    params: dict[str, str] = {}
    for part in rest:
        name, _, raw = part.partition("=")
        params[name.strip().lower()] = raw.strip().strip('"')
    return media.strip().lower(), params


def _int_param(params: dict[str, str], name: str, *, default: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        if default is None:
            raise AudioPushError("unsupported", f"audio/L16 needs its {name} (e.g. {name}=16000)")
        return default
    try:
        return int(raw)
    except ValueError:
        raise AudioPushError("unsupported", f"audio/L16 {name}={raw!r} is not a number") from None


def _wav(data: bytes) -> tuple[bytes, int, int]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        if b"RIFF".startswith(data[:4]) and len(data) < 12:
            raise AudioPushError("truncated", "the WAV ends inside its header")
        raise AudioPushError("not_audio", "the body is not a WAV (RIFF/WAVE) file")
    fmt = data.find(b"fmt ", 12)
    if fmt < 0 or fmt + 24 > len(data):
        raise AudioPushError("truncated", "the WAV has no complete format chunk")
    audio_format, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[fmt + 8 : fmt + 24])
    if audio_format != 1 or bits != 16:
        raise AudioPushError("unsupported", "only 16-bit PCM WAV is accepted")
    try:
        with wave.open(io.BytesIO(data)) as reader:
            pcm = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise AudioPushError("truncated", f"the WAV cannot be read: {error}") from None
    return pcm, int(rate), int(channels)
