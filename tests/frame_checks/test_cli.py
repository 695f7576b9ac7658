"""The check-frames tuning tool: one line (or JSON object) per sample of a file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from frame_checks.cli import main

from .support import darkened, noisy, png_bytes, scene

ROOM = scene(640, 360, seed=8)
FPS = 5


def write_clip(
    path: Path, seconds: float, frame_at: Callable[[float], np.ndarray], codec: str
) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), FPS, (640, 360))
    assert writer.isOpened()
    for index in range(round(seconds * FPS)):
        writer.write(frame_at(index / FPS))
    writer.release()
    return path


@pytest.fixture(scope="module")
def lights_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fresh noise throughout; the room goes dark after 3 s."""
    rng = np.random.default_rng(0)
    dim = darkened(ROOM, 30.0)
    return write_clip(
        tmp_path_factory.mktemp("clips") / "lights-out.avi",
        8.0,
        lambda t: noisy(ROOM if t < 3.0 else dim, 2.0, rng),
        "MJPG",
    )


def json_lines(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    assert main(argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_json_lines_carry_stream_time_metrics_and_active_flags(
    lights_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = json_lines(capsys, [str(lights_out), "--json"])

    assert [line["t"] for line in lines] == [0.0, 2.0, 4.0, 6.0]
    assert all(set(line) == {"t", "metrics", "flags"} for line in lines)
    assert [line["flags"] for line in lines] == [[], [], [], ["dark"]]
    metrics = lines[3]["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["luma_mean"] == pytest.approx(30.0, abs=3.0)
    assert {"luma_std", "black_share", "sharpness", "diff_mad", "diff_changed_share"} <= set(
        metrics
    )


def test_the_interval_and_the_thresholds_are_the_callers(
    lights_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = json_lines(
        capsys, [str(lights_out), "--json", "--interval", "1", "--threshold", "dark_luma=20"]
    )

    assert [line["t"] for line in lines] == [float(t) for t in range(8)]
    assert all(line["flags"] == [] for line in lines)


def test_a_held_frame_re_encoded_is_frozen_and_a_still_noisy_room_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(1)
    held = write_clip(
        tmp_path / "held.mp4", 14.0, lambda t: ROOM if t >= 2.0 else noisy(ROOM, 2.0, rng), "mp4v"
    )
    still = write_clip(tmp_path / "still.mp4", 14.0, lambda t: noisy(ROOM, 2.0, rng), "mp4v")

    held_lines = json_lines(capsys, [str(held), "--json"])
    still_lines = json_lines(capsys, [str(still), "--json"])

    assert "frozen" in held_lines[-1]["flags"]  # type: ignore[operator]
    assert all("frozen" not in line["flags"] for line in still_lines)  # type: ignore[operator]


def test_the_human_report_with_a_reference(
    lights_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference.png"
    reference.write_bytes(png_bytes(ROOM))

    assert main([str(lights_out), "--reference", str(reference)]) == 0

    out = capsys.readouterr().out
    assert "rot " in out and "shift " in out
    assert "raised dark" in out
    assert out.count("\n") == 5


def test_an_image_is_one_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "frame.png"
    image.write_bytes(png_bytes(np.zeros((90, 160, 3), np.uint8)))

    lines = json_lines(capsys, [str(image), "--json", "--threshold", "raise_after=1"])

    assert [(line["t"], line["flags"]) for line in lines] == [(0.0, ["black"])]


def test_an_unreadable_source_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.mp4")], prog="vcwatch check-frames") == 1
    assert capsys.readouterr().err.startswith("vcwatch check-frames: ")


@pytest.mark.parametrize(
    "argv",
    [["clip.mp4", "--threshold", "loudness=3"], ["clip.mp4", "--interval", "0"],
     ["clip.mp4", "--threshold", "dark_luma"]],
)  # fmt: skip
def test_bad_options_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)

    assert stopped.value.code == 2


def test_it_runs_as_a_module(lights_out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "frame_checks", str(lights_out), "--json", "--interval", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["t"] for line in done.stdout.splitlines()] == [0.0, 4.0]
