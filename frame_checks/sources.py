"""Where a venue's frames come from: a file or a stream URL opened by OpenCV's FFmpeg backend,
or frames pushed by an external grabber.

Invariants: every blocking call is bounded — opening and reading a capture obey the open and
read timeouts, waiting for a pushed frame obeys its own timeout — so a source that hangs turns
into a `SourceError` (the venue is offline), never into a stuck thread. Memory is bounded: a
capture holds the frame being read, a file at most `MAX_PENDING_BYTES` of coded video besides,
a push feed only the latest frame pushed; nothing queues.
Stream time comes from the source's own timestamps when it has them, else from the clock.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

import av
import av.error
import cv2
import numpy as np

from .decode import DEFAULT_MAX_BYTES, FrameError, read_header
from .measure import Image

SourceState = Literal["connecting", "online", "offline", "bad_frame", "stopped"]
"""`offline`: the source cannot be opened or read (shown as 信号源离线) — a fault of the feed, not
of the venue's conduct. `bad_frame`: a pushed frame was refused (the reason is in `detail`)."""

DEFAULT_OPEN_TIMEOUT: Final = 5.0
DEFAULT_READ_TIMEOUT: Final = 5.0
_TIMESTAMP_PROBE_FRAMES: Final = 3


class SourceError(RuntimeError):
    """The source cannot be opened or read."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    state: SourceState
    detail: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class SourceFrame:
    image: Image
    at: float
    """Stream time in seconds (the source's timestamps, or the clock when it has none)."""
    pts: float | None
    """The source's own timestamp of this frame, None when it gives none."""


SECRET_QUERY_NAMES: Final = frozenset(
    {"user", "username", "password", "passwd", "pwd", "pass", "token", "key", "auth"}
)


def redacted_url(target: str) -> str:
    """The URL with its credentials hidden — `rtsp://user:pass@host/x` → `rtsp://***@host/x`,
    and the values of query parameters such as `password=` → `***` — fit for logs and screens."""
    try:
        parts = urlsplit(target)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(
        f"{name}=***" if name.lower() in SECRET_QUERY_NAMES else f"{name}={value}" if sep else name
        for name, sep, value in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def is_local_file(target: str | os.PathLike[str]) -> bool:
    return local_path(target) is not None


def local_path(target: str | os.PathLike[str]) -> Path | None:
    """The local file a source names — a plain path or a `file://` URL — or None for a stream
    URL or a path that is not a file."""
    text = os.fspath(target)
    if text.startswith("file:"):
        parsed = urlparse(text)
        if parsed.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parsed.path))
    elif "://" in text:
        return None
    else:
        path = Path(text)
    return path if path.is_file() else None


MAX_PENDING_BYTES: Final = 8 << 20
"""Coded video held back from the decoder, at most: a file with rare key frames is decoded as
it is read once its chain since the last key frame grows past this."""


class FileSource:
    """A local video file read at stream time through PyAV: one sample per `interval` of the
    file's own timeline (its frames' exact timestamps), paced like a live feed when `realtime`,
    and at its end either starting over (`loop`, the timeline going on) or ending.

    Only what a sample needs is decoded: its frame (the first at or after its moment) and the
    frames it depends on, from the last key frame before it — a key frame on the moment is all
    it costs. Frames no sample needs are read but neither decoded nor converted; one thread
    decodes. (In an open group of pictures, the frames shown just before a key frame but coded
    after it are never a sample: the sample is the key frame, a few frames after its moment.)
    """

    def __init__(self, target: str | os.PathLike[str], *, loop: bool = False) -> None:
        path = local_path(target)
        if path is None:
            raise SourceError(f"no such file: {os.fspath(target)}")
        self.path = path
        self.loop = loop
        self.decoded = 0
        """Frames decoded so far (sampled or not), for those who measure the cost."""
        self._container: av.container.InputContainer | None = None

    def open(self) -> None:
        try:
            container = av.open(str(self.path), mode="r")
        except (av.error.FFmpegError, OSError) as error:
            raise SourceError(f"cannot open {self.path}: {error}") from None
        if not container.streams.video:
            container.close()
            raise SourceError(f"{self.path} has no video stream")
        self._container = container

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __enter__(self) -> FileSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _samples(self, interval: float) -> Iterator[tuple[float, av.VideoFrame]]:
        """(time on the file's timeline from its first frame, frame) of every sample, over
        every pass."""
        offset = 0.0
        grid = _Grid(interval)
        while True:
            container = self._container
            if container is None:
                return
            stream = container.streams.video[0]
            step = 1.0 / float(stream.average_rate) if stream.average_rate else 0.04
            one_pass = _Pass(stream, grid, offset)
            try:
                for packet in container.demux(stream):
                    yield from one_pass.read(packet)
                yield from one_pass.end()
            except av.error.FFmpegError as error:
                raise SourceError(f"cannot decode {self.path}: {error}") from None
            finally:
                self.decoded += one_pass.decoded
            if not self.loop or one_pass.first is None:
                return
            offset += one_pass.last + step
            try:
                container.seek(0)
            except av.error.FFmpegError:
                self.close()
                self.open()

    def frames(
        self,
        *,
        interval: float,
        realtime: bool = False,
        stop: threading.Event | None = None,
    ) -> Iterator[SourceFrame]:
        if self._container is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        started = time.monotonic()
        for at, frame in self._samples(interval):
            if stop.is_set():
                return
            if realtime:
                ahead = at - (time.monotonic() - started)
                if ahead > 0 and stop.wait(ahead):
                    return
            image = np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
            yield SourceFrame(image=image, at=at, pts=at)


if TYPE_CHECKING:
    _VideoPacket = av.Packet[av.video.stream.VideoStream]


class _Grid:
    """The moments samples are due: 0, interval, 2 × interval… of the timeline; a sample at
    `at` settles every moment up to it."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = 0.0

    def due(self, at: float) -> bool:
        return at + 1e-6 >= self.next_at

    def taken(self, at: float) -> None:
        while self.next_at <= at + 1e-6:
            self.next_at += self.interval


class _Pass:
    """One pass over a file's video packets, decoding only what the samples need.

    The packets since the last key frame are held back (`pending`); they reach the decoder only
    when a sample needs a frame of theirs — or when they grow past `MAX_PENDING_BYTES` — and are
    dropped, undecoded, when the next key frame comes first. Once fed, the decoder is fed every
    packet up to the sampled frame (its delay and the B-frames' reordering included), so the
    chain it holds stays whole and a later sample in the same group continues from there.
    A key frame that is itself the sample, in a file whose key frames come at least once per
    interval, is drained out of the decoder at once instead (no frame after it decoded); the
    key frame stays held back in case a sample still needs its group."""

    def __init__(self, stream: av.video.stream.VideoStream, grid: _Grid, offset: float) -> None:
        self.codec = stream.codec_context
        self.time_base = stream.time_base
        self._unit = float(stream.time_base) if stream.time_base is not None else None
        self.grid = grid
        self.offset = offset
        self.first: float | None = None
        self.last = 0.0
        self.decoded = 0
        self._pending: list[_VideoPacket] = []
        self._pending_bytes = 0
        self._chain_at: float | None = None
        """Time of the key frame the decoder's chain starts at (None: no whole chain yet)."""
        self._hunting = False
        """A sample is due among the frames the decoder has yet to give: feed on."""
        self._short_groups = False
        """The last group of pictures (key frame to key frame) was no longer than an interval."""

    def _time(self, pts: int | None) -> float | None:
        return None if pts is None or self._unit is None else pts * self._unit

    def read(self, packet: _VideoPacket) -> Iterator[tuple[float, av.VideoFrame]]:
        when = self._time(packet.pts)
        if packet.size == 0:
            return
        if self.first is None and when is not None:
            self.first = when
        at = None if when is None or self.first is None else when - self.first
        if at is not None:
            self.last = max(self.last, at)
        if packet.is_keyframe and not self._hunting:
            # What a key frame follows is never needed again. The decoder is not flushed: a key
            # frame starts afresh, and what it may still hold of the old chain comes out before
            # it (and is not taken: `_chain_at`), while a flushed decoder would hold the key
            # frame back until it has seen enough of the frames after it to order them.
            self._pending, self._pending_bytes = [], 0
            if at is not None and self._chain_at is not None:
                self._short_groups = at - self._chain_at <= self.grid.interval + 1e-6
            self._chain_at = at
        self._pending.append(packet)
        self._pending_bytes += packet.size
        if self._hunting:
            yield from self._feed()
            return
        if at is None:
            return
        if self.grid.due(self.offset + at):
            self._hunting = True
            if packet.is_keyframe and self._short_groups and len(self._pending) == 1:
                yield from self._key_alone(packet)
            else:
                yield from self._feed()
        elif self._pending_bytes > MAX_PENDING_BYTES:
            yield from self._feed()

    def end(self) -> Iterator[tuple[float, av.VideoFrame]]:
        """The file's end: a sample due among the frames the decoder still holds is drained."""
        if self._hunting:
            for frame in self.codec.decode(None):
                frame.time_base = self.time_base  # a drained frame comes without it
                yield from self._take(frame)
        self.codec.flush_buffers()

    def _key_alone(self, key: _VideoPacket) -> Iterator[tuple[float, av.VideoFrame]]:
        for frame in self.codec.decode(key):
            yield from self._take(frame)
        if self._hunting:
            for frame in self.codec.decode(None):
                frame.time_base = self.time_base  # a drained frame comes without it
                yield from self._take(frame)
            self.codec.flush_buffers()
            self._hunting = False
            self._pending, self._pending_bytes = [key], key.size
        else:
            self._pending, self._pending_bytes = [], 0

    def _feed(self) -> Iterator[tuple[float, av.VideoFrame]]:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        for packet in pending:
            for frame in self.codec.decode(packet):
                yield from self._take(frame)

    def _take(self, frame: av.VideoFrame) -> Iterator[tuple[float, av.VideoFrame]]:
        self.decoded += 1
        if frame.time is None or self.first is None:
            return
        at = frame.time - self.first
        chain = self._chain_at if self._chain_at is not None else at
        if self._hunting and self.grid.due(self.offset + at) and at + 1e-6 >= chain:
            self._hunting = False
            self.grid.taken(self.offset + at)
            yield self.offset + at, frame


class CaptureSource:
    """A file path or a URL (HTTP MJPEG, RTSP, …) read through `cv2.VideoCapture(…, CAP_FFMPEG)`."""

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        open_timeout: float = DEFAULT_OPEN_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        threads: int | None = None,
    ) -> None:
        self.target = os.fspath(target)
        self.shown = redacted_url(self.target)  # what messages say: no credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.threads = threads
        self.is_file = is_local_file(self.target)
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        if not self.is_file and "://" not in self.target:
            raise SourceError(f"no such file: {self.shown}")
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            max(1, round(self.open_timeout * 1000)),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            max(1, round(self.read_timeout * 1000)),
        ]
        if self.threads is not None:
            params += [cv2.CAP_PROP_N_THREADS, self.threads]
        try:
            capture = cv2.VideoCapture(self.target, cv2.CAP_FFMPEG, params)
        except cv2.error as error:
            raise SourceError(f"cannot open {self.shown}: {error}") from None
        if not capture.isOpened():
            capture.release()
            raise SourceError(f"cannot open {self.shown}")
        self._capture = capture

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> CaptureSource:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def frames(
        self,
        *,
        interval: float,
        realtime: bool = False,
        stop: threading.Event | None = None,
    ) -> Iterator[SourceFrame]:
        """Every frame is grabbed (so a live stream never lags) and one per `interval` seconds
        is decoded and yielded. A file is sampled by its own timestamps — as fast as it decodes,
        or with `realtime` at its own pace like a live feed — and ends at its end. A live
        stream is sampled by the clock and carries its timestamps as `pts` when it has any (a
        repeated one means a repeated frame); a read failure or timeout is an error."""
        capture = self._capture
        if capture is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        started = time.monotonic()
        next_at: float | None = None
        timed = self.is_file
        probe: list[float] = []
        while not stop.is_set():
            try:
                grabbed = capture.grab()
            except cv2.error as error:
                raise SourceError(f"cannot read {self.shown}: {error}") from None
            if not grabbed:
                if self.is_file:
                    return
                raise SourceError(f"no frame from {self.shown} (stream ended or timed out)")
            position = float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            if self.is_file:
                at = position
            else:
                at = time.monotonic() - started
                if len(probe) < _TIMESTAMP_PROBE_FRAMES:
                    probe.append(position)
                    timed = len(probe) == _TIMESTAMP_PROBE_FRAMES and max(probe) > min(probe)
            if next_at is None:
                next_at = at
            if at + 1e-6 < next_at:
                continue
            while next_at <= at + 1e-6:
                next_at += interval
            if realtime and self.is_file:
                ahead = at - (time.monotonic() - started)
                if ahead > 0 and stop.wait(ahead):
                    return
            try:
                ok, image = capture.retrieve()
            except cv2.error as error:
                raise SourceError(f"cannot decode a frame of {self.shown}: {error}") from None
            if not ok or image is None:
                if self.is_file:
                    return
                raise SourceError(f"cannot decode a frame of {self.shown}")
            yield SourceFrame(
                image=np.asarray(image, dtype=np.uint8),
                at=at,
                pts=position if timed and math.isfinite(position) else None,
            )


@dataclass(frozen=True, slots=True, eq=False)
class PushedFrame:
    data: bytes
    pts: float | None
    received: float
    """`time.monotonic()` when it was pushed."""


class PushFeed:
    """Frames pushed by an external grabber: only the latest is kept, older ones are dropped.

    `push` checks the header (kind, size) at once, so the caller learns of junk right away;
    the full decode happens later in the sampler's worker thread.
    """

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._condition = threading.Condition()
        self._latest: PushedFrame | None = None
        self._pushed = 0
        self._taken = 0
        self._closed = False

    def push(self, data: bytes, *, pts: float | None = None) -> None:
        """Offer a frame (PNG or JPEG bytes); `pts` is the grabber's timestamp or frame counter."""
        if len(data) > self.max_bytes:
            raise FrameError("too_big", f"the frame is larger than {self.max_bytes} bytes")
        read_header(bytes(data))
        with self._condition:
            self._latest = PushedFrame(bytes(data), pts, time.monotonic())
            self._pushed += 1
            self._condition.notify_all()

    def take(self, *, timeout: float) -> PushedFrame | None:
        """The newest frame not taken yet, waiting up to `timeout` seconds; None if none came."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._pushed == self._taken and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._condition.wait(remaining)
            if self._closed or self._latest is None:
                return None
            self._taken = self._pushed
            latest = self._latest
            self._latest = None
            return latest

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._latest = None
            self._condition.notify_all()
