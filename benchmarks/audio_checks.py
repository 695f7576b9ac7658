"""Audio checks: recall, precision and false-positive rate of every audio kind on speech with
faults cut in at known times, agreement with FFmpeg, and analysis time per second of audio.

    python benchmarks/audio_checks.py [--clips N] [--json]

The speech is synthesised by Debian's `espeak-ng` (`apt-get install -y espeak-ng`; FFmpeg for the
comparison), Chinese and English voices at several pitches and speeds, with pauses between
phrases and a faint room noise. Two sets are built and never mixed: a tuning set (the phrases,
voices and seeds the thresholds were chosen on) and an evaluation set (other phrases, voices,
seeds and fault parameters), which alone is scored against the targets.

Each fault clip is 30 s: clean speech, the fault from 12 s to 24 s, clean again; `leak` clips are
a muted venue (a quiet room) with chatter or a phone ringing in that stretch. A fault counts as
found when its flag is raised inside the stretch (or within the clear-after windows after it);
a raise anywhere else is a false alarm against precision. The false-positive rate is the share
of windows of clean control clips (speech while speaking or testing, a quiet room while muted)
during which each flag is active. FFmpeg's `silencedetect` (noise=-60dB) and `astats` (a peak at
full scale held by many samples) judge the same windows for `silent` and `clipping`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frame_checks.audio import ANALYSIS_RATE, measure_audio
from frame_checks.audio_checker import AudioChecker, wav_bytes
from frame_checks.audio_judge import AUDIO_FLAGS, AudioState
from frame_checks.audio_source import AudioSource, decode_pushed_audio

RATE = ANALYSIS_RATE
CLIP_SECONDS = 30.0
FAULT = (12.0, 24.0)
TARGET_RECALL = 0.95
TARGET_FPR = 0.02
TARGET_MS_PER_SECOND = 2.0

TUNING_PHRASES = [
    ("zh", "各位领导，现在开始召开全省视频会议。"),
    ("zh", "请各会场做好准备，保持会场安静。"),
    ("en", "Good morning, the provincial video conference will begin shortly."),
    ("zh", "下面请三明市发言，其他会场请保持静音。"),
]
EVALUATION_PHRASES = [
    ("zh", "关于安全生产工作，我再强调几点意见。"),
    ("zh", "第一，要切实提高认识，压实各方责任。"),
    ("en", "Please check the microphone and the camera of your venue before the meeting."),
    ("zh", "第二，要加强隐患排查，做到早发现早处置。"),
    ("en", "Thank you. The next county may now report on its progress."),
    ("zh", "会议结束后，请各地认真抓好贯彻落实。"),
]
SETS = {
    "tuning": {"phrases": TUNING_PHRASES, "seed": 100, "voices": ["zh", "en"]},
    "evaluation": {"phrases": EVALUATION_PHRASES, "seed": 9000, "voices": ["zh", "en-us"]},
}


# -- material --------------------------------------------------------------------------------


def espeak(text: str, *, voice: str, pitch: int, speed: int) -> np.ndarray:
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
    )
    return decode_pushed_audio(done.stdout, content_type="audio/wav", max_seconds=60)


def level(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return (x * (10 ** (dbfs / 20) / math.sqrt(2) / rms if rms > 0 else 0)).astype(np.float32)


class Material:
    def __init__(self, name: str) -> None:
        spec = SETS[name]
        self.rng = np.random.default_rng(int(spec["seed"]))  # type: ignore[call-overload]
        self.phrases: list[np.ndarray] = []
        for index, (language, text) in enumerate(spec["phrases"]):  # type: ignore[attr-defined]
            for pitch, speed in ((35, 150), (60, 175)):
                voice = spec["voices"][index % 2] if language != "zh" else "zh"  # type: ignore[index]
                self.phrases.append(espeak(text, voice=voice, pitch=pitch, speed=speed))

    def room(self, seconds: float, dbfs: float = -68.0) -> np.ndarray:
        return level(self.rng.standard_normal(round(seconds * RATE)), dbfs)

    def speech(self, seconds: float, dbfs: float | None = None) -> np.ndarray:
        n = round(seconds * RATE)
        out = np.zeros(n, dtype=np.float32)
        position = int(self.rng.uniform(0, 0.5) * RATE)
        while position < n:
            phrase = self.phrases[int(self.rng.integers(len(self.phrases)))]
            phrase = level(phrase, dbfs if dbfs is not None else float(self.rng.uniform(-26, -16)))
            end = min(n, position + phrase.size)
            out[position:end] += phrase[: end - position]
            position = end + int(self.rng.uniform(0.2, 0.9) * RATE)
        return out + self.room(seconds)

    # faults, each `seconds` long
    def howl(self, seconds: float) -> np.ndarray:
        n = round(seconds * RATE)
        t = np.arange(n) / RATE
        hz = float(self.rng.uniform(700, 3500))
        rise = float(self.rng.uniform(2.0, 5.0))
        top = float(self.rng.uniform(-14, -6))
        gain = np.minimum(top, -50 + (top + 50) * t / rise)
        phase = 2 * np.pi * np.cumsum(hz * (1 + 0.003 * np.sin(2 * np.pi * 0.4 * t))) / RATE
        return (10 ** (gain / 20) * np.sin(phase)).astype(np.float32)

    def hum(self, seconds: float) -> np.ndarray:
        t = np.arange(round(seconds * RATE)) / RATE
        weights = self.rng.uniform(0.2, 1.0, 6)
        weights[int(self.rng.integers(2))] = 1.0
        wave_ = sum(w * np.sin(2 * np.pi * 50 * k * t + k) for k, w in enumerate(weights, 1))
        return level(np.asarray(wave_), float(self.rng.uniform(-40, -30)))

    def noise(self, seconds: float) -> np.ndarray:
        white = self.rng.standard_normal(round(seconds * RATE))
        if self.rng.random() < 0.5:  # pink: −3 dB per octave
            spectrum = np.fft.rfft(white)
            spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
            white = np.fft.irfft(spectrum, n=white.size)
        return level(white, float(self.rng.uniform(-30, -20)))

    def ring(self, seconds: float) -> np.ndarray:
        n = round(seconds * RATE)
        t = np.arange(n) / RATE
        a, b = self.rng.uniform(900, 1600, 2)
        tones = np.sin(2 * np.pi * a * t) + np.sin(2 * np.pi * b * t)
        gate = ((t % 3.0) < 1.2) * (np.sin(2 * np.pi * 20 * t) > 0)
        return level(tones * gate + 1e-9, float(self.rng.uniform(-30, -20)))


@dataclass
class Clip:
    name: str
    kind: str | None
    """The fault cut in (None for a clean control)."""
    state: AudioState
    samples: np.ndarray


def fault_clips(material: Material, count: int) -> list[Clip]:
    clips: list[Clip] = []
    start, end = (round(s * RATE) for s in FAULT)
    span = FAULT[1] - FAULT[0]
    builders: dict[str, Callable[[np.ndarray], tuple[np.ndarray, AudioState]]] = {}

    def add(kind: str, state: AudioState, make: Callable[[np.ndarray], np.ndarray]) -> None:
        builders[kind] = lambda base: (make(base), state)

    def cut(base: np.ndarray, middle: np.ndarray) -> np.ndarray:
        out = base.copy()
        out[start:end] = middle
        return out

    add("feedback", "speaking", lambda b: cut(b, b[start:end] + material.howl(span)))
    add("hum", "speaking", lambda b: cut(b, b[start:end] + material.hum(span)))
    add(
        "clipping",
        "speaking",
        lambda b: cut(b, np.clip(b[start:end] * 10 ** (material.rng.uniform(14, 24) / 20), -1, 1)),
    )
    add("noise", "speaking", lambda b: cut(b, b[start:end] + material.noise(span)))
    add("silent", "testing", lambda b: cut(b, np.zeros(end - start, np.float32)))
    for index in range(count):
        for kind, build in builders.items():
            samples, state = build(material.speech(CLIP_SECONDS))
            clips.append(Clip(f"{kind}-{index}", kind, state, samples))
        # A muted venue: a quiet room, then chatter or a phone ringing.
        room = material.room(CLIP_SECONDS)
        sound = material.speech(span, dbfs=float(material.rng.uniform(-36, -22)))
        if index % 2:
            sound = material.ring(span)
        clips.append(Clip(f"leak-{index}", "leak", "muted", cut(room, room[start:end] + sound)))
    return clips


def control_clips(material: Material, count: int) -> list[Clip]:
    clips = []
    for index in range(count):
        clips.append(Clip(f"clean-speaking-{index}", None, "speaking", material.speech(60)))
        clips.append(Clip(f"clean-testing-{index}", None, "testing", material.speech(60)))
        clips.append(Clip(f"clean-muted-{index}", None, "muted", material.room(60)))
    return clips


# -- scoring ---------------------------------------------------------------------------------


@dataclass
class KindScore:
    faults: int = 0
    found: int = 0
    raises: int = 0
    true_raises: int = 0
    control_windows: int = 0
    control_active: int = 0
    ffmpeg_windows: int = 0
    ffmpeg_agree: int = 0

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "faults": self.faults,
            "recall": _ratio(self.found, self.faults),
            "precision": _ratio(self.true_raises, self.raises),
            "fpr": _ratio(self.control_active, self.control_windows),
            "ffmpeg_agreement": _ratio(self.ffmpeg_agree, self.ffmpeg_windows),
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


@dataclass
class Run:
    scores: dict[str, KindScore] = field(
        default_factory=lambda: {k: KindScore() for k in AUDIO_FLAGS}
    )
    analysed_seconds: float = 0.0
    analysis_seconds: float = 0.0


def judge_clip(clip: Clip, run: Run) -> list[tuple[float, frozenset[str], list[tuple[str, str]]]]:
    checker = AudioChecker(state=clip.state)
    started = time.perf_counter()
    results = checker.feed(clip.samples, at=0.0)
    run.analysis_seconds += time.perf_counter() - started
    run.analysed_seconds += clip.samples.size / RATE
    return [(r.at, frozenset(r.active), [(e.flag, e.kind) for e in r.events]) for r in results]


def score_fault(
    clip: Clip, windows: list[tuple[float, frozenset[str], list[tuple[str, str]]]], run: Run
) -> None:
    assert clip.kind is not None
    late = FAULT[1] + 3.0
    run.scores[clip.kind].faults += 1
    found = False
    for at, _, events in windows:
        for flag, kind in events:
            if kind != "raised":
                continue
            inside = FAULT[0] <= at < late
            score = run.scores[flag]
            score.raises += 1
            if inside and flag == clip.kind:
                score.true_raises += 1
                found = True
    if found:
        run.scores[clip.kind].found += 1


def score_control(
    windows: list[tuple[float, frozenset[str], list[tuple[str, str]]]], run: Run
) -> None:
    for _, active, events in windows:
        for flag in AUDIO_FLAGS:
            run.scores[flag].control_windows += 1
            run.scores[flag].control_active += flag in active
        for flag, kind in events:
            if kind == "raised":
                run.scores[flag].raises += 1


# -- FFmpeg ----------------------------------------------------------------------------------


def ffmpeg_silence(path: Path) -> list[tuple[float, float]]:
    done = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "silencedetect=noise=-60dB:d=1",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    starts = [float(x) for x in re.findall(r"silence_start: ([\d.]+)", done.stderr)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", done.stderr)]
    ends += [math.inf] * (len(starts) - len(ends))
    return list(zip(starts, ends, strict=True))


def ffmpeg_clipped_windows(path: Path) -> list[bool]:
    """Per 1 s window: astats' peak at full scale (≥ −0.1 dBFS) reached by ≥ 32 samples."""
    done = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            f"asetnsamples=n={RATE},astats=metadata=1:reset=1,ametadata=print:file=-",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    peaks = [float(x) for x in re.findall(r"Overall\.Peak_level=(-?[\d.inf]+)", done.stdout)]
    counts = [float(x) for x in re.findall(r"Overall\.Peak_count=([\d.]+)", done.stdout)]
    return [p >= -0.1 and c >= 32 for p, c in zip(peaks, counts, strict=False)]


def compare_ffmpeg(
    clip: Clip,
    windows: list[tuple[float, frozenset[str], list[tuple[str, str]]]],
    folder: Path,
    run: Run,
) -> None:
    path = folder / f"{clip.name}.wav"
    path.write_bytes(wav_bytes(clip.samples, rate=RATE))
    silences = ffmpeg_silence(path)
    clipped = ffmpeg_clipped_windows(path)
    checker_silent = AudioChecker(state=clip.state).thresholds
    for index, (at, _, _) in enumerate(windows):
        window = clip.samples[round(at * RATE) : round((at + 1) * RATE)]
        m = measure_audio(window)
        ours_silent = m.peak_dbfs < checker_silent.silence_peak_dbfs
        theirs_silent = any(s <= at and at + 1 <= e + 1e-3 for s, e in silences)
        score = run.scores["silent"]
        score.ffmpeg_windows += 1
        score.ffmpeg_agree += ours_silent == theirs_silent
        if index < len(clipped):
            ours_clipped = m.clip_ratio >= checker_silent.clip_ratio
            score = run.scores["clipping"]
            score.ffmpeg_windows += 1
            score.ffmpeg_agree += ours_clipped == clipped[index]


# -- timing ----------------------------------------------------------------------------------


def timing(material: Material) -> dict[str, float]:
    speech = material.speech(60)
    windows = speech[: 60 * RATE].reshape(60, RATE)
    checker = AudioChecker(state="speaking")
    checker.feed(windows[0], at=0.0)
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        checker.feed(speech, at=0.0)
        best = min(best, time.perf_counter() - started)
    ours = best / 60 * 1000
    best_fft = math.inf
    hann = np.hanning(RATE).astype(np.float32)
    for _ in range(5):
        started = time.perf_counter()
        for window in windows:
            np.abs(np.fft.rfft(window * hann)) ** 2
        best_fft = min(best_fft, time.perf_counter() - started)
    figures = {
        "ms_per_audio_second": round(ours, 3),
        "numpy_fft_ms_per_second": round(best_fft / 60 * 1000, 3),
    }
    if shutil.which("ffmpeg"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "long.wav"
            path.write_bytes(wav_bytes(np.tile(speech, 10), rate=RATE))
            started = time.perf_counter()
            subprocess.run(
                [
                    "ffmpeg",
                    "-hide_banner",
                    "-nostats",
                    "-threads",
                    "1",
                    "-i",
                    str(path),
                    "-af",
                    "astats=metadata=1:reset=16000,silencedetect=noise=-60dB:d=1",
                    "-f",
                    "null",
                    "-",
                ],
                capture_output=True,
                check=True,
            )
            figures["ffmpeg_astats_silencedetect_ms_per_second"] = round(
                (time.perf_counter() - started) / 600 * 1000, 3
            )
            # What a venue's stream costs to decode: AAC, 48 kHz stereo, resampled to 16 kHz mono.
            aac = Path(folder) / "venue.m4a"
            subprocess.run(
                [
                    "ffmpeg",
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(path),
                    "-t",
                    "60",
                    "-ar",
                    "48000",
                    "-ac",
                    "2",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "96k",
                    str(aac),
                ],
                check=True,
            )
            best_decode = math.inf
            for _ in range(3):
                started = time.perf_counter()
                with AudioSource(aac) as source:
                    heard = sum(chunk.samples.size for chunk in source.chunks())
                best_decode = min(best_decode, time.perf_counter() - started)
            figures["decode_aac_ms_per_second"] = round(best_decode / (heard / RATE) * 1000, 3)
    return figures


def evaluate(name: str, count: int, *, with_ffmpeg: bool) -> tuple[Run, dict[str, float]]:
    material = Material(name)
    run = Run()
    with tempfile.TemporaryDirectory() as folder:
        for clip in fault_clips(material, count):
            windows = judge_clip(clip, run)
            score_fault(clip, windows, run)
            if with_ffmpeg and clip.kind in ("silent", "clipping"):
                compare_ffmpeg(clip, windows, Path(folder), run)
        for clip in control_clips(material, max(2, count // 2)):
            windows = judge_clip(clip, run)
            score_control(windows, run)
    return run, timing(material)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=10, help="fault clips per kind (default 10)")
    parser.add_argument("--set", choices=sorted(SETS), default="evaluation")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("espeak-ng"):
        print("needs espeak-ng (apt-get install -y espeak-ng)", file=sys.stderr)
        return 2
    with_ffmpeg = shutil.which("ffmpeg") is not None
    run, speed = evaluate(args.set, args.clips, with_ffmpeg=with_ffmpeg)
    report = {
        "set": args.set,
        "clips_per_kind": args.clips,
        "kinds": {kind: score.as_dict() for kind, score in run.scores.items()},
        "analysis_ms_per_audio_second_all_clips": round(
            run.analysis_seconds / run.analysed_seconds * 1000, 3
        ),
        **speed,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"audio checks on the {args.set} set ({args.clips} fault clips per kind, 30 s each)")
    print(f"{'kind':<10}{'faults':>7}{'recall':>9}{'precision':>11}{'FPR':>8}{'FFmpeg':>9}")
    failed = False
    for kind, figures in report["kinds"].items():  # type: ignore[union-attr]
        recall, fpr = figures["recall"], figures["fpr"]
        ok = (recall is None or recall >= TARGET_RECALL) and (fpr is None or fpr <= TARGET_FPR)
        failed |= not ok
        cells = [_cell(figures[k]) for k in ("recall", "precision", "fpr", "ffmpeg_agreement")]
        print(
            f"{kind:<10}{figures['faults']:>7}{cells[0]:>9}{cells[1]:>11}{cells[2]:>8}{cells[3]:>9}"
            + ("" if ok else "   ← below target")
        )
    print(
        f"analysis: {speed['ms_per_audio_second']} ms per second of audio "
        f"(target ≤ {TARGET_MS_PER_SECOND}); numpy FFT of the window alone "
        f"{speed['numpy_fft_ms_per_second']} ms"
        + (
            f"; FFmpeg astats+silencedetect {speed['ffmpeg_astats_silencedetect_ms_per_second']} ms"
            if "ffmpeg_astats_silencedetect_ms_per_second" in speed
            else ""
        )
        + (
            f"; decoding AAC 48 kHz stereo with PyAV {speed['decode_aac_ms_per_second']} ms"
            if "decode_aac_ms_per_second" in speed
            else ""
        )
    )
    print(
        f"targets: recall ≥ {TARGET_RECALL}, FPR ≤ {TARGET_FPR}: {'met' if not failed else 'NOT met'}"
    )
    return 0


def _cell(value: object) -> str:
    return "—" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
