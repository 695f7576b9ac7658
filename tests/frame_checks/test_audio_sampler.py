"""The audio sampler decodes a source's sound (PyAV) on its worker and judges every window."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from frame_checks.audio_checker import AudioChecker, AudioResult, wav_bytes
from frame_checks.audio_sampler import AudioSampler
from frame_checks.audio_source import AudioSource
from frame_checks.sampler import Backoff
from frame_checks.sources import SourceError
from tests.frame_checks import audio_support as sound


def test_a_file_is_listened_to_and_a_missing_one_reported_offline(tmp_path: Path) -> None:
    voice = sound.speech(4.0)
    audio = np.concatenate((voice[:16000], sound.clipped(voice[16000:])))
    path = tmp_path / "venue.wav"
    path.write_bytes(wav_bytes(audio, rate=16000))
    results: list[AudioResult] = []
    statuses: list[tuple[str, str, str]] = []
    done = threading.Event()

    def heard(venue: str, result: AudioResult) -> None:
        results.append(result)
        if len(results) == 4:
            done.set()

    sampler = AudioSampler(
        on_audio=heard,
        on_status=lambda venue, state, detail: statuses.append((venue, state, detail)),
        backoff=Backoff(initial=30.0),
    )
    try:
        checker = sampler.listen("350402", path, checker=AudioChecker(state="speaking"))
        sampler.listen("350403", tmp_path / "missing.wav")
        assert done.wait(20)
        assert [r.at for r in results] == [0.0, 1.0, 2.0, 3.0]
        assert [e.flag for r in results for e in r.events] == ["clipping"]
        assert checker.active == {"clipping"}
        assert sampler.venues == ["350402", "350403"]
    finally:
        sampler.stop()
    assert ("350403", "offline", f"no such file: {tmp_path / 'missing.wav'}") in statuses
    assert ("350402", "online", "") in statuses


def test_a_stream_that_cannot_be_heard_is_named_without_its_credentials() -> None:
    """FFmpeg's own message names the URL: what the sound source says never does."""
    url = "http://operator:s3cret-word@127.0.0.1:9/live?password=also-secret"
    with pytest.raises(SourceError) as refused:
        AudioSource(url, open_timeout=1.0, read_timeout=1.0).open()
    message = str(refused.value)
    assert "127.0.0.1:9" in message
    assert "s3cret-word" not in message and "also-secret" not in message
