"""Where a venue's frames come from: a file or a stream URL read through PyAV, or frames pushed
by an external grabber.

Invariants: every blocking call is bounded — opening and reading a stream obey the open and
read timeouts, waiting for a pushed frame obeys its own timeout — so a source that hangs turns
into a `SourceError` (the venue is offline), never into a stuck thread. Memory is bounded: a
file or a stream holds the frame being sampled (with its burst's, when one is asked for) and
at most `MAX_PENDING_BYTES` of coded video besides, a push feed only the latest frame pushed;
nothing queues. Files and streams decode only the frames their samples need, by one mechanism
(`_SampleDecoder`). Stream time comes from a file's own timestamps, a stream's arrival on the
clock.
"""

from __future__ import annotations

import math
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, Protocol, Self
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

import av
import av.error
import numpy as np

from .decode import DEFAULT_MAX_BYTES, FrameError, read_header
from .measure import Image
from .turns import Turn

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


MAX_PENDING_BYTES: Final = 8 << 20
"""Coded video held back from the decoder, at most: a source with rare key frames is decoded
as it is read once its chain since the last key frame grows past this."""

NETWORK_PROTOCOLS: Final = "tcp,udp,tls,rtp,rtsp,http,https,httpproxy"
"""The only protocols FFmpeg may open for a stream URL (and for whatever it names inside, such
as an HLS playlist): never a local file, a pipe or a concatenation of other sources."""


def stream_options(target: str, *, read_timeout: float) -> dict[str, str]:
    """FFmpeg's options for opening a stream URL, its sound or its pictures: network protocols
    only, every read bounded by `read_timeout`, RTSP over TCP."""
    microseconds = str(max(1, round(read_timeout * 1_000_000)))
    options = {
        "protocol_whitelist": NETWORK_PROTOCOLS,
        "rw_timeout": microseconds,
        "timeout": microseconds,  # the socket's reads (RTSP, HTTP, TCP, UDP)
    }
    if urlsplit(target).scheme.lower() in ("rtsp", "rtsps"):
        options["rtsp_transport"] = "tcp"
    return options


def _image(frame: av.VideoFrame) -> Image:
    return np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)


def error_reason(error: av.error.FFmpegError | OSError) -> str:
    """What went wrong, without the file name or URL FFmpeg's message carries."""
    return error.strerror or type(error).__name__


class _ContainerSource(ABC):
    """What a file and a stream share: the PyAV container and the count of decoded frames."""

    def __init__(self) -> None:
        self._container: av.container.InputContainer | None = None
        self._decoder: _SampleDecoder | None = None
        self._decoded = 0

    @property
    def decoded(self) -> int:
        """Frames decoded so far (sampled or not), for those who measure the cost."""
        return self._decoded + (self._decoder.decoded if self._decoder else 0)

    @abstractmethod
    def open(self) -> None:
        """Open the container (a `SourceError` when it cannot be read)."""

    def _open(
        self,
        target: str,
        shown: str,
        *,
        options: dict[str, str] | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> None:
        try:
            container = av.open(target, mode="r", options=options, timeout=timeout)
        except (av.error.FFmpegError, OSError) as error:
            # not `error` itself: FFmpeg's message names the URL, credentials and all
            raise SourceError(f"cannot open {shown}: {error_reason(error)}") from None
        if not container.streams.video:
            container.close()
            raise SourceError(f"{shown} has no video stream")
        self._container = container

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sampled(
        self, decoder: _SampleDecoder, stop: threading.Event
    ) -> Iterator[tuple[float, av.VideoFrame, list[av.VideoFrame]]]:
        """(moment, frame, the frames of its burst) of every sample: a sample is given once
        its burst is whole, or cut short by the next sample or the end."""
        self._decoder = decoder
        wanted = decoder.grid.burst
        sample: tuple[float, av.VideoFrame] | None = None
        burst: list[av.VideoFrame] = []
        try:
            for at, frame, is_sample in decoder.samples(stop):
                if is_sample:
                    if sample is not None:
                        yield (*sample, burst)
                    sample, burst = (at, frame), []
                elif sample is not None:
                    burst.append(frame)
                if sample is not None and len(burst) >= wanted:
                    yield (*sample, burst)
                    sample, burst = None, []
            if sample is not None and not stop.is_set():
                yield (*sample, burst)
        finally:
            self._decoded += decoder.decoded
            self._decoder = None


class FileSource(_ContainerSource):
    """A local video file read at stream time through PyAV: one sample per `interval` of the
    file's own timeline (its frames' exact timestamps), paced like a live feed when `realtime`,
    and at its end either starting over (`loop`, the timeline going on) or ending.

    Only what a sample needs is decoded (`_SampleDecoder`): its frame (the first at or after
    its moment) and the frames it depends on, from the last key frame before it — a key frame
    on the moment is all it costs."""

    def __init__(self, target: str | os.PathLike[str], *, loop: bool = False) -> None:
        path = local_path(target)
        if path is None:
            raise SourceError(f"no such file: {os.fspath(target)}")
        super().__init__()
        self.path = path
        self.loop = loop

    def open(self) -> None:
        self._open(str(self.path), str(self.path))

    def _samples(
        self, grid: _Grid, stop: threading.Event, pace: _Pace | None
    ) -> Iterator[tuple[float, av.VideoFrame, list[av.VideoFrame]]]:
        """(time on the file's timeline from its first frame, frame, its burst) of every
        sample, over every pass."""
        offset = 0.0
        while True:
            container = self._container
            if container is None:
                return
            stream = container.streams.video[0]
            step = 1.0 / float(stream.average_rate) if stream.average_rate else 0.04
            timeline = _FileTimeline(offset)
            try:
                yield from self._sampled(_SampleDecoder(container, grid, timeline, pace), stop)
            except av.error.FFmpegError as error:
                raise SourceError(f"cannot decode {self.path}: {error}") from None
            if not self.loop or timeline.first is None or stop.is_set():
                return
            offset += timeline.last + step
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
        turn: Turn | None = None,
    ) -> Iterator[SourceFrame]:
        """One sample per `interval` of the file's timeline; with `burst`, each comes with the
        `burst` frames that followed it `burst_gap` apart (when the interval leaves room). Read
        at stream time (`realtime`), a reader that fell a whole interval behind skips to the
        newest moment, as it would on a live feed: the moments it missed are never decoded.

        With a `turn`, a sample's decoding and whatever the caller does with it happen while
        the turn is held: read at stream time, the reader gives it back to wait for a sample's
        moment, takes it again, and skips the sample, undecoded, when it came late (`turns`)."""
        if self._container is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        turn = turn or Turn()
        started = time.monotonic()
        grid = _Grid(interval, burst=burst, burst_gap=burst_gap)

        def wait_for(at: float, *, rotate: bool) -> bool:
            """Wait for the moment `at` without the turn, then for the turn (given back and
            taken again even with no wait when `rotate`: a reader that is behind does not keep
            it from the others); False if stopped."""
            ahead = started + at - time.monotonic()
            if ahead > 0 or rotate:
                turn.give()
                if ahead > 0 and stop.wait(ahead):
                    return False
            return turn.take(stop)

        def pace(moment: float) -> bool:
            if not wait_for(moment, rotate=True):
                return False
            if turn.skips(started + moment, interval):
                grid.catch_up(time.monotonic() - started)  # far behind: to the newest moment
                return False
            return True

        try:
            for at, frame, extra in self._samples(grid, stop, pace if realtime else None):
                if stop.is_set() or (realtime and not wait_for(at, rotate=False)):
                    return
                yield SourceFrame(
                    image=_image(frame), at=at, pts=at, burst=tuple(_image(f) for f in extra)
                )
                if realtime:
                    grid.catch_up(time.monotonic() - started)
        finally:
            turn.give()


class StreamSource(_ContainerSource):
    """A stream URL (RTSP, HTTP MJPEG or MPEG-TS, UDP…) read through PyAV as it arrives: one
    sample per `interval` of the clock, decoding only what the samples need, as a file does
    (`_SampleDecoder`). RTSP is asked over TCP. Opening obeys `open_timeout`; each read obeys
    `read_timeout` (PyAV's interrupt, and the protocols' own `rw_timeout`/`timeout`), so a
    source that stops sending is a `SourceError` within it."""

    def __init__(
        self,
        target: str | os.PathLike[str],
        *,
        open_timeout: float = DEFAULT_OPEN_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        super().__init__()
        self.target = os.fspath(target)
        self.shown = redacted_url(self.target)  # what messages say: no credentials
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout

    def open(self) -> None:
        if "://" not in self.target:
            raise SourceError(f"no such file: {self.shown}")
        self._open(
            self.target,
            self.shown,
            options=stream_options(self.target, read_timeout=self.read_timeout),
            timeout=(self.open_timeout, self.read_timeout),
        )

    def frames(
        self,
        *,
        interval: float,
        realtime: bool = False,
        stop: threading.Event | None = None,
        burst: int = 0,
        burst_gap: float = BURST_GAP,
        turn: Turn | None = None,
    ) -> Iterator[SourceFrame]:
        """Samples as the stream comes (`realtime` changes nothing: it comes at its own pace),
        `at` on the clock from the first read, `pts` the stream's own timestamp when its
        timestamps advance (a repeated one means a repeated frame); the stream's end ends
        them, a read failure or timeout is an error.

        With a `turn`, whatever the caller does with a sample happens while it is held, and a
        sample whose turn came late is skipped; the stream is read and decoded as it comes,
        outside the turn (`turns`)."""
        container = self._container
        if container is None:
            raise SourceError("the source is not open")
        stop = stop or threading.Event()
        turn = turn or Turn()
        timeline = _ArrivalTimeline()
        grid = _Grid(interval, lead=interval / 2, burst=burst, burst_gap=burst_gap)
        try:
            for at, frame, extra in self._sampled(_SampleDecoder(container, grid, timeline), stop):
                if not turn.take(stop):
                    return
                if turn.skips(timeline.started + at, interval):
                    turn.give()
                    continue
                yield SourceFrame(
                    image=_image(frame),
                    at=at,
                    pts=timeline.pts(frame),
                    burst=tuple(_image(f) for f in extra),
                )
                turn.give()
        except av.error.FFmpegError as error:
            if not stop.is_set():
                reason = (
                    "timed out" if isinstance(error, av.error.ExitError) else error_reason(error)
                )
                raise SourceError(f"no frame from {self.shown} ({reason})") from None
        finally:
            turn.give()


if TYPE_CHECKING:
    _VideoPacket = av.Packet[av.video.stream.VideoStream]


class _Grid:
    """The moments samples are due: 0, interval, 2 × interval… of the timeline.

    Exact (`lead` 0, a file): a sample is the first frame at or after its moment and settles
    every moment up to it. With a `lead` (a stream, where frames come when they come), a key
    frame may serve a moment from `lead` before it, and a sample settles its own moment and
    those more than `lead` before it: samples keep one interval apart however the key frames'
    arrival jitters about a moment.

    With a `burst`, each sample is followed by that many frames, each the first at least
    `burst_gap` after the one before it, due before the next sample is; a burst that would not
    end before the next sample's moment is not asked for."""

    def __init__(
        self,
        interval: float,
        *,
        lead: float = 0.0,
        burst: int = 0,
        burst_gap: float = BURST_GAP,
    ) -> None:
        self.interval = interval
        self.lead = lead
        self.burst = burst if burst * burst_gap < interval else 0
        self.burst_gap = burst_gap
        self.next_at = 0.0
        self._burst_left = 0
        """Frames of the last sample's burst still due, the next at `_burst_at` or after."""
        self._burst_at = 0.0
        self._burst_on_pts = False

    @property
    def in_burst(self) -> bool:
        return self._burst_left > 0

    def sample_due(self, at: float, key: bool) -> bool:
        return at + 1e-6 + (self.lead if key else 0.0) >= self.next_at

    def _burst_moment(self, at: float, pts: float | None) -> float | None:
        """Where a burst's spacing is measured: on the stream's own timestamps when the sample
        had one (frames arrive in bunches), else on the timeline."""
        return pts if self._burst_on_pts else at

    def due(self, at: float, *, key: bool = False, pts: float | None = None) -> bool:
        if self._burst_left and not self.sample_due(at, key):
            moment = self._burst_moment(at, pts)
            return moment is not None and moment + 1e-6 >= self._burst_at
        return self.sample_due(at, key)

    def skip(self, moment: float) -> None:
        """Give up the sample due at `moment` (and its burst), unless a catch-up gave it up
        already: the next is the one after it."""
        self._burst_left = 0
        if self.next_at <= moment + 1e-6:
            self._settle(moment)

    def _settle(self, at: float) -> None:
        self.next_at += self.interval
        while self.next_at + self.lead <= at + 1e-6:
            self.next_at += self.interval

    def catch_up(self, now: float) -> None:
        """Give up the moments a whole interval or more before `now` on the timeline: a reader
        that fell behind is handed the newest moment next, not a backlog of stale ones."""
        latest = math.floor(now / self.interval) * self.interval
        if latest > self.next_at + 1e-6:
            self.next_at = latest
            self._burst_left = 0

    def taken(self, at: float, *, key: bool = False, pts: float | None = None) -> bool:
        """Settle the moment `at` (timestamp `pts`) serves; whether it was a sample's (not a
        burst frame's). A frame at the next sample's moment is that sample: the burst before
        it ends short."""
        if self._burst_left and not self.sample_due(at, key):
            self._burst_left -= 1
            self._burst_at = (self._burst_moment(at, pts) or 0.0) + self.burst_gap
            return False
        self._burst_on_pts = pts is not None
        self._burst_at = (at if pts is None else pts) + self.burst_gap
        self._burst_left = self.burst
        self._settle(at)
        return True


class _FileTimeline:
    """A file's timeline: its frames' timestamps from its first frame, after `offset` (the
    passes before this one)."""

    def __init__(self, offset: float) -> None:
        self.offset = offset
        self.first: float | None = None
        self.last = 0.0

    def packet_moment(self, when: float | None) -> float | None:
        if when is None:
            return None
        if self.first is None:
            self.first = when
        self.last = max(self.last, when - self.first)
        return self.offset + when - self.first

    def frame_moment(self, when: float | None) -> float | None:
        return None if when is None or self.first is None else self.offset + when - self.first


class _ArrivalTimeline:
    """A live stream's timeline: the clock from the first read. A packet's moment is when it
    came, and so is its frame's (a frame decoded later, or decoded again, is not a newer one);
    a frame whose packet is not known (no timestamps) comes at the clock's moment. The stream's
    own timestamps are kept as `pts` once the first few advance."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self._probe: list[float] = []
        self.timed = False
        self._arrivals: dict[float, float] = {}
        """Stream time → moment of the latest packets, at most `_ARRIVALS_KEPT`."""

    def packet_moment(self, when: float | None) -> float:
        now = time.monotonic() - self.started
        if when is not None:
            if len(self._probe) < _TIMESTAMP_PROBE_FRAMES:
                self._probe.append(when)
                self.timed = len(self._probe) == _TIMESTAMP_PROBE_FRAMES and (
                    max(self._probe) > min(self._probe)
                )
            self._arrivals[round(when, 6)] = now
            if len(self._arrivals) > _ARRIVALS_KEPT:
                del self._arrivals[next(iter(self._arrivals))]
        return now

    def frame_moment(self, when: float | None) -> float:
        came = None if when is None else self._arrivals.get(round(when, 6))
        return time.monotonic() - self.started if came is None else came

    def pts(self, frame: av.VideoFrame) -> float | None:
        when = frame.time
        return when if self.timed and when is not None and math.isfinite(when) else None


_ARRIVALS_KEPT: Final = 1024


class _Timeline(Protocol):
    def packet_moment(self, when: float | None) -> float | None: ...

    def frame_moment(self, when: float | None) -> float | None: ...


_Pace = Callable[[float], bool]
"""Called with a sample's moment when a packet at or after it is read, before anything is
decoded for the sample: whether to take it (a file read at stream time waits for the moment and
for a turn here)."""

_Taken = tuple[float, av.VideoFrame, bool]
"""A frame the grid asked for: its moment, the frame, and whether it is a sample (or one of a
sample's burst)."""


class _SampleDecoder:
    """Reads a container's video packets and decodes only the frames its samples need — the
    one mechanism of files and streams; the timeline says when a packet or frame comes (the
    file's timestamps, or the clock as a stream arrives), the grid when a sample is due.

    The packets since the last key frame are held back (`pending`); they reach the decoder only
    when a sample needs a frame of theirs — or when they grow past `MAX_PENDING_BYTES` — and are
    dropped, undecoded, when the next key frame comes first. Once fed, the decoder is fed every
    packet up to the sampled frame (its delay and the B-frames' reordering included), so the
    chain it holds stays whole and a later sample in the same group continues from there.
    A key frame that is itself the sample, in a stream whose key frames come at least once per
    interval, is drained out of the decoder at once instead (no frame after it decoded); the
    key frame stays held back in case a sample still needs its group. A frame shown before the
    key frame its chain starts at (an open group's leading frames) is never a sample: the
    frames it refers to were not decoded. One thread decodes."""

    def __init__(
        self,
        container: av.container.InputContainer,
        grid: _Grid,
        timeline: _Timeline,
        pace: _Pace | None = None,
    ) -> None:
        self.container = container
        self.pace = pace
        self.stream = container.streams.video[0]
        self.codec = self.stream.codec_context
        self.time_base = self.stream.time_base
        self._unit = float(self.time_base) if self.time_base is not None else None
        self.grid = grid
        self.timeline = timeline
        self.decoded = 0
        self._pending: list[_VideoPacket] = []
        self._pending_bytes = 0
        self._keyed = False
        self._chain_from: float | None = None
        """Stream time of the key frame the decoder's chain starts at (None: not known)."""
        self._hunting = False
        """A sample is due among the frames the decoder has yet to give: feed on."""
        self._short_groups = False
        """The last group of pictures (key frame to key frame) was no longer than an interval."""

    def samples(self, stop: threading.Event) -> Iterator[_Taken]:
        """(moment, frame) of every sample until the container ends or `stop` is set (looked
        at between packets: a read waits at most the container's read timeout)."""
        for packet in self.container.demux(self.stream):
            if stop.is_set():
                return
            yield from self._read(packet)
        yield from self._end()

    def _time(self, pts: int | None) -> float | None:
        return None if pts is None or self._unit is None else pts * self._unit

    def _read(self, packet: _VideoPacket) -> Iterator[_Taken]:
        if packet.size == 0 or not (self._keyed or packet.is_keyframe):
            return  # nothing before the first key frame decodes whole (a stream joined midway)
        self._keyed = True
        when = self._time(packet.pts)
        at = self.timeline.packet_moment(when)
        if packet.is_keyframe and not self._hunting:
            # What a key frame follows is never needed again. The decoder is not flushed: a key
            # frame starts afresh, and what it may still hold of the old chain comes out before
            # it (and is not taken: `_chain_from`), while a flushed decoder would hold the key
            # frame back until it has seen enough of the frames after it to order them.
            self._pending, self._pending_bytes = [], 0
            if when is not None and self._chain_from is not None:
                self._short_groups = when - self._chain_from <= self.grid.interval + 1e-6
            self._chain_from = when
        self._pending.append(packet)
        self._pending_bytes += packet.size
        if self._hunting:
            yield from self._feed()
            return
        if at is None:
            return
        key = bool(packet.is_keyframe)
        # A stream whose key frames come at least once per interval waits for the next one
        # (for a sample: a burst's frames are the ones that follow it).
        waits = self.grid.lead > 0 and self._short_groups and not key and not self.grid.in_burst
        if self.grid.due(at, key=key, pts=when) and not waits:
            moment = self.grid.next_at
            if self.pace is not None and self.grid.sample_due(at, key) and not self.pace(moment):
                self.grid.skip(moment)
                return
            self._hunting = True
            if key and self._short_groups and len(self._pending) == 1:
                yield from self._key_alone(packet)
            else:
                yield from self._feed()
        elif self._pending_bytes > MAX_PENDING_BYTES:
            yield from self._feed()

    def _end(self) -> Iterator[_Taken]:
        """The end: a sample due among the frames the decoder still holds is drained."""
        if self._hunting:
            yield from self._drain()
        self.codec.flush_buffers()

    def _drain(self) -> Iterator[_Taken]:
        for frame in self.codec.decode(None):
            frame.time_base = self.time_base  # a drained frame comes without it
            yield from self._take(frame)

    def _key_alone(self, key: _VideoPacket) -> Iterator[_Taken]:
        for frame in self.codec.decode(key):
            yield from self._take(frame)
        if self._hunting:
            yield from self._drain()
            self.codec.flush_buffers()
            self._hunting = False
            self._pending, self._pending_bytes = [key], key.size
        else:
            self._pending, self._pending_bytes = [], 0

    def _feed(self) -> Iterator[_Taken]:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        for packet in pending:
            for frame in self.codec.decode(packet):
                yield from self._take(frame)

    def _take(self, frame: av.VideoFrame) -> Iterator[_Taken]:
        self.decoded += 1
        when = frame.time
        at = self.timeline.frame_moment(when)
        if at is None or not self._hunting:
            return
        if not self.grid.due(at, key=frame.key_frame, pts=when):
            return
        if when is not None and self._chain_from is not None and when + 1e-6 < self._chain_from:
            return
        self._hunting = False
        yield at, frame, self.grid.taken(at, key=frame.key_frame, pts=when)


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
