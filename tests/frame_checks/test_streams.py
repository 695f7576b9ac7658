"""Checks over encoded streams: frozen pictures under periodic key frames, a live still room,
people moving in front of a fixed camera, and local files read at stream time."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from frame_checks import Reference, Sampler, SampleResult, SourceStatus, VenueChecker
from frame_checks.sources import FileSource, local_path

from .support import noisy, real_world, scene, view

SIZE = (480, 270)
FPS = 8
INTERVAL = 2.0
LIVE_SECONDS = 4.0
CLIP_SECONDS = 24.0

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def encode(path: Path, frame_at: Callable[[int], np.ndarray], *, codec: str, gop: int) -> Path:
    """Encode raw frames with FFmpeg as a camera's encoder would: a key frame every `gop`."""
    options = {
        "x264": ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
        "mpeg4": ["-c:v", "mpeg4", "-b:v", "800k"],
    }[codec]
    width, height = SIZE
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{width}x{height}", "-r", str(FPS), "-i", "-", *options, "-g", str(gop),
        str(path),
    ]  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE) as process:
        assert process.stdin is not None
        for index in range(round(CLIP_SECONDS * FPS)):
            process.stdin.write(np.ascontiguousarray(frame_at(index)).tobytes())
        process.stdin.close()
        assert process.wait() == 0
    return path


def active_per_sample(path: Path, checker: VenueChecker | None = None) -> list[SampleResult]:
    checker = checker or VenueChecker()
    with FileSource(path) as source:
        return [
            checker.check(frame.image, at=frame.at, pts=frame.pts)
            for frame in source.frames(interval=INTERVAL)
        ]


@pytest.fixture(scope="module")
def room() -> np.ndarray:
    return view(scene(720, 405, seed=51), size=SIZE)


@needs_ffmpeg
@pytest.mark.parametrize("codec", ["x264", "mpeg4"])
@pytest.mark.parametrize("gop", [8, 20, 50])
def test_a_held_picture_re_encoded_at_every_key_frame_is_frozen(
    codec: str, gop: int, room: np.ndarray, tmp_path: Path
) -> None:
    rng = np.random.default_rng(gop)
    live_frames = round(LIVE_SECONDS * FPS)
    frames = [noisy(room, 2.0, rng) for _ in range(live_frames)]

    def frame_at(index: int) -> np.ndarray:
        return frames[min(index, live_frames - 1)]  # the encoder is fed the last live frame

    results = active_per_sample(
        encode(tmp_path / f"held.{codec}.mkv", frame_at, codec=codec, gop=gop)
    )

    assert [round(r.at) for r in results] == list(range(0, round(CLIP_SECONDS), 2))
    assert "frozen" in results[-1].active
    assert not any("frozen" in r.active for r in results if r.at <= LIVE_SECONDS)


def every_frame_decoded(path: Path, interval: float) -> list[tuple[float, np.ndarray]]:
    """The samples decoding every frame gives: the first frame at or after each moment."""
    samples: list[tuple[float, np.ndarray]] = []
    first: float | None = None
    next_at = 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            first = frame.time if first is None else first
            at = frame.time - first
            if at + 1e-6 >= next_at:
                samples.append((at, frame.to_ndarray(format="bgr24")))
                while next_at <= at + 1e-6:
                    next_at += interval
    return samples


@needs_ffmpeg
@pytest.mark.parametrize("codec", ["x264", "mpeg4"])
@pytest.mark.parametrize("gop", [16, 20, 50])
def test_a_file_decodes_only_the_frames_its_samples_need(
    codec: str, gop: int, room: np.ndarray, tmp_path: Path
) -> None:
    rng = np.random.default_rng(300 + gop)
    path = encode(
        tmp_path / f"moving.{codec}.mkv",
        lambda i: noisy(np.roll(room, 3 * i, axis=1), 2.0, rng),
        codec=codec,
        gop=gop,
    )
    with FileSource(path) as source:
        samples = list(source.frames(interval=INTERVAL))
        decoded = source.decoded
    expected = every_frame_decoded(path, INTERVAL)

    # the very frames a decode of every frame samples, pixel for pixel
    assert [sample.at for sample in samples] == pytest.approx([at for at, _ in expected])
    for sample, (_, image) in zip(samples, expected, strict=True):
        assert np.array_equal(sample.image, image)
    frames = round(CLIP_SECONDS * FPS)
    if gop == round(INTERVAL * FPS):
        # a key frame on every moment: past the first group, each sample is its key frame alone
        assert len(samples) <= decoded <= len(samples) + gop
    else:
        # rarer key frames: the frames of a group after its last sample are left alone
        assert len(samples) <= decoded < frames


@needs_ffmpeg
@pytest.mark.parametrize("codec", ["x264", "mpeg4"])
@pytest.mark.parametrize("gop", [8, 50])
def test_a_still_but_live_room_is_never_frozen(
    codec: str, gop: int, room: np.ndarray, tmp_path: Path
) -> None:
    rng = np.random.default_rng(100 + gop)

    results = active_per_sample(
        encode(
            tmp_path / f"live.{codec}.mkv", lambda _: noisy(room, 2.5, rng), codec=codec, gop=gop
        )
    )

    assert len(results) == CLIP_SECONDS / INTERVAL
    assert not any("frozen" in r.active for r in results)


def with_people(world: np.ndarray, people: list[tuple[int, int, int]]) -> np.ndarray:
    """The room with people in it: a real photograph of a person (scikit-image's astronaut)
    pasted at (x, y) with the given height."""
    picture = view(world, size=SIZE).copy()
    person = real_world("astronaut", (200, 300))[40:420, 60:260]
    for x, y, height in people:
        width = height * person.shape[1] // person.shape[0]
        small = np.asarray(cv2.resize(person, (width, height)), dtype=np.uint8)
        bottom, right = min(SIZE[1], y + height), min(SIZE[0], x + width)
        picture[y:bottom, x:right] = small[: bottom - y, : right - x]
    return picture


def test_people_elsewhere_than_in_the_reference_do_not_move_the_picture() -> None:
    rng = np.random.default_rng(7)
    world = real_world("coffee", (720, 405))
    reference = Reference.from_frame(with_people(world, [(40, 60, 170)]))
    checker = VenueChecker(reference=reference)
    crowds = [
        [(300, 70, 170)], [(200, 50, 190), (360, 80, 160)], [(120, 90, 150)],
        [(330, 40, 200), (20, 80, 150)], [(250, 60, 180)], [(380, 70, 170)],
    ]  # fmt: skip

    results = [
        checker.check(noisy(with_people(world, crowd), 2.0, rng), at=INTERVAL * i)
        for i, crowd in enumerate(crowds)
    ]

    assert not any({"moved", "tilted"} & set(r.hits) for r in results)


def test_someone_close_to_the_camera_is_no_move_but_a_real_move_still_is() -> None:
    rng = np.random.default_rng(8)
    world = real_world("coffee", (720, 405))
    reference = Reference.from_frame(view(world, size=SIZE))
    close = with_people(world, [(60, 0, 420)])  # fills a third of the picture

    found = VenueChecker(reference=reference).check(noisy(close, 2.0, rng), at=0.0)
    moved = VenueChecker(reference=reference).check(
        noisy(view(world, size=SIZE, shift=(40.0, 0.0)), 2.0, rng), at=0.0
    )

    assert not {"moved", "tilted"} & set(found.hits)
    assert found.measurement.alignment is not None
    assert found.measurement.alignment.status in ("ok", "unsure")
    assert "moved" in moved.hits


@pytest.fixture(scope="module")
def black_after_six(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six seconds of a live room, then black: a local file, as a venue's test source."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("needs ffmpeg")
    rng = np.random.default_rng(9)
    picture = view(scene(720, 405, seed=52), size=SIZE)
    black = np.zeros_like(picture)
    path = tmp_path_factory.mktemp("files") / "black after six.mkv"
    return encode(
        path,
        lambda i: noisy(picture, 2.0, rng) if i < 6 * FPS else black,
        codec="x264",
        gop=16,
    )


def test_a_file_url_names_a_local_file(black_after_six: Path) -> None:
    url = black_after_six.as_uri()  # file:///…/black%20after%20six.mkv

    assert local_path(url) == black_after_six
    assert local_path(str(black_after_six)) == black_after_six
    assert local_path("rtsp://camera/live") is None
    assert local_path("file://elsewhere/clip.mkv") is None
    assert local_path(black_after_six.parent.as_uri() + "/missing.mkv") is None


def test_a_file_is_sampled_once_per_interval_of_its_own_timeline(black_after_six: Path) -> None:
    with FileSource(black_after_six.as_uri()) as source:
        frames = list(source.frames(interval=INTERVAL))
    with FileSource(black_after_six, loop=True) as source:
        looped = []
        for frame in source.frames(interval=5.0):
            looped.append(frame.at)
            if len(looped) == 8:
                break

    assert [frame.at for frame in frames] == pytest.approx(
        [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    )
    assert frames[0].image.shape == (SIZE[1], SIZE[0], 3)
    # looping, the file's timeline goes on: 24 s per pass
    assert looped == pytest.approx([0, 5, 10, 15, 20, 25, 30, 35], abs=1.0 / FPS)


def test_a_reader_that_falls_behind_a_file_at_stream_time_skips_to_the_newest_moment(
    black_after_six: Path,
) -> None:
    """Read like a live feed, a reader slower than the samples (a busy machine) is handed the
    newest moment after each sample, not a backlog that would leave it further behind at
    every step; one that keeps up gets every moment."""
    interval = 0.25

    def read(work: float, count: int) -> list[tuple[float, float]]:
        taken = []
        with FileSource(black_after_six) as source:
            started = time.monotonic()
            for frame in source.frames(interval=interval, realtime=True):
                taken.append((frame.at, time.monotonic() - started))
                time.sleep(work)
                if len(taken) == count:
                    break
        return taken

    slow = read(0.6, 6)
    moments = [at for at, _ in slow]
    assert all(later - earlier >= 2 * interval - 1e-6 for earlier, later in pairwise(moments))
    assert max(when - at for at, when in slow) < interval + 0.3
    steady = read(0.0, 6)
    assert [at for at, _ in steady] == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0, 1.25], abs=1 / FPS)


def test_the_sampler_reads_a_file_url_at_stream_time_and_ends_once(black_after_six: Path) -> None:
    samples: list[SampleResult] = []
    statuses: list[SourceStatus] = []
    with Sampler(
        on_sample=lambda _, result: samples.append(result),
        on_status=lambda _, status: statuses.append(status),
    ) as sampler:
        sampler.watch("A", black_after_six.as_uri(), interval=INTERVAL, realtime=False)
        deadline = time.monotonic() + 30.0
        while "offline" not in [s.state for s in statuses]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)  # a file that ended is not opened again

    assert [s.state for s in statuses] == ["connecting", "online", "offline", "stopped"]
    assert [round(r.at) for r in samples] == list(range(0, 24, 2))
    raised = [event for r in samples for event in r.events if event.kind == "raised"]
    assert [event.flag for event in raised] == ["black"]
    assert raised[0].at == pytest.approx(8.0)


def swaying(room_world: np.ndarray, hertz: float, amplitude: float) -> Callable[[int], np.ndarray]:
    """A camera on a mast that sways `amplitude` pixels to and fro at `hertz`, people walking."""
    rng = np.random.default_rng(10)

    def frame_at(index: int) -> np.ndarray:
        at = index / FPS
        dx = amplitude * float(np.sin(2.0 * np.pi * hertz * at))
        walkers = [(int(40 + 30 * at) % 440, 60, 170)]
        picture = with_people(room_world, walkers)
        turn = np.array([[1.0, 0.0, dx], [0.0, 1.0, 0.0]])
        moved = cv2.warpAffine(picture, turn, SIZE, borderMode=cv2.BORDER_REFLECT)
        return noisy(np.asarray(moved, np.uint8), 2.0, rng)

    return frame_at


@pytest.fixture(scope="module")
def sway_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("ffmpeg") is None:
        pytest.skip("needs ffmpeg")
    folder = tmp_path_factory.mktemp("sway")
    world = real_world("coffee", (720, 405))
    return {
        "sway": encode(folder / "sway.mkv", swaying(world, 1.0, 10.0), codec="x264", gop=16),
        "steady": encode(folder / "steady.mkv", swaying(world, 1.0, 0.0), codec="x264", gop=16),
    }


def test_each_sample_comes_with_a_burst_of_the_frames_after_it(
    sway_clips: dict[str, Path],
) -> None:
    with FileSource(sway_clips["steady"]) as source:
        frames = list(source.frames(interval=INTERVAL, burst=2, burst_gap=0.2))
    with FileSource(sway_clips["steady"]) as plain:
        without = list(plain.frames(interval=INTERVAL))

    assert [f.at for f in frames] == pytest.approx([f.at for f in without], abs=1.0 / FPS)
    assert all(len(f.burst) == 2 for f in frames[:-1])
    assert all(extra.shape == f.image.shape for f in frames for extra in f.burst)
    # the burst's frames are later frames (people walked on), not the sample again
    assert not np.array_equal(frames[0].burst[0], frames[0].image)


def test_a_mast_swaying_in_step_with_the_samples_is_shaking_only_within_bursts(
    sway_clips: dict[str, Path],
) -> None:
    """A sway of 1 Hz is at the same phase every 2 s: consecutive samples see no shift at all,
    the frames 0.25 s after each sample see it at its widest. People walking are no shake."""

    def shaking(path: Path, burst: int) -> list[bool]:
        checker = VenueChecker()
        with FileSource(path) as source:
            return [
                "shaking" in checker.check(f.image, at=f.at, pts=f.pts, burst=f.burst).active
                for f in source.frames(interval=INTERVAL, burst=burst)
            ]

    assert not any(shaking(sway_clips["sway"], burst=0))
    assert all(shaking(sway_clips["sway"], burst=2)[2:])
    assert not any(shaking(sway_clips["steady"], burst=2))
