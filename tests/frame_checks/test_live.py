"""Live streams read through PyAV: a clip served in real time by FFmpeg over localhost UDP or
HTTP, sampled once per interval of its arrival, decoding only the frames the samples need; a
stream that stops sending goes offline and comes back, and a stop ends the worker."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from frame_checks import Backoff, Sampler
from frame_checks.sources import SourceError, SourceFrame, StreamSource

from .support import WAIT, Recorder

FPS = 10
INTERVAL = 0.5
SAMPLES = 8

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def make_clip(path: Path, *, key_every: int) -> Path:
    """Four seconds of a moving test pattern, H.264 with B-frames, a key frame every `key_every`
    frames."""
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}",
        "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-g", str(key_every), "-keyint_min", str(key_every), "-sc_threshold", "0", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)
    return path


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """FFmpeg sending a clip in a loop at its own pace (`-re`), as a camera would."""

    def __init__(self, clip: Path, protocol: str) -> None:
        self.clip = clip
        kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
        port = free_port(kind)
        self.url = f"{protocol}://127.0.0.1:{port}"
        self._listen = ["-listen", "1"] if protocol == "http" else []
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            "ffmpeg", "-v", "quiet", "-re", "-stream_loop", "-1", "-i", str(self.clip),
            "-c", "copy", "-f", "mpegts", *self._listen, self.url,
        ]  # fmt: skip
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(WAIT)
            self._process = None


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("live")
    return {
        every: make_clip(folder / f"keys{every}.mp4", key_every=every)
        for every in (round(INTERVAL * FPS), round(4 * INTERVAL * FPS))
    }


@pytest.fixture
def serve() -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        server.stop()


def start(servers: list[Server], clip: Path, protocol: str) -> Server:
    server = Server(clip, protocol)
    servers.append(server)
    server.start()
    return server


def opened(url: str) -> StreamSource:
    """The stream, once its server takes a client (an HTTP server may not listen yet)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        source = StreamSource(url, open_timeout=5.0, read_timeout=1.0)
        try:
            source.open()
        except SourceError:
            time.sleep(0.2)
            continue
        return source
    raise AssertionError(f"{url} never opened")


def sampled(url: str, count: int) -> tuple[list[SourceFrame], int]:
    """The first `count` samples of the stream and the frames decoded for them."""
    source = opened(url)
    try:
        frames = source.frames(interval=INTERVAL)
        samples = [next(frames) for _ in range(count)]
        frames.close()
        return samples, source.decoded
    finally:
        source.close()


@pytest.mark.parametrize("protocol", ["udp", "http"])
def test_a_stream_with_a_key_frame_per_interval_decodes_one_frame_a_sample(
    clips: dict[int, Path], serve: list[Server], protocol: str
) -> None:
    server = start(serve, clips[round(INTERVAL * FPS)], protocol)
    samples, decoded = sampled(server.url, SAMPLES)

    times = [sample.pts for sample in samples if sample.pts is not None]
    assert len(times) == len(samples)
    # past the first (what the stream sent while it was being opened comes at once), one
    # sample per interval of the stream's own timeline, each its key frame
    assert (times[-1] - times[1]) / (len(times) - 2) == pytest.approx(INTERVAL, abs=1.0 / FPS)
    assert samples[0].image.shape == (180, 320, 3)
    received = round((times[-1] - times[0]) * FPS)  # the stream's frames meanwhile
    assert decoded <= len(samples) + round(INTERVAL * FPS) < received


def test_a_streams_samples_come_with_the_frames_that_followed_them(
    clips: dict[int, Path], serve: list[Server]
) -> None:
    """A burst on a live stream: the frames `gap` apart after each sample, in arrival order,
    at one interval between samples, even where each sample is a key frame decoded alone."""
    server = start(serve, clips[round(INTERVAL * FPS)], "udp")
    source = opened(server.url)
    try:
        frames = source.frames(interval=INTERVAL, burst=2, burst_gap=0.1)
        samples = [next(frames) for _ in range(SAMPLES)]
        frames.close()
    finally:
        source.close()

    assert [len(sample.burst) for sample in samples] == [2] * SAMPLES
    for sample in samples:
        assert all(extra.shape == sample.image.shape for extra in sample.burst)
        # the test pattern moves: each burst frame is a later picture, not the sample again
        assert not any(np.array_equal(extra, sample.image) for extra in sample.burst)
    times = [sample.pts for sample in samples if sample.pts is not None]
    assert (times[-1] - times[1]) / (len(times) - 2) == pytest.approx(INTERVAL, abs=1.0 / FPS)


def test_a_stream_with_rarer_key_frames_decodes_only_up_to_its_samples(
    clips: dict[int, Path], serve: list[Server]
) -> None:
    every = round(4 * INTERVAL * FPS)
    server = start(serve, clips[every], "udp")
    samples, decoded = sampled(server.url, SAMPLES)

    times = [sample.pts for sample in samples if sample.pts is not None]
    received = round((times[-1] - times[0]) * FPS)
    assert [sample.at for sample in samples] == sorted(sample.at for sample in samples)
    # the frames of a group after its last sample are left alone
    assert len(samples) <= decoded < received


def test_a_stream_that_stops_sending_is_offline_and_comes_back(
    clips: dict[int, Path], serve: list[Server]
) -> None:
    server = start(serve, clips[round(INTERVAL * FPS)], "udp")
    recorder = Recorder()
    sampler = Sampler(
        on_sample=recorder.on_sample,
        on_status=recorder.on_status,
        open_timeout=5.0,
        read_timeout=1.0,
        backoff=Backoff(initial=0.2, maximum=0.5),
    )
    try:
        sampler.watch("A", server.url, interval=INTERVAL)
        assert recorder.wait_for(lambda: len(recorder.samples) >= 3)

        server.stop()
        assert recorder.wait_for(lambda: "offline" in recorder.states())
        assert recorder.statuses[-1][1].detail.endswith("(timed out)")
        before = len(recorder.samples)

        server.start()
        assert recorder.wait_for(lambda: len(recorder.samples) >= before + 3)
        states = recorder.states()
        assert states[:2] == ["connecting", "online"]
        assert states[-1] == "online"
        assert "offline" in states
    finally:
        sampler.stop()
    # stop() waits at most the open and the read timeout for the worker: it is gone
    assert not [t for t in threading.enumerate() if t.name.startswith("frame-checks:")]
    assert recorder.states()[-1] == "stopped"
