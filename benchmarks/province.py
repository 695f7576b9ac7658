"""A province on one core: 100 venues sampled every 2 s, with their sound, by one process
pinned to one core — the sampler the app runs (`vcwatch sampler`), beside FFmpeg doing the
same work on the same files.

    python benchmarks/province.py [--venues 100] [--seconds 60] [--height 360|720|1080]
                                  [--key-seconds 2] [--clips 2] [--quick] [--live]
                                  [--no-turns]

Material (made in a temporary folder, deleted at the end): a few distinct clips of real footage
with speech — OpenCV's `vtest.avi` (Debian's `opencv-doc`) seen as a 16:9 camera
(`footage_set.camera`), each starting elsewhere in the recording, raised from its 10 fps to a
conference stream's 25 fps by blending neighbouring frames, H.264 (x264) with a key frame every
`--key-seconds`, muxed with `espeak-ng` speech (`audio_checks.Material`, the evaluation set) as
AAC 48 kHz stereo. The venues read these files round-robin.

The pipeline is the app's: a `Sampler` (one worker thread per venue, `FileSource` reading the file
at stream time through PyAV, `VenueChecker` with a reference frame, so alignment runs) and an
`AudioSampler` (one more worker per venue, `AudioSource` + `AudioChecker`, one window a second),
the workers of both taking turns for their heavy work as the app's do (`Turns`, one per core:
one here; `--no-turns` lets every worker work when it likes, to compare), and on every sample
what the app's callback does with it (`encode_jpeg` and the sample file written). It runs in real
time for `--seconds`; the process, FFmpeg and every thread are pinned to one core and OpenCV and
the BLAS to one thread each. Figures: the share of that core the process got (CPU time over wall
time) and the share it needs (what each sample taken and each second of sound cost, times the
samples due and the sound of every venue: more than the share got when it fell behind or gave
samples up), the video samples and audio windows judged within 2 s of their moment against those
due (over the whole run and in steady state, once every venue has started), and the CPU split
into decode (PyAV, conversion to BGR or to 16 kHz mono), video analysis, the sample JPEG and
audio analysis. The target holds when less than the whole core is needed and 99% of the samples
and windows come on time in steady state. Other work on the machine competes for the core: a
run that got too little of it says so.

Files are what this measures by default: `FileSource` decodes only the frames its samples need
(with key frames on the sample moments — every 2 s or 1 s — each sample is one key frame alone).
With `--live` the venues' video comes as live streams instead: one FFmpeg per clip (`-re`, on
the other cores) sends it as MPEG-TS over localhost UDP to every venue's own port, and the
sampler reads them as it would cameras (`StreamSource`, paced by their arrival, decoding only
what the samples need by the same mechanism); the sound is still read from the files. A
venue's video moments then count from its stream's first sample (opening a stream takes its
probing), and the "every frame" baselines show what decoding every frame would cost.

The baseline, on the same files in the same run, is FFmpeg (`-threads 1`) doing the equivalent
work per venue: decoding the video, one frame per 2 s through `signalstats`, `blackdetect` and
`freezedetect`, the sound through `aresample` (16 kHz mono), `astats` and `silencedetect` —
once decoding every frame and once with `-skip_frame nokey` (key frames only) — and PyAV
decoding alone; their CPU per second of footage is scaled to the venues.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import av  # noqa: E402
import cv2  # noqa: E402
import footage_set  # noqa: E402
import numpy as np  # noqa: E402
from audio_checks import Material  # noqa: E402

from frame_checks import Reference, Sampler, SampleResult, SourceStatus, VenueChecker  # noqa: E402
from frame_checks.audio import ANALYSIS_RATE  # noqa: E402
from frame_checks.audio_checker import AudioChecker, AudioResult, wav_bytes  # noqa: E402
from frame_checks.audio_sampler import AudioSampler  # noqa: E402
from frame_checks.decode import encode_jpeg  # noqa: E402
from frame_checks.measure import Image  # noqa: E402
from frame_checks.sources import SourceState  # noqa: E402
from frame_checks.turns import Turns  # noqa: E402

TARGET_VENUES = 100
INTERVAL = 2.0
RATE = 25
SIZES = {360: (640, 360), 720: (1280, 720), 1080: (1920, 1080)}
ON_TIME = INTERVAL
"""A video sample (or an audio window) later than this after its moment counts as late."""
REFERENCE_FRAME = 400
CORE = 0


# -- material --------------------------------------------------------------------------------


def vtest_frames() -> list[Image]:
    return footage_set.read_vtest()


def make_clips(
    folder: Path, *, count: int, seconds: float, size: tuple[int, int], key_seconds: float
) -> list[Path]:
    recording = vtest_frames()
    material = Material("evaluation")
    frames = round(seconds * footage_set.FPS)
    clips: list[Path] = []
    for number in range(count):
        offset = (len(recording) * number) // count
        sound = folder / f"speech{number}.wav"
        speech = material.speech(seconds + 1.0)
        sound.write_bytes(wav_bytes(speech, rate=ANALYSIS_RATE))
        path = folder / f"venue{number}.mp4"
        pictures: Iterator[Image] = (
            footage_set.camera(recording[(offset + i) % len(recording)], size=size)
            for i in range(frames)
        )
        footage_set.encode(
            path,
            pictures,
            codec="x264",
            gop=max(1, round(key_seconds * RATE)),
            size=size,
            rate=RATE,
            sound=sound,
        )
        sound.unlink()
        clips.append(path)
    return clips


# -- the sampler at work -----------------------------------------------------------------------


class TimedChecker(VenueChecker):
    """A venue's checker that keeps the CPU time (its worker thread's) spent in the checks."""

    def __init__(self, *, reference: Reference) -> None:
        super().__init__(reference=reference)
        self.cpu = 0.0

    def check(
        self,
        frame: Image,
        *,
        at: float,
        pts: float | None = None,
        burst: Sequence[Image] = (),
    ) -> SampleResult:
        started = time.thread_time()
        try:
            return super().check(frame, at=at, pts=pts, burst=burst)
        finally:
            self.cpu += time.thread_time() - started


class TimedListener(AudioChecker):
    def __init__(self) -> None:
        super().__init__(state="speaking")
        self.cpu = 0.0

    def feed(self, samples: np.ndarray, *, at: float) -> list[AudioResult]:
        started = time.thread_time()
        try:
            return super().feed(samples, at=at)
        finally:
            self.cpu += time.thread_time() - started


@dataclass
class Venue:
    code: str
    clip: Path
    started: float = 0.0
    checker: TimedChecker | None = None
    listener: TimedListener | None = None
    lateness: list[tuple[float, float]] = field(default_factory=list)
    """(moment on the clock, how late the sample came) of every video sample (after the run)."""
    heard_lateness: list[tuple[float, float]] = field(default_factory=list)
    """The same for every audio window (its moment: its end)."""
    heard_to: float = 0.0
    """Stream time the judged sound reached."""
    jpeg_cpu: float = 0.0
    video: str = ""
    """Where its video comes from: the clip, or the URL of its live stream."""
    video_started: float = 0.0
    """When its video's timeline started: `started` for a file; for a live stream (whose
    timeline starts once it is open) the earliest its samples allow — none came before its
    moment: the least of (when it came − its moment)."""
    delivered: list[tuple[float, float]] = field(default_factory=list)
    """(when it came, its moment on the stream's timeline) of every video sample."""
    video_thread: int | None = None
    audio_thread: int | None = None
    offline: list[str] = field(default_factory=list)


@dataclass
class PipelineRun:
    venues: list[Venue]
    started: float
    wall: float
    cpu: float
    video_threads_cpu: float
    audio_threads_cpu: float
    analysis_cpu: float
    jpeg_cpu: float
    listening_cpu: float


def thread_cpu(native_id: int | None) -> float:
    """CPU seconds of one of this process's threads (0 when it is gone)."""
    if native_id is None:
        return 0.0
    try:
        fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def run_pipeline(
    clips: Sequence[Path],
    reference: Reference,
    *,
    venues: int,
    seconds: float,
    folder: Path,
    streams: Sequence[str] = (),
    burst: int = 0,
    turns: bool = True,
) -> PipelineRun:
    """The sampler at work for `seconds`; the venues' video comes from `streams` (one URL per
    venue) when given, else from their clips."""
    places = [
        Venue(
            f"V{number:03d}",
            clips[number % len(clips)],
            video=streams[number] if streams else str(clips[number % len(clips)]),
        )
        for number in range(venues)
    ]
    by_code = {venue.code: venue for venue in places}
    samples_folder = folder / "samples"
    samples_folder.mkdir()
    over = threading.Event()  # the run's end: what comes after is not counted

    def sampled(code: str, result: SampleResult) -> None:
        if over.is_set():
            return
        venue = by_code[code]
        venue.video_thread = threading.get_native_id()
        venue.delivered.append((time.monotonic(), result.at))
        started = time.thread_time()
        if result.frame is not None:  # what the app's callback does: keep the sample's JPEG
            path = samples_folder / f"{code}.jpg"
            temporary = path.with_suffix(".part")
            temporary.write_bytes(encode_jpeg(result.frame))
            temporary.replace(path)
        venue.jpeg_cpu += time.thread_time() - started

    def status(code: str, state: SourceStatus) -> None:
        if state.state == "offline" and not over.is_set():
            by_code[code].offline.append(state.detail)

    def heard(code: str, result: AudioResult) -> None:
        if over.is_set():
            return
        venue = by_code[code]
        venue.audio_thread = threading.get_native_id()
        window = result.measurement.seconds
        moment = venue.started + result.at + window
        venue.heard_lateness.append((moment, time.monotonic() - moment))
        venue.heard_to = result.at + window

    def audio_status(code: str, state: SourceState, detail: str) -> None:
        if state == "offline" and not over.is_set():
            venue = by_code[code]
            venue.offline.append(f"audio: {detail} at {time.monotonic() - venue.started:.1f} s")

    shared = Turns() if turns else None
    sampler = Sampler(on_sample=sampled, on_status=status, burst=burst, turns=shared)
    listener = AudioSampler(on_audio=heard, on_status=audio_status, turns=shared)
    for venue in places:
        venue.checker = TimedChecker(reference=reference)
        venue.listener = TimedListener()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.monotonic()
    # The venues come up one after another over the first interval, as a sampler taking them
    # over would; each reads its file from its start at its own pace.
    for number, venue in enumerate(places):
        due = wall0 + INTERVAL * number / len(places)
        time.sleep(max(0.0, due - time.monotonic()))
        if time.monotonic() > wall0 + seconds / 2:
            break  # starved: the venues not started by half time are left out (and reported)
        venue.started = venue.video_started = time.monotonic()
        sampler.watch(venue.code, venue.video, interval=INTERVAL, checker=venue.checker)
        listener.listen(venue.code, venue.clip, checker=venue.listener)
    time.sleep(max(0.0, wall0 + seconds - time.monotonic()))
    over.set()
    wall = time.monotonic() - wall0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    run = PipelineRun(
        places,
        started=wall0,
        wall=wall,
        cpu=(cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        video_threads_cpu=sum(thread_cpu(v.video_thread) for v in places),
        audio_threads_cpu=sum(thread_cpu(v.audio_thread) for v in places),
        analysis_cpu=sum(v.checker.cpu for v in places if v.checker),
        jpeg_cpu=sum(v.jpeg_cpu for v in places),
        listening_cpu=sum(v.listener.cpu for v in places if v.listener),
    )
    sampler.stop(timeout=15.0)
    listener.stop()
    for venue in places:
        if streams and venue.delivered:
            venue.video_started = min(came - at for came, at in venue.delivered)
        venue.lateness = [
            (venue.video_started + at, came - venue.video_started - at)
            for came, at in venue.delivered
        ]
    return run


# -- live streams ------------------------------------------------------------------------------


def free_udp_ports(count: int) -> list[int]:
    """Free UDP ports below the range the system hands out, so that no sender's own socket
    takes one before its venue binds it."""
    lowest = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports: list[int] = []
    for port in range(lowest - 1, 1024, -1):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("not enough free UDP ports")


def serve_live(
    clips: Sequence[Path], venues: int
) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    """Every venue's video as a live MPEG-TS stream over localhost UDP: one FFmpeg per clip
    sending it at its own pace, in a loop, to the ports of the venues that read that clip
    (the tee muxer). The senders run on the cores the measured process does not."""
    streams = [f"udp://127.0.0.1:{port}" for port in free_udp_ports(venues)]
    others = set(os.sched_getaffinity(0)) - {CORE} or {CORE}
    senders: list[subprocess.Popen[bytes]] = []
    for index, clip in enumerate(clips):
        outputs = "|".join(f"[f=mpegts]{url}" for url in streams[index :: len(clips)])
        command = [
            "ffmpeg", "-v", "quiet", "-re", "-stream_loop", "-1", "-i", str(clip),
            "-map", "0:v", "-c", "copy", "-f", "tee", outputs,
        ]  # fmt: skip
        sender = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        os.sched_setaffinity(sender.pid, others)
        senders.append(sender)
    return streams, senders


# -- baselines -----------------------------------------------------------------------------------


def child_cpu_of(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ffmpeg_cpu(clip: Path, *, key_frames_only: bool) -> float:
    """CPU seconds FFmpeg takes to judge the whole clip: video and sound, one thread."""
    graph = (
        f"[0:v]fps=fps=1/{INTERVAL:g},signalstats,blackdetect=d=4,"
        "freezedetect=n=-60dB:d=10[v];"
        f"[0:a]aresample={ANALYSIS_RATE},pan=mono|c0=0.5*c0+0.5*c1,"
        f"astats=metadata=1:reset={ANALYSIS_RATE},silencedetect=noise=-60dB:d=1[a]"
    )
    skip = ["-skip_frame", "nokey"] if key_frames_only else []
    command = [
        "ffmpeg", "-hide_banner", "-nostats", "-threads", "1", "-filter_threads", "1",
        "-filter_complex_threads", "1", *skip, "-i", str(clip), "-filter_complex", graph,
        "-map", "[v]", "-map", "[a]", "-f", "null", "-",
    ]  # fmt: skip
    return child_cpu_of(command)


def pyav_decode_cpu(clip: Path, *, key_frames_only: bool) -> float:
    started = time.thread_time()
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        stream.codec_context.thread_count = 1
        if key_frames_only:
            stream.codec_context.skip_frame = "NONKEY"
        for _ in container.decode(stream):
            pass
    return time.thread_time() - started


def clip_seconds(clip: Path) -> float:
    with av.open(str(clip)) as container:
        return float(container.duration or 0) / av.time_base


# -- report --------------------------------------------------------------------------------------


def percentile(values: Sequence[float], point: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(point / 100 * (len(ordered) - 1)))]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def report(run: PipelineRun, baselines: dict[str, float], *, venues: int) -> bool:
    places = [v for v in run.venues if v.started]
    if len(places) < venues:
        print(
            f"\nonly {len(places)} of {venues} venues started by half time: the process was "
            "starved of the core (its figures below are of those)"
        )
    end = run.started + run.wall
    # Steady state: the moments after every venue has started and had an interval to settle.
    steady = max(max(v.started, v.video_started) for v in places) + INTERVAL

    def due_between(step: float, first: int, start: float, *, video: bool = False) -> int:
        """Moments `step` apart (from the `first`-th) of every venue between `start` and the end."""
        total = 0
        for v in places:
            origin = v.video_started if video else v.started
            lowest = max(first, math.ceil((start - origin) / step - 1e-9))
            total += max(0, math.floor((end - origin) / step) - lowest + 1)
        return total

    def summary(name: str, found: list[tuple[float, float]], due: int, since: float) -> float:
        late = [x for moment, x in found if since <= moment <= end]
        on_time = sum(1 for x in late if x <= ON_TIME)
        print(
            f"  {name}: {len(late)} of {due} due, {on_time} within {ON_TIME:g} s of their moment "
            f"({on_time / max(1, due):.1%}); lateness p50 {percentile(late, 50):.2f} s, p95 "
            f"{percentile(late, 95):.2f} s, max {max(late, default=math.nan):.2f} s"
        )
        return on_time / max(1, due)

    lateness = [x for v in places for x in v.lateness]
    heard = [x for v in places for x in v.heard_lateness]
    share = run.cpu / run.wall
    analysis, jpeg, listening = run.analysis_cpu, run.jpeg_cpu, run.listening_cpu
    decode = max(0.0, run.video_threads_cpu - analysis - jpeg)
    audio_decode = max(0.0, run.audio_threads_cpu - listening)
    other = max(0.0, run.cpu - run.video_threads_cpu - run.audio_threads_cpu)
    sound = sum(v.heard_to for v in places)  # venue-seconds of sound judged
    samples = max(1, len(lateness))  # the CPU split is over every sample of the run
    # The core share the venues need to be followed in real time: what each sample taken and
    # each second of sound cost, times the samples (one per interval) and the sound of every
    # venue — the same as the share used when the process keeps up, more when it falls behind
    # or gives samples up.
    needed = (
        venues * (run.video_threads_cpu / samples) / INTERVAL
        + venues * (run.audio_threads_cpu / max(sound, 1e-9))
        + other / run.wall
    )
    print(
        f"\n{venues} venues for {run.wall:.1f} s on one core: the process used {run.cpu:.1f} s "
        f"of CPU, {share:.1%} of the core"
    )
    print("whole run, from the first venue's start:")
    summary(
        "video samples", lateness, due_between(INTERVAL, 0, run.started, video=True), run.started
    )
    summary("audio windows (1 s)", heard, due_between(1.0, 1, run.started), run.started)
    print(f"steady state, the moments from {steady - run.started:.1f} s on (every venue started):")
    video_ok = summary(
        "video samples", lateness, due_between(INTERVAL, 0, steady, video=True), steady
    )
    audio_ok = summary("audio windows (1 s)", heard, due_between(1.0, 1, steady), steady)
    offline = [f"{v.code}: {d}" for v in places for d in v.offline]
    if offline:
        print(f"offline reports: {len(offline)} (first: {offline[0]})")
    sampled = samples * INTERVAL  # venue-seconds the samples taken stand for

    def row(name: str, cpu: float, per: float, unit: str, seconds: float) -> list[str]:
        return [
            name,
            f"{cpu:.1f}",
            f"{cpu / per * 1000:.2f} {unit}",
            f"{venues * cpu / seconds:.1%}",
        ]

    rows = [
        row("video decode (PyAV) + frame → BGR", decode, samples, "ms/sample", sampled),
        row("video analysis (VenueChecker.check)", analysis, samples, "ms/sample", sampled),
        row("sample JPEG (the app's keep_sample)", jpeg, samples, "ms/sample", sampled),
        row("audio decode + 16 kHz mono", audio_decode, sound, "ms/s of sound", sound),
        row("audio analysis (AudioChecker.feed)", listening, sound, "ms/s of sound", sound),
        ["other (main thread, interpreter)", f"{other:.1f}", "", f"{other / run.wall:.1%}"],
    ]
    print("\nwhere the CPU went (the workers' own thread times):")
    print(table(["part", "CPU s", "cost", f"core share, {venues} venues"], rows))
    print(
        f"\nside by side, the share of one core {venues} venues need, a sample per 2 s and sound:"
    )
    rows = [
        [
            "vcwatch sampler (measured above, real time)",
            f"{needed:.1%}",
            "CPU per sample taken and per second of sound × venues",
        ]
    ]
    for name, value in baselines.items():
        rows.append([name, f"{value * venues:.1%}", "CPU per second of footage × venues"])
    print(table(["pipeline", "core share", "how"], rows))
    fits = needed < 1.0 and venues >= TARGET_VENUES
    kept_up = video_ok >= 0.99 and audio_ok >= 0.99
    starved = share < min(needed, 1.0) - 0.05
    holds = fits and kept_up
    if holds:
        verdict = "holds"
    elif fits and starved:
        verdict = (
            f"fits by its CPU, but this run could not show it in real time: the process got "
            f"{share:.0%} of the core (other work on the machine); rerun on a quiet core"
        )
    else:
        verdict = "NOT MET"
    print(
        f"\ntarget: {TARGET_VENUES} venues, one sample per {INTERVAL:g} s with their sound, on one "
        f"core: {verdict} ({needed:.1%} of the core needed; in steady state {video_ok:.1%} of the "
        f"samples and {audio_ok:.1%} of the windows within {ON_TIME:g} s, 99% asked)"
    )
    return holds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venues", type=int, default=TARGET_VENUES)
    parser.add_argument("--seconds", type=float, default=60.0, help="real time run (≤ 70)")
    parser.add_argument("--height", type=int, choices=sorted(SIZES), default=720)
    parser.add_argument(
        "--key-seconds", type=float, default=2.0, help="key-frame interval of the clips"
    )
    parser.add_argument("--clips", type=int, default=2, help="distinct clips (default 2)")
    parser.add_argument("--quick", action="store_true", help="15 s run, 2 clips")
    parser.add_argument(
        "--live",
        action="store_true",
        help="the video as live streams: the clips sent by FFmpeg over localhost UDP",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="frames after each sample for the shake check (the setting frame_burst; default 0)",
    )
    parser.add_argument(
        "--no-turns",
        action="store_true",
        help="every worker works when it likes, instead of taking turns as the app's do",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.clips = min(args.seconds, 15.0), 2
    args.seconds = min(args.seconds, 70.0)
    size = SIZES[args.height]
    with tempfile.TemporaryDirectory(prefix="vcwatch-province-") as scratch:
        folder = Path(scratch)
        started = time.monotonic()
        clips = make_clips(
            folder,
            count=args.clips,
            seconds=args.seconds + 5.0,
            size=size,
            key_seconds=args.key_seconds,
        )
        print(
            f"material: {len(clips)} clips of {clip_seconds(clips[0]):.0f} s, {size[0]}×{size[1]} "
            f"H.264 {RATE} fps, a key frame every {args.key_seconds:g} s, AAC 48 kHz stereo "
            f"speech ({time.monotonic() - started:.0f} s to make)"
        )
        # From here on, this process, its threads and the FFmpeg it starts run on one core.
        os.sched_setaffinity(0, {CORE})
        cv2.setNumThreads(1)
        print(
            f"pinned to core {CORE} of {os.cpu_count()}; load average "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine "
            "competes for the core: the share the process got is shown beside the share needed)"
        )
        reference = Reference.from_frame(
            footage_set.camera(vtest_frames()[REFERENCE_FRAME], size=size)
        )
        footage = sum(clip_seconds(clip) for clip in clips)
        started = time.monotonic()
        ways = [
            ("FFmpeg, every frame decoded + filters", ffmpeg_cpu, False),
            ("FFmpeg, key frames only + filters", ffmpeg_cpu, True),
            ("PyAV decode alone, every frame", pyav_decode_cpu, False),
            ("PyAV decode alone, key frames only", pyav_decode_cpu, True),
        ]
        baselines = {
            name: sum(way(clip, key_frames_only=keys) for clip in clips) / footage
            for name, way, keys in ways
        }
        print(f"baselines measured ({time.monotonic() - started:.0f} s)", flush=True)
        streams, senders = serve_live(clips, args.venues) if args.live else ([], [])
        if senders:
            print(f"video: live, {len(streams)} MPEG-TS streams over localhost UDP")
        print(f"burst: {args.burst} frames after each sample" if args.burst else "burst: none")
        print(
            "turns: none, every worker works when it likes"
            if args.no_turns
            else "turns: one per core the process runs on (as the app's samplers take them)"
        )
        try:
            run = run_pipeline(
                clips,
                reference,
                venues=args.venues,
                seconds=args.seconds,
                folder=folder,
                streams=streams,
                burst=args.burst,
                turns=not args.no_turns,
            )
        finally:
            for sender in senders:
                sender.kill()
                sender.wait()
    return 0 if report(run, baselines, venues=args.venues) else 1


if __name__ == "__main__":
    raise SystemExit(main())
