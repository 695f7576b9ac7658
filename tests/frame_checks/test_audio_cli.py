"""check-frames --audio: the sound's windows among the video samples, in the same JSON lines."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from frame_checks.audio_checker import wav_bytes
from frame_checks.cli import main
from tests.frame_checks import audio_support as sound


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6 s video with sound: speech for 2 s, then the same speech clipped hard."""
    folder = tmp_path_factory.mktemp("av")
    voice = sound.speech(6.0)
    audio = np.concatenate((voice[: 2 * 16000], sound.clipped(voice[2 * 16000 :])))
    (folder / "sound.wav").write_bytes(wav_bytes(audio, rate=16000))
    target = folder / "room.mkv"
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x180:rate=5",
            "-i",
            str(folder / "sound.wav"),
            "-t",
            "6",
            "-c:v",
            "mjpeg",
            "-c:a",
            "pcm_s16le",
            str(target),
        ],
        check=True,
    )
    return target


def lines(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    assert main(argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_audio_windows_come_in_stream_order_with_their_flags(
    clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = lines(capsys, [str(clip), "--json", "--audio"])
    audio = [line for line in out if "audio" in line]
    video = [line for line in out if "metrics" in line]
    assert [line["t"] for line in audio] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert [line["t"] for line in video] == [0.0, 2.0, 4.0]
    assert [line["t"] for line in out] == sorted(line["t"] for line in out)  # type: ignore[type-var]
    assert [line["audio_flags"] for line in audio] == [
        [],
        [],
        [],
        ["clipping"],
        ["clipping"],
        ["clipping"],
    ]
    assert audio[0]["audio"]["audio_state"] == "speaking"  # type: ignore[index]


def test_the_audio_state_to_judge_against(clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = lines(capsys, [str(clip), "--json", "--audio", "--audio-state", "静音收听"])
    audio = [line for line in out if "audio" in line]
    assert audio[-1]["audio_flags"] == ["leak"]
    assert {line["audio"]["audio_state"] for line in audio} == {"muted"}  # type: ignore[index]


def test_a_sound_file_alone_and_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "silence.wav"
    path.write_bytes(wav_bytes(sound.silence(6), rate=16000))
    out = lines(capsys, [str(path), "--json", "--audio", "--audio-state", "testing"])
    assert [line["audio_flags"] for line in out][-1] == ["silent"]
    for bad in (["--audio-threshold", "nope=1"], ["--audio-state", "loud"]):
        with pytest.raises(SystemExit) as refused:
            main([str(path), "--audio", *bad])
        assert refused.value.code == 2
    assert "unknown audio threshold 'nope'" in capsys.readouterr().err
