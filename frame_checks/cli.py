"""The tuning tool: run the frame checks over a file, a stream or a still image and print what
each sample measured and which flags it would raise.

    vcwatch check-frames SOURCE [--reference IMAGE] [--interval SECONDS] [--json]
                               [--audio [--audio-state speaking|muted|testing]]
    python -m frame_checks SOURCE …

Invariant: the tool only reads; it writes nothing but its report to standard output (errors to
standard error) and uses the same checks, thresholds and N-hits rule as the sampler. With
`--json` every sample is one line `{"t": …, "metrics": {…}, "flags": […]}`, `t` being the
source's own timestamp in seconds and `flags` the flags active after that sample. With
`--audio` the sound's windows are lines of their own among them (see `audio_cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import audio_cli
from .audio_judge import AudioThresholdError
from .audio_source import AudioPushError
from .decode import JPEG_SIGNATURE, PNG_SIGNATURE, FrameError, decode_frame
from .judge import Metric, ThresholdError, Thresholds
from .measure import MeasureError, Reference
from .sources import BURST_FRAMES, FileSource, SourceError, StreamSource, is_local_file
from .venue import SampleResult, VenueChecker

REFERENCE_MAX_PIXELS = 8192 * 8192


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run the frame checks over a video file, a stream URL or an image and print "
        "each sample's measurements and the flags it would raise.",
    )
    parser.add_argument("source", metavar="SOURCE", help="video file, image, or stream URL")
    parser.add_argument(
        "--reference", metavar="IMAGE", help="the venue's reference frame (PNG or JPEG)"
    )
    parser.add_argument(
        "--interval",
        metavar="SECONDS",
        type=float,
        default=2.0,
        help="seconds of the source between samples (default 2)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per sample and line")
    parser.add_argument(
        "--threshold",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override a threshold, e.g. dark_luma=40 or freeze_noise=-70dB (repeatable)",
    )
    parser.add_argument(
        "--limit", metavar="N", type=int, help="stop after N samples (for live streams)"
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=10.0,
        help="open and read timeout for streams (default 10)",
    )
    audio_cli.add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m frame_checks") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if not args.interval > 0:
        parser.error("--interval must be positive")
    try:
        thresholds = Thresholds.from_mapping(_overrides(args.threshold))
    except (ThresholdError, ValueError) as error:
        parser.error(str(error))
    out = sys.stdout
    try:
        reference = _load_reference(args.reference) if args.reference else None
        checker = VenueChecker(thresholds=thresholds, reference=reference)
        if args.audio:
            _with_audio(args, checker, out)
        else:
            for result in _samples(args.source, checker, args.interval, args.timeout, args.limit):
                _print(result, out, as_json=args.json)
    except (AudioThresholdError, ValueError) as error:
        parser.error(str(error))
    except (SourceError, FrameError, MeasureError, AudioPushError, OSError) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _with_audio(args: argparse.Namespace, checker: VenueChecker, out: TextIO) -> None:
    listener = audio_cli.checker_from(args, audio_cli.parse_overrides(args.audio_threshold))
    audio = audio_cli.windows(args.source, listener, timeout=args.timeout, limit=args.limit)
    video: Iterator[SampleResult] = iter(())
    if not _is_image_file(args.source) and audio_cli.has_video(args.source):
        video = _samples(args.source, checker, args.interval, args.timeout, args.limit)
    for item in audio_cli.merged(video, audio, at=lambda result: result.at):
        if isinstance(item, SampleResult):
            _print(item, out, as_json=args.json)
        else:
            audio_cli.print_window(item, out, as_json=args.json)


def _overrides(pairs: Sequence[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--threshold wants NAME=VALUE, not {pair!r}")
        values[name.strip()] = value.strip()
    return values


def _load_reference(path: str) -> Reference:
    data = Path(path).read_bytes()
    try:
        frame = decode_frame(data, max_pixels=REFERENCE_MAX_PIXELS)
    except FrameError as error:
        raise FrameError(error.reason, f"reference {path}: {error.message}") from None
    return Reference.from_frame(frame)


def _is_image_file(source: str) -> bool:
    path = Path(source)
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.startswith(PNG_SIGNATURE) or head.startswith(JPEG_SIGNATURE)


def _samples(
    source: str, checker: VenueChecker, interval: float, timeout: float, limit: int | None
) -> Iterator[SampleResult]:
    if _is_image_file(source):
        image = decode_frame(Path(source).read_bytes(), max_pixels=REFERENCE_MAX_PIXELS)
        yield checker.check(image, at=0.0)
        return
    capture: FileSource | StreamSource
    if is_local_file(source):
        capture = FileSource(source)
    else:
        capture = StreamSource(source, open_timeout=timeout, read_timeout=timeout)
    capture.open()
    try:
        frames = capture.frames(interval=interval, burst=BURST_FRAMES)
        for count, frame in enumerate(frames, start=1):
            yield checker.check(frame.image, at=frame.at, pts=frame.pts, burst=frame.burst)
            if limit is not None and count >= limit:
                return
    finally:
        capture.close()


def _print(result: SampleResult, out: TextIO, *, as_json: bool) -> None:
    metrics = result.metrics
    if as_json:
        line = {"t": round(result.at, 3), "metrics": metrics, "flags": result.flags}
        out.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
        out.flush()
        return
    out.write(_describe(result.at, metrics, result.flags) + "\n")
    for event in result.events:
        shown = [k for k in _EVENT_FIGURES[event.flag] if k in event.metrics]
        figures = ", ".join(f"{k}={_figure(event.metrics[k])}" for k in shown)
        basis = f" [{event.basis}]" if event.basis else ""
        out.write(f"{'':>10}{event.kind} {event.flag}{basis} ({figures})\n")
    out.flush()


_EVENT_FIGURES: dict[str, tuple[str, ...]] = {
    "dark": ("luma_mean",),
    "black": ("black_share", "luma_mean"),
    "frozen": ("still_seconds", "diff_fine_mad", "diff_changed_share"),
    "blurred": ("detail", "detail_vs_reference", "sharpness"),
    "tilted": ("rotation_deg", "line_angle_deg", "line_agreement"),
    "moved": ("shift_px", "scale", "alignment", "alignment_reason", "alignment_correlation"),
    "overexposed": ("luma_mean", "bright_share"),
    "low_contrast": ("luma_spread", "luma_mean"),
    "colour_cast": ("chroma_offset", "chroma_shift", "cast_factor"),
    "noisy": ("noise_sigma", "reference_noise_sigma"),
    "stripes": ("stripe_amplitude", "stripe_period", "stripe_agreement", "stripe_purity"),
    "covered": ("obstruction", "contrast_kept", "flat_share"),
    "shaking": ("jitter_px", "jitter_response"),
    "no_signal": ("pattern_bars", "pattern_column_std", "flat_share", "chroma_offset"),
}


def _describe(at: float, metrics: dict[str, Metric], flags: Sequence[str]) -> str:
    parts = [
        f"{at:8.2f} s",
        f"luma {_figure(metrics['luma_mean'])}±{_figure(metrics['luma_std'])}",
        f"black {_figure(metrics['black_share'])}",
        f"sharp {_figure(metrics['sharpness'])} ({_figure(metrics['detail'])}"
        + (
            f", {_figure(metrics['detail_vs_reference'])}×ref)"
            if "detail_vs_reference" in metrics
            else ")"
        ),
    ]
    if "diff_mad" in metrics:
        parts.append(
            f"diff {_figure(metrics['diff_mad'])}/{_figure(metrics['diff_changed_share'])}"
            f"/{_figure(metrics['diff_fine_mad'])} {metrics['stillness']}"
            f" {_figure(metrics['still_seconds'])} s"
        )
    if metrics.get("alignment") == "ok":
        parts.append(
            f"rot {_figure(metrics['rotation_deg'])}° shift {_figure(metrics['shift_px'])} px"
            f" scale {_figure(metrics['scale'])}"
        )
    elif "alignment" in metrics:
        parts.append(f"alignment {metrics['alignment']}")
    elif "line_angle_deg" in metrics:
        parts.append(f"lines {_figure(metrics['line_angle_deg'])}°")
    parts.append("flags: " + (", ".join(flags) if flags else "—"))
    return "  ".join(parts)


def _figure(value: Metric) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
