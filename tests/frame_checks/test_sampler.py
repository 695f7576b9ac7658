"""Sources and the sampler: files, streams that hang or vanish, pushed frames, a clean stop."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from frame_checks import Backoff, FrameError, PushFeed, Sampler, SourceStatus
from frame_checks.sources import FileSource, SourceError, StreamSource

from .support import WAIT, Recorder, jpeg_bytes, png_bytes, scene


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sampler(recorder: Recorder) -> Iterator[Sampler]:
    with Sampler(
        on_sample=recorder.on_sample,
        on_status=recorder.on_status,
        open_timeout=0.5,
        read_timeout=0.5,
        backoff=Backoff(initial=30.0),
    ) as running:
        yield running
    assert not [t for t in threading.enumerate() if t.name.startswith("frame-checks:")]


def write_clip(path: Path, seconds: float, fps: int = 10) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (320, 180))
    picture = scene(320, 180)
    for _ in range(round(seconds * fps)):
        writer.write(picture)
    writer.release()
    return path


def test_a_file_is_sampled_by_its_own_timestamps(tmp_path: Path) -> None:
    with FileSource(write_clip(tmp_path / "clip.avi", 3.0)) as source:
        frames = list(source.frames(interval=1.0))

    assert [frame.at for frame in frames] == pytest.approx([0.0, 1.0, 2.0])
    assert [frame.pts for frame in frames] == pytest.approx([0.0, 1.0, 2.0])
    assert frames[0].image.shape == (180, 320, 3)


def test_the_sampler_checks_a_file_and_reports_its_end(
    sampler: Sampler, recorder: Recorder, tmp_path: Path
) -> None:
    sampler.watch("A", write_clip(tmp_path / "clip.avi", 3.0), interval=1.0, realtime=False)

    assert recorder.wait_for(lambda: "offline" in recorder.states())
    assert [round(result.at) for _, result in recorder.samples] == [0, 1, 2]
    assert recorder.states()[:3] == ["connecting", "online", "offline"]
    assert recorder.statuses[2][1].detail == "end of stream"


def test_a_missing_file_is_offline(sampler: Sampler, recorder: Recorder) -> None:
    sampler.watch("A", "/no/such/clip.mp4")

    assert recorder.wait_for(lambda: "offline" in recorder.states())
    assert "no such file" in recorder.statuses[-1][1].detail
    assert recorder.samples == []


def test_a_refused_connection_is_offline(sampler: Sampler, recorder: Recorder) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sampler.watch("A", f"http://127.0.0.1:{port}/video.mjpg")

    assert recorder.wait_for(lambda: "offline" in recorder.states())


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_a_source_that_hangs_is_offline_within_the_open_timeout(
    sampler: Sampler, recorder: Recorder, silent_server: int, scheme: str
) -> None:
    sampler.watch("A", f"{scheme}://127.0.0.1:{silent_server}/live")

    assert recorder.wait_for(lambda: "offline" in recorder.states())
    sampler.stop()
    assert recorder.states()[-1] == "stopped"


@pytest.fixture
def mjpeg_server() -> Iterator[int]:
    """Serves five JPEG parts over HTTP, then stalls without closing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    part = jpeg_bytes(scene(320, 180))
    done = threading.Event()

    def serve() -> None:
        try:
            connection, _ = server.accept()
        except OSError:
            return
        with connection:
            connection.recv(4096)
            connection.sendall(
                b"HTTP/1.0 200 OK\r\n"
                b"Content-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n"
            )
            for _ in range(5):
                connection.sendall(
                    b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(part)
                    + part
                    + b"\r\n"
                )
            done.wait(WAIT)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    done.set()
    server.close()
    thread.join(WAIT)


def test_an_mjpeg_stream_that_stalls_goes_offline_after_its_samples(
    sampler: Sampler, recorder: Recorder, mjpeg_server: int
) -> None:
    sampler.watch("A", f"http://127.0.0.1:{mjpeg_server}/video.mjpg", interval=0.01)

    assert recorder.wait_for(lambda: "offline" in recorder.states())
    assert recorder.samples
    assert recorder.states()[:3] == ["connecting", "online", "offline"]


def test_pushed_frames_are_checked(sampler: Sampler, recorder: Recorder) -> None:
    sampler.watch_pushed("A", interval=0.05)
    frame = jpeg_bytes(scene(320, 180))

    sampler.push("A", frame, pts=1.0)

    assert recorder.wait_for(lambda: len(recorder.samples) == 1)
    venue, result = recorder.samples[0]
    assert venue == "A"
    assert result.measurement.width == 320
    assert result.frame is not None


def test_junk_is_refused_when_pushed_and_a_corrupt_body_when_decoded(
    sampler: Sampler, recorder: Recorder
) -> None:
    sampler.watch_pushed("A", interval=0.05)
    damaged = bytearray(png_bytes(scene(320, 180)))
    start = damaged.index(b"IDAT") + 4
    damaged[start : start + 40] = b"\x00" * 40

    with pytest.raises(FrameError):
        sampler.push("A", b"not a picture")
    sampler.push("A", bytes(damaged))

    assert recorder.wait_for(lambda: "bad_frame" in recorder.states())
    assert recorder.statuses[-1][1].detail.startswith("corrupt")
    assert recorder.samples == []


def test_a_push_feed_that_stops_is_offline(sampler: Sampler, recorder: Recorder) -> None:
    sampler.watch_pushed("A", interval=0.05, stale_after=0.2)

    assert recorder.wait_for(lambda: "offline" in recorder.states())
    assert recorder.statuses[-1][1].detail.startswith("no frame pushed")


def test_a_push_feed_keeps_only_the_latest_frame() -> None:
    feed = PushFeed()
    frames = [jpeg_bytes(scene(64, 36, seed=i)) for i in range(5)]

    for index, frame in enumerate(frames):
        feed.push(frame, pts=float(index))

    latest = feed.take(timeout=0.0)
    assert latest is not None
    assert (latest.data, latest.pts) == (frames[-1], 4.0)
    assert feed.take(timeout=0.0) is None


def test_venues_are_watched_once_and_pushed_to_by_name(sampler: Sampler) -> None:
    sampler.watch_pushed("A")

    with pytest.raises(ValueError, match="already watched"):
        sampler.watch_pushed("A")
    with pytest.raises(KeyError):
        sampler.push("B", jpeg_bytes(scene(64, 36)))
    assert sampler.venues == ["A"]


def test_unwatching_stops_that_venue_only(sampler: Sampler, recorder: Recorder) -> None:
    sampler.watch_pushed("A")
    sampler.watch_pushed("B")

    sampler.unwatch("A")

    assert sampler.venues == ["B"]
    assert ("A", SourceStatus("stopped")) in recorder.statuses


def test_reconnection_backs_off_exponentially_up_to_a_cap() -> None:
    delays = Backoff(initial=1.0, maximum=10.0).delays()

    assert [delays.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    delays.reset()
    assert delays.next() == 1.0


def test_a_source_that_cannot_open_raises_a_source_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 100)

    with pytest.raises(SourceError):
        FileSource(junk).open()
    with pytest.raises(SourceError):
        StreamSource("no-such-thing").open()
    with pytest.raises(SourceError, match="no such file"):
        FileSource("no-such-thing")


def test_the_frames_of_a_source_are_not_queued(tmp_path: Path) -> None:
    with FileSource(write_clip(tmp_path / "clip.avi", 2.0)) as source:
        frames = source.frames(interval=0.5)
        first = next(frames)
        second = next(frames)

    assert second.at - first.at == pytest.approx(0.5)
    assert isinstance(first.image, np.ndarray)
