"""The second benchmark set: continuous real footage of a fixed camera with people moving.

This set is for evaluation only. No threshold was set by looking at its results: the
thresholds were tuned on the first set (photographs turned into venues, `frame_checks.py`'s
scenes and clips) and on the unit tests' synthetic and scikit-image frames. It is built from
one real recording only — OpenCV's `vtest.avi` (Debian's `opencv-doc`: a fixed camera over a
square, people walking through, real sensor and codec noise) — seen as a 16:9 camera
(the 768×432 centre, scaled to 1280×720) and encoded with Debian's `ffmpeg`:

- clean controls: the whole recording (79.5 s, people throughout), encoded with x264 at key
  frames every 1, 2.5 and 5 s and with mpeg4 every 2.5 s;
- three clips per fault kind (`--quick`: one), each starting elsewhere in the recording (other
  people in other places): the first 20 s clean, 20 s with the fault cut into the continuing
  footage, 20 s clean again; the others 12–24 s clean, a fault of 14–24 s, 12 s clean. Every
  fault's parameters are drawn afresh over a realistic range (`degrade`: exposure in linear
  light, a veil of grey light, a white-balance or colour-line fault, snow at a PSNR of
  17–27 dB, rolling interference bars, a hand or cloth out of focus over 35–75 % of the view,
  a shaking mount, SMPTE/EBU bars or a blue screen; dark to a mean luma of 18–45, defocus
  σ 4–9, turned 2.5–6°, moved 35–90 px); `frozen` holds one frame for the middle 20 s and is
  encoded with x264 and with mpeg4 at key frames every 1, 2.5 and 5 s, so the held picture is
  re-coded at every key frame.

Other recordings were looked for: Debian's `opencv-doc` ships three other videos — Megamind.avi
and Megamind_bugy.avi (an animated film's trailer: cuts, not a fixed camera) and tree.avi (a
webcam at a window, 320×240, no people; its header claims 444 frames but only 68 decode —
4.5 s — and its sky is clipped throughout: 15 % of the picture at full white, judged
over-exposed by our checks); no Debian or PyPI package found ships another fixed-camera
recording.

Every clip is read from the file at stream time (`FileSource`, one sample per 2 s of the file's
timeline, PyAV decoding, each sample with the two frames that follow it 0.2 s apart for the
shake measurement, as the sampler takes them with `VCWATCH_FRAME_BURST=2`; and once more
without bursts, the sampler's default, where a shake is measured between samples) and checked against a reference frame taken elsewhere in the recording
(other people in other places). Scored per kind: recall (fault segments in which the flag was
raised), precision (raises of the kind that fall in a segment of that kind), the false-positive
rate on clean samples (the share with the kind active; the first sample of a clip and the three
after a fault are left out), and the per-sample agreement with FFmpeg where it has a filter:
`freezedetect`, `blackdetect`, `signalstats` (YAVG for dark and over-exposed, YHIGH−YLOW for low
contrast, UAVG/VAVG for a colour cast).
"""

from __future__ import annotations

import math
import re
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import degrade
import numpy as np
from numpy.typing import NDArray

from frame_checks import Reference, Thresholds, VenueChecker
from frame_checks.judge import FLAGS
from frame_checks.sources import BURST_FRAMES, FileSource

Image = NDArray[np.uint8]

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
SIZE = (1280, 720)
HD = (1920, 1080)
FPS = 10
INTERVAL = 2.0
CLEAN_BEFORE = 20.0
FAULT_SECONDS = 20.0
CLEAN_AFTER = 20.0
SETTLE_SAMPLES = 3
"""Samples after a fault ends that are neither fault nor clean (the flag is clearing)."""
KEY_FRAMES = (10, 25, 50)
"""Key-frame intervals (frames at 10 fps): 1 s, 2.5 s, 5 s."""
PER_KIND = 3
"""Fault clips per kind (`--quick`: one)."""


def read_vtest() -> list[Image]:
    """The recording as a 16:9 camera sees it (768×432 centre of the 768×576 sensor)."""
    with av.open(str(VTEST)) as container:
        return [frame.to_ndarray(format="bgr24") for frame in container.decode(video=0)]


def camera(
    source: Image,
    *,
    size: tuple[int, int] = SIZE,
    rotation: float = 0.0,
    dx: float = 0.0,
    dy: float = 0.0,
) -> Image:
    height, width = source.shape[:2]
    crop_height = width * 9 // 16
    if rotation or dx or dy:
        turn = cv2.getRotationMatrix2D(((width - 1) / 2.0, (height - 1) / 2.0), rotation, 1.0)
        turn[0, 2] += dx
        turn[1, 2] += dy
        source = cv2.warpAffine(source, turn, (width, height), borderMode=cv2.BORDER_REFLECT)
    top = (height - crop_height) // 2
    return np.asarray(
        cv2.resize(source[top : top + crop_height], size, interpolation=cv2.INTER_AREA), np.uint8
    )


def clip8(values: NDArray[np.float32]) -> Image:
    return np.clip(values, 0, 255).astype(np.uint8)


Fault = Callable[[Image, int, np.random.Generator], Image]
"""(source frame of the recording, frame index within the fault, rng) → the camera's picture."""


def _dark(target: float) -> Fault:
    def apply(source: Image, _: int, __: np.random.Generator) -> Image:
        view = camera(source)
        return clip8(view.astype(np.float32) * (target / max(1.0, float(view.mean()))))

    return apply


def _black(level: float, text: bool) -> Fault:
    def apply(_: Image, __: int, rng: np.random.Generator) -> Image:
        picture = clip8(rng.normal(level, 1.0, (SIZE[1], SIZE[0], 3)).astype(np.float32))
        if text:
            cv2.putText(
                picture, "NO VIDEO", (SIZE[0] // 2 - 120, SIZE[1] // 2), cv2.FONT_HERSHEY_SIMPLEX,
                1.5, (230, 230, 230), 3,
            )  # fmt: skip
        return picture

    return apply


def _picture(fault: degrade.Fault) -> Fault:
    return lambda source, _, rng: fault.apply(camera(source), rng)


def _shaking(mount: degrade.Shake, source_width: int) -> Fault:
    def apply(source: Image, _: int, rng: np.random.Generator) -> Image:
        dx, dy, turn = mount.pose(rng, SIZE[0])
        scale = source_width / SIZE[0]
        return camera(source, rotation=turn, dx=dx * scale, dy=dy * scale)

    return apply


def draw_fault(kind: str, rng: np.random.Generator, source_width: int) -> tuple[str, Fault]:
    """One fault of `kind` with its parameters drawn over a realistic range (see `degrade`)."""
    if kind == "dark":
        target = float(rng.uniform(18.0, 45.0))
        return f"dark (mean luma {target:.0f})", _dark(target)
    if kind == "black":
        level, text = float(rng.choice([3.0, 16.0])), bool(rng.random() < 0.5)
        return f"black (level {level:.0f}{', text' if text else ''})", _black(level, text)
    if kind == "blurred":
        sigma = float(rng.uniform(4.0, 9.0))
        return f"defocus σ{sigma:.1f}", lambda s, _, __: np.asarray(
            cv2.GaussianBlur(camera(s), (0, 0), sigma), np.uint8
        )
    if kind == "tilted":
        degrees = float(rng.uniform(2.5, 6.0) * rng.choice([-1.0, 1.0]))
        return f"turned {degrees:+.1f}°", lambda s, _, __: camera(s, rotation=degrees)
    if kind == "moved":
        dx = float(rng.uniform(35.0, 90.0) * rng.choice([-1.0, 1.0]))
        dy = float(rng.uniform(-25.0, 25.0))
        return f"moved ({dx:+.0f}, {dy:+.0f}) px", lambda s, _, __: camera(s, dx=dx, dy=dy)
    if kind == "shaking":
        mount = degrade.shake(rng)
        label = f"shaking ±{mount.amplitude:.0f} px ±{mount.rotation:.1f}°"
        return label, _shaking(mount, source_width)
    fault = degrade.PICTURE_FAULTS[kind](rng)
    return fault.label, _picture(fault)


FAULT_KINDS = (
    "dark", "black", "blurred", "tilted", "moved", "overexposed", "low_contrast", "colour_cast",
    "noisy", "stripes", "covered", "shaking", "no_signal",
)  # fmt: skip


@dataclass(frozen=True)
class Clip:
    name: str
    path: Path
    kind: str | None
    """The fault cut in, None for a clean control."""
    fault_start: float = CLEAN_BEFORE
    fault_end: float = CLEAN_BEFORE + FAULT_SECONDS
    label: str = ""


def encode(
    path: Path,
    frames: Iterator[Image],
    *,
    codec: str,
    gop: int,
    size: tuple[int, int] = SIZE,
    rate: int | None = None,
    sound: Path | None = None,
) -> None:
    """Frames at `FPS` into `path`; `rate`: the output's frame rate, reached by blending
    neighbouring frames (FFmpeg's `framerate`), `gop` counting its frames; `sound`: a WAV
    muxed as a conference stream carries it (AAC, 48 kHz stereo, 96 kb/s)."""
    options = {
        "x264": ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"],
        "mpeg4": ["-c:v", "mpeg4", "-b:v", "2M"],
    }[codec]
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{size[0]}x{size[1]}", "-r", str(FPS), "-i", "-",
    ]  # fmt: skip
    if sound is not None:
        command += ["-i", str(sound), "-map", "0:v", "-map", "1:a", "-shortest"]
        command += ["-c:a", "aac", "-ar", "48000", "-ac", "2", "-b:a", "96k"]
    if rate is not None:
        command += ["-vf", f"framerate=fps={rate}"]
    command += [*options, "-g", str(gop), str(path)]
    with subprocess.Popen(command, stdin=subprocess.PIPE) as process:
        assert process.stdin is not None
        for frame in frames:
            process.stdin.write(np.ascontiguousarray(frame).tobytes())
        process.stdin.close()
        if process.wait(timeout=900) != 0:
            raise RuntimeError(f"ffmpeg could not encode {path}")


def build_clips(
    recording: list[Image], folder: Path, *, quick: bool, per_kind: int = PER_KIND
) -> list[Clip]:
    """The clean controls, the held-frame clips, and `per_kind` clips of every other kind,
    each from another moment of the recording (other people in other places), with the fault
    cut in at another time and for another length, and its parameters drawn afresh."""
    rng = np.random.default_rng(2026)
    draw = np.random.default_rng(2027)
    total = len(recording)
    source_width = recording[0].shape[1]
    clips: list[Clip] = []
    controls = [("x264", 10), ("x264", 25), ("x264", 50), ("mpeg4", 25)]
    for codec, gop in controls[:2] if quick else controls:
        path = folder / f"clean.{codec}.g{gop}.mkv"
        encode(path, (camera(f) for f in recording), codec=codec, gop=gop)
        clips.append(Clip(path.stem, path, None, math.inf, math.inf, "whole recording"))
    plans: list[tuple[str, str, int, str, Fault | None, float, float, float]] = []
    for codec in ("x264", "mpeg4"):
        for gop in KEY_FRAMES[:2] if quick else KEY_FRAMES:
            plans.append(
                ("frozen", codec, gop, "held frame", None, CLEAN_BEFORE, FAULT_SECONDS, CLEAN_AFTER)
            )
    count = 1 if quick else per_kind
    number = 0
    for repeat in range(count):
        for kind in FAULT_KINDS:
            label, fault = draw_fault(kind, draw, source_width)
            # the first clip of each kind keeps the original timing; the others vary it
            before = CLEAN_BEFORE if repeat == 0 else float(draw.uniform(12.0, 24.0))
            length = FAULT_SECONDS if repeat == 0 else float(draw.uniform(14.0, 24.0))
            after = CLEAN_AFTER if repeat == 0 else 12.0
            gop = KEY_FRAMES[number % len(KEY_FRAMES)]
            plans.append((kind, "x264", gop, label, fault, before, length, after))
            number += 1
    for number, (kind, codec, gop, label, fault, before, length, after) in enumerate(plans):
        offset = (97 * number) % total
        start, end = round(before * FPS), round((before + length) * FPS)
        frames = end + round(after * FPS)

        def frame_at(
            i: int, offset: int = offset, start: int = start, end: int = end,
            fault: Fault | None = fault,
        ) -> Image:  # fmt: skip
            source = recording[(offset + i) % total]
            if not start <= i < end:
                return camera(source)
            if fault is None:  # held: the frame the fault began with, again and again
                return camera(recording[(offset + start) % total])
            return fault(source, i - start, rng)

        path = folder / f"{kind}.{number:02d}.{codec}.g{gop}.mkv"
        encode(path, (frame_at(i) for i in range(frames)), codec=codec, gop=gop)
        clips.append(Clip(path.stem, path, kind, start / FPS, end / FPS, label))
    return clips


@dataclass
class Sampled:
    at: float
    hits: frozenset[str]
    active: frozenset[str]
    raised: tuple[str, ...]


@dataclass
class ClipRun:
    clip: Clip
    samples: list[Sampled]
    cpu: float
    """CPU seconds (this thread) to decode and check the clip."""
    ffmpeg: dict[str, list[bool]] = field(default_factory=dict)
    ffmpeg_cpu: float = 0.0


def check_clip(clip: Clip, reference: Reference, *, burst: int = BURST_FRAMES) -> ClipRun:
    """The clip read at stream time, each sample with a burst of `burst` frames after it
    (as the sampler takes them; 0: shakes measured between samples only)."""
    checker = VenueChecker(reference=reference)
    samples: list[Sampled] = []
    started = time.thread_time()
    with FileSource(clip.path) as source:
        for frame in source.frames(interval=INTERVAL, burst=burst):
            result = checker.check(frame.image, at=frame.at, pts=frame.pts, burst=frame.burst)
            samples.append(
                Sampled(
                    at=frame.at,
                    hits=frozenset(result.hits),
                    active=result.active,
                    raised=tuple(e.flag for e in result.events if e.kind == "raised"),
                )
            )
    return ClipRun(clip, samples, time.thread_time() - started)


def ffmpeg_verdicts(
    run: ClipRun,
    thresholds: Thresholds,
    run_ffmpeg: Callable[..., tuple[str, float, float]],
    folder: Path,
) -> None:
    """FFmpeg's per-sample verdicts on the same samples (fps=1/2) with our thresholds."""
    n = thresholds.raise_after
    pix_th = thresholds.black_level / 255.0
    metadata = folder / f"{run.clip.path.stem}.meta.txt"
    chain = (
        f"fps=fps=1/{INTERVAL:g},"
        f"blackdetect=d={n * INTERVAL:g}:pix_th={pix_th:.4f}:pic_th={thresholds.black_share:g},"
        f"freezedetect=n=-60dB:d={thresholds.freeze_seconds + (n - 1) * INTERVAL:g},"
        f"signalstats,metadata=mode=print:file={metadata.as_posix()}"
    )
    log, cpu, _ = run_ffmpeg(run.clip.path, chain)
    run.ffmpeg_cpu = cpu
    times = [s.at for s in run.samples]

    def spans(name: str) -> list[tuple[float, float]]:
        starts = [float(v) for v in re.findall(rf"{name}_start:\s*([\d.]+)", log)]
        ends = [float(v) for v in re.findall(rf"{name}_end:\s*([\d.]+)", log)]
        ends += [math.inf] * (len(starts) - len(ends))
        return list(zip(starts, ends, strict=True))

    def inside(found: list[tuple[float, float]]) -> list[bool]:
        return [any(a - 1e-3 <= t <= b + 1e-3 for a, b in found) for t in times]

    run.ffmpeg["black"] = inside(spans("black"))
    run.ffmpeg["frozen"] = inside(spans("freeze"))
    text = metadata.read_text(encoding="utf-8", errors="replace")
    frames = text.split("frame:")[1:]

    def stat(block: str, key: str) -> float:
        found = re.search(rf"lavfi\.signalstats\.{key}=([\d.]+)", block)
        return float(found.group(1)) if found else math.nan

    yavg = [stat(b, "YAVG") for b in frames]
    spread = [stat(b, "YHIGH") - stat(b, "YLOW") for b in frames]
    uv = [(stat(b, "UAVG"), stat(b, "VAVG")) for b in frames]
    limited = 219.0 / 255.0
    count = min(len(times), len(frames))
    run.ffmpeg["dark"] = [yavg[i] < 16.0 + thresholds.dark_luma * limited for i in range(count)]
    run.ffmpeg["overexposed"] = [
        yavg[i] >= 16.0 + thresholds.overexposed_luma * limited for i in range(count)
    ]
    # signalstats' YLOW/YHIGH are the 10th/90th percentiles (ours 2nd/98th): the same
    # threshold in limited range, an approximation.
    run.ffmpeg["low_contrast"] = [
        spread[i] < thresholds.low_contrast_spread * limited for i in range(count)
    ]
    base = uv[0] if uv else (128.0, 128.0)
    run.ffmpeg["colour_cast"] = [
        math.hypot(uv[i][0] - base[0], uv[i][1] - base[1])
        >= thresholds.colour_cast_vs_reference * 224.0 / 255.0
        for i in range(count)
    ]


@dataclass
class KindScore:
    segments: int = 0
    found: int = 0
    raises: int = 0
    raises_right: int = 0
    clean: int = 0
    clean_flagged: int = 0
    agree: int = 0
    compared: int = 0

    def recall(self) -> float:
        return self.found / self.segments if self.segments else math.nan

    def precision(self) -> float:
        return self.raises_right / self.raises if self.raises else math.nan

    def fpr(self) -> float:
        return self.clean_flagged / self.clean if self.clean else math.nan

    def agreement(self) -> float:
        return self.agree / self.compared if self.compared else math.nan


PER_SAMPLE_FFMPEG = frozenset({"dark", "overexposed", "low_contrast", "colour_cast"})
"""Kinds compared with FFmpeg sample by sample (`hits`); the others by the flag's state."""


def score(runs: Sequence[ClipRun]) -> dict[str, KindScore]:
    scores = {kind: KindScore() for kind in FLAGS}
    late = SETTLE_SAMPLES * INTERVAL
    for run in runs:
        clip = run.clip
        if clip.kind is not None:
            scores[clip.kind].segments += 1
            window = [s for s in run.samples if clip.fault_start <= s.at < clip.fault_end + late]
            scores[clip.kind].found += int(any(clip.kind in s.active for s in window))
        for index, sample in enumerate(run.samples):
            in_fault = clip.fault_start <= sample.at < clip.fault_end + late
            for kind in sample.raised:
                scores[kind].raises += 1
                scores[kind].raises_right += int(in_fault and kind == clip.kind)
            if index > 0 and not in_fault:
                for kind in FLAGS:
                    scores[kind].clean += 1
                    scores[kind].clean_flagged += int(kind in sample.active)
            for kind, verdicts in run.ffmpeg.items():
                if index < len(verdicts):
                    ours = kind in (sample.hits if kind in PER_SAMPLE_FFMPEG else sample.active)
                    scores[kind].compared += 1
                    scores[kind].agree += int(ours == verdicts[index])
    return scores


def wrong_clips(runs: Sequence[ClipRun]) -> list[str]:
    """Clips whose fault was not raised, or with a kind raised outside a segment of its own."""
    late = SETTLE_SAMPLES * INTERVAL
    lines = []
    for run in runs:
        clip = run.clip
        window = [s for s in run.samples if clip.fault_start <= s.at < clip.fault_end + late]
        missed = clip.kind is not None and not any(clip.kind in s.active for s in window)
        stray = sorted(
            {
                f"{kind}@{sample.at:g}s"
                for sample in run.samples
                for kind in sample.raised
                if kind != clip.kind or not clip.fault_start <= sample.at < clip.fault_end + late
            }
        )
        if missed or stray:
            what = "missed" if missed else "found"
            span = f"{clip.fault_start:g}–{clip.fault_end:g} s" if clip.kind else "clean"
            extra = f"; raised {', '.join(stray)}" if stray else ""
            lines.append(f"{clip.name}: {clip.label} ({span}): {what}{extra}")
    return lines


def time_hd(recording: list[Image], samples: int = 40, repeat: int = 3) -> float:
    """CPU ms (this thread) per 1080p sample, alignment against a reference and every video
    kind: the best of `repeat` rounds over `samples` moments of the recording, 2 s apart."""
    frames = [camera(recording[(20 * i) % len(recording)], size=HD) for i in range(samples)]
    reference = Reference.from_frame(camera(recording[400], size=HD))
    best = math.inf
    for _ in range(repeat):
        checker = VenueChecker(reference=reference)
        started = time.thread_time()
        for i, frame in enumerate(frames):
            checker.check(frame, at=INTERVAL * i)
        best = min(best, (time.thread_time() - started) / samples * 1000.0)
    return best
