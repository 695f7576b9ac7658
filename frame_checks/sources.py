"""Where a venue's frames come from: a file or a stream URL opened by OpenCV's FFmpeg backend,
or frames pushed by an external grabber.

Invariants: every blocking call is bounded — opening and reading a capture obey the open and
read timeouts, waiting for a pushed frame obeys its own timeout — so a source that hangs turns
into a `SourceError` (the venue is offline), never into a stuck thread. Memory is bounded: a
capture holds the frame being read, a push feed only the latest frame pushed; nothing queues.
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
from typing import Final, Literal
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
BURST_FRAMES: Final = 2
"""Frames taken after each sample for the shake measurement (0: none)."""
BURST_GAP: Final = 0.2
"""Seconds between the frames of a burst: long enough for a shaking mount (a few hertz) to
move the picture, short enough for people walking to move little."""


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
    burst: tuple[Image, ...] = ()
    """Frames that followed this one `BURST_GAP` apart, when a burst was asked for: a shaking
    mount shows between them, while people move little in so short a time."""


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


class FileSource:
    """A local video file read at stream time through PyAV: one sample per `interval` of the
    file's own timeline (its frames' exact timestamps), paced like a live feed when `realtime`,
    and at its end either starting over (`loop`, the timeline going on) or ending.

    Every frame is decoded (inter-coded video needs it) but only the sampled ones are converted
    to pictures; one thread decodes, so a file costs what a live stream of it would.
    """

    def __init__(self, target: str | os.PathLike[str], *, loop: bool = False) -> None:
        path = local_path(target)
        if path is None:
            raise SourceError(f"no such file: {os.fspath(target)}")
        self.path = path
        self.loop = loop
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

    def _timeline(self) -> Iterator[tuple[float, av.VideoFrame]]:
        """(time on the file's timeline from its first frame, frame), over every pass."""
        offset = 0.0
        while True:
            container = self._container
            if container is None:
                return
            stream = container.streams.video[0]
            first: float | None = None
            last = 0.0
            step = 1.0 / float(stream.average_rate) if stream.average_rate else 0.04
            try:
                for frame in container.decode(stream):
                    if frame.time is None:
                        continue
                    if first is None:
                        first = frame.time
                    last = frame.time - first
                    yield offset + last, frame
            except av.error.FFmpegError as error:
                raise SourceError(f"cannot decode {self.path}: {error}") from None
            if not self.loop or first is None:
                return
            offset += last + step
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
        burst: int = 0,
        burst_gap: float = BURST_GAP,
    ) -> Iterator[SourceFrame]:
        """One sample per `interval` of the file's timeline; with `burst`, each comes with the
        `burst` frames that followed it `burst_gap` apart (when the interval leaves room)."""
        if self._container is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        if burst * burst_gap >= interval:
            burst = 0
        started = time.monotonic()
        next_at = 0.0
        pending: SourceFrame | None = None
        extra: list[Image] = []
        for at, frame in self._timeline():
            if stop.is_set():
                return
            if pending is not None:
                if at + 1e-6 < pending.at + burst_gap * (len(extra) + 1):
                    continue
                extra.append(_picture(frame))
                if len(extra) < burst:
                    continue
                yield SourceFrame(pending.image, pending.at, pending.pts, tuple(extra))
                pending, extra = None, []
            if at + 1e-6 < next_at:
                continue
            while next_at <= at + 1e-6:
                next_at += interval
            if realtime:
                ahead = at - (time.monotonic() - started)
                if ahead > 0 and stop.wait(ahead):
                    return
            sample = SourceFrame(image=_picture(frame), at=at, pts=at)
            if burst:
                pending = sample
            else:
                yield sample
        if pending is not None:
            yield SourceFrame(pending.image, pending.at, pending.pts, tuple(extra))


def _picture(frame: av.VideoFrame) -> Image:
    return np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)


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
        burst: int = 0,
        burst_gap: float = BURST_GAP,
    ) -> Iterator[SourceFrame]:
        """Every frame is grabbed (so a live stream never lags) and one per `interval` seconds
        is decoded and yielded. A file is sampled by its own timestamps — as fast as it decodes,
        or with `realtime` at its own pace like a live feed — and ends at its end. A live
        stream is sampled by the clock and carries its timestamps as `pts` when it has any (a
        repeated one means a repeated frame); a read failure or timeout is an error. With
        `burst`, each sample comes with the `burst` frames that followed it `burst_gap` apart
        (by the file's timestamps, or the clock for a live stream)."""
        capture = self._capture
        if capture is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        if burst * burst_gap >= interval:
            burst = 0
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
            extra: list[Image] = []
            while len(extra) < burst and not stop.is_set():
                following = self._following(capture, at + burst_gap * (len(extra) + 1), started)
                if following is None:
                    break
                extra.append(following)
            yield SourceFrame(
                image=np.asarray(image, dtype=np.uint8),
                at=at,
                pts=position if timed and math.isfinite(position) else None,
                burst=tuple(extra),
            )

    def _following(self, capture: cv2.VideoCapture, when: float, started: float) -> Image | None:
        """The first frame at or after stream time `when`, or None when the source has no more
        (the next `grab` of the sampling loop then tells an end from an error)."""
        while True:
            try:
                if not capture.grab():
                    return None
            except cv2.error:
                return None
            if self.is_file:
                now = float(capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            else:
                now = time.monotonic() - started
            if now + 1e-6 >= when:
                break
        try:
            ok, image = capture.retrieve()
        except cv2.error:
            return None
        return np.asarray(image, dtype=np.uint8) if ok and image is not None else None


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
