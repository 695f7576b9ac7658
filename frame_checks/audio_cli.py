"""The audio half of the tuning tool: `check-frames SOURCE --audio [--audio-state STATE]`.

Each judged window of the source's sound is one line among the video samples, in stream-time
order: with `--json` `{"t": …, "audio": {…metrics}, "audio_flags": […]}` (`audio_flags` being
the audio flags active after that window), else a readable line. Same checks, thresholds and
N-hits rule as the sampler.
"""

from __future__ import annotations

import argparse
import heapq
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TextIO, TypeVar

import av

from .audio_checker import AudioChecker, AudioResult
from .audio_judge import AUDIO_STATES, AudioState, AudioThresholds
from .audio_source import AudioSource

T = TypeVar("T")

STATE_NAMES: dict[str, AudioState] = {
    "muted": "muted",
    "静音收听": "muted",
    "speaking": "speaking",
    "发言": "speaking",
    "testing": "testing",
    "调试": "testing",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audio", action="store_true", help="also judge the source's sound, window by window"
    )
    parser.add_argument(
        "--audio-state",
        metavar="STATE",
        default="speaking",
        choices=sorted(STATE_NAMES),
        help="the venue's audio state to judge against: speaking/发言 (default), "
        "muted/静音收听 or testing/调试",
    )
    parser.add_argument(
        "--audio-threshold",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override an audio threshold, e.g. leak_dbfs=-50 (repeatable)",
    )


def checker_from(args: argparse.Namespace, overrides: dict[str, object]) -> AudioChecker:
    thresholds = AudioThresholds.from_mapping(overrides)
    state = STATE_NAMES[args.audio_state]
    assert state in AUDIO_STATES
    return AudioChecker(thresholds=thresholds, state=state)


def has_video(source: str) -> bool:
    try:
        with av.open(source) as container:
            return bool(container.streams.video)
    except (av.FFmpegError, OSError):
        return True  # let the video side report what is wrong with the source


def windows(
    source: str, checker: AudioChecker, *, timeout: float, limit: int | None
) -> Iterator[AudioResult]:
    with AudioSource(source, open_timeout=timeout, read_timeout=timeout) as audio:
        count = 0
        for chunk in audio.chunks():
            for result in checker.feed(chunk.samples, at=chunk.at):
                yield result
                count += 1
                if limit is not None and count >= limit:
                    return


def merged(
    video: Iterable[T], audio: Iterable[AudioResult], *, at: Callable[[T], float]
) -> Iterator[T | AudioResult]:
    """Video samples and audio windows in stream-time order."""
    keyed_video: Iterator[tuple[float, int, T | AudioResult]] = (
        (at(item), 0, item) for item in video
    )
    keyed_audio: Iterator[tuple[float, int, T | AudioResult]] = (
        (item.at, 1, item) for item in audio
    )
    for entry in heapq.merge(keyed_video, keyed_audio, key=lambda entry: entry[:2]):
        yield entry[2]


def print_window(result: AudioResult, out: TextIO, *, as_json: bool) -> None:
    metrics = result.metrics
    if as_json:
        line = {"t": round(result.at, 3), "audio": metrics, "audio_flags": result.flags}
        out.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        parts = [
            f"{result.at:8.2f} s",
            f"audio[{result.state}] rms {metrics['rms_dbfs']} dBFS peak {metrics['peak_dbfs']}",
            f"clip {metrics['clip_ratio']} flat {metrics['flatness']} floor {metrics['floor_dbfs']}",
            f"hum {metrics['hum_prominence_db']} dB×{metrics['hum_harmonics']}",
            f"tone {metrics['tone_hz']} Hz {metrics['tone_dbfs']} dBFS "
            f"+{metrics['tone_prominence_db']} dB",
            f"speech {metrics['speech_dbfs']}",
            "audio flags: " + (", ".join(result.flags) if result.flags else "—"),
        ]
        out.write("  ".join(parts) + "\n")
        for event in result.events:
            basis = f" [{event.basis}]" if event.basis else ""
            out.write(f"{'':>10}{event.kind} {event.flag}{basis}\n")
    out.flush()


def parse_overrides(pairs: Sequence[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--audio-threshold wants NAME=VALUE, not {pair!r}")
        values[name.strip()] = value.strip()
    return values
