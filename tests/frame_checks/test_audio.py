"""Audio checks on synthesised venue sound: every kind, in every audio state."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from frame_checks.audio import AudioError, measure_audio
from frame_checks.audio_checker import AudioChecker, wav_bytes
from frame_checks.audio_judge import (
    AudioFlag,
    AudioState,
    AudioThresholdError,
    AudioThresholds,
)
from tests.frame_checks import audio_support as sound

SECONDS = 10.0


def _signals() -> dict[str, np.ndarray]:
    voice = sound.speech(SECONDS)
    return {
        "speech": voice,
        "howl": voice + sound.howl(SECONDS),
        "hum": voice + sound.hum(SECONDS),
        "clipping": sound.clipped(voice),
        "noise": voice + sound.noise(SECONDS),
        "silence": sound.silence(SECONDS),
    }


# What each signal raises by the end, in each state: muted venues leak any sound; silence is a
# fault only where sound is expected.
EXPECTED: dict[tuple[str, AudioState], set[AudioFlag]] = {
    ("speech", "muted"): {"leak"},
    ("speech", "speaking"): set(),
    ("speech", "testing"): set(),
    ("howl", "muted"): {"leak"},
    ("howl", "speaking"): {"feedback"},
    ("howl", "testing"): {"feedback"},
    ("hum", "muted"): {"leak"},
    ("hum", "speaking"): {"hum"},
    ("hum", "testing"): {"hum"},
    ("clipping", "muted"): {"leak"},
    ("clipping", "speaking"): {"clipping"},
    ("clipping", "testing"): {"clipping"},
    ("noise", "muted"): {"leak"},
    ("noise", "speaking"): {"noise"},
    ("noise", "testing"): {"noise"},
    ("silence", "muted"): set(),
    ("silence", "speaking"): {"silent"},
    ("silence", "testing"): {"silent"},
}


@pytest.fixture(scope="module")
def signals() -> dict[str, np.ndarray]:
    return _signals()


@pytest.mark.parametrize(("kind", "state"), sorted(EXPECTED))
def test_each_kind_in_each_audio_state(
    signals: dict[str, np.ndarray], kind: str, state: AudioState
) -> None:
    checker = AudioChecker(state=state)
    results = checker.feed(signals[kind], at=0.0)
    assert len(results) == int(SECONDS)
    assert set(results[-1].flags) == EXPECTED[(kind, state)]
    raised = [event for r in results for event in r.events if event.kind == "raised"]
    assert {event.flag for event in raised} == EXPECTED[(kind, state)]
    for event in raised:
        assert event.basis
        assert event.metrics


def test_a_quiet_muted_venue_raises_nothing() -> None:
    room = sound.noise(6, dbfs=-70)
    assert AudioChecker(state="muted").feed(room, at=0.0)[-1].flags == []


def test_a_phone_ringing_in_a_muted_venue_is_a_leak_on_a_tone() -> None:
    ring = np.concatenate(
        [np.concatenate((sound.tone(0.4, 1400, dbfs=-25), sound.silence(0.2))) for _ in range(10)]
    )
    results = AudioChecker(state="muted").feed(ring, at=0.0)
    raised = [e for r in results for e in r.events if e.kind == "raised"]
    assert [(e.flag, e.basis) for e in raised] == [("leak", "tone")]


def test_a_steady_test_tone_is_not_a_howl() -> None:
    """A tone that stays quiet and does not grow (a test signal at −30 dBFS) is no feedback."""
    steady = sound.speech(8) + sound.tone(8, 1000, dbfs=-30)
    assert "feedback" not in AudioChecker(state="testing").feed(steady, at=0.0)[-1].flags


def test_a_speaker_pausing_is_not_silent() -> None:
    pause = np.concatenate((sound.speech(3), sound.silence(3), sound.speech(3, seed=4)))
    results = AudioChecker(state="speaking").feed(pause, at=0.0)
    assert all("silent" not in r.flags for r in results)


def test_flags_clear_after_clean_windows_and_a_raise_carries_a_clip() -> None:
    checker = AudioChecker(state="speaking")
    results = checker.feed(np.concatenate((sound.silence(6), sound.speech(6))), at=100.0)
    raised = [r for r in results if any(e.kind == "raised" for e in r.events)]
    cleared = [e for r in results for e in r.events if e.kind == "cleared"]
    assert [e.flag for r in raised for e in r.events] == ["silent"]
    assert raised[0].at == 104.0
    assert raised[0].clip is not None
    with wave.open(io.BytesIO(raised[0].clip)) as clip:
        assert (clip.getframerate(), clip.getsampwidth(), clip.getnchannels()) == (16000, 2, 1)
        assert clip.getnframes() == 5 * 16000
    assert [e.flag for e in cleared] == ["silent"]
    assert checker.active == frozenset()


def test_switching_to_muted_clears_what_no_longer_applies() -> None:
    checker = AudioChecker(state="speaking")
    checker.feed(sound.silence(6), at=0.0)
    assert checker.active == {"silent"}
    checker.set_state("muted")
    results = checker.feed(sound.silence(4), at=6.0)
    assert results[-1].flags == []


def test_chunks_of_any_size_make_the_same_windows() -> None:
    voice = sound.clipped(sound.speech(4))
    whole = AudioChecker().feed(voice, at=0.0)
    checker = AudioChecker()
    pieces = [r for chunk in np.array_split(voice, 37) for r in checker.feed(chunk, at=0.0)]
    assert [r.at for r in pieces] == [r.at for r in whole] == [0.0, 1.0, 2.0, 3.0]
    assert [r.flags for r in pieces] == [r.flags for r in whole]


def test_measurements_of_known_signals() -> None:
    sine = measure_audio(sound.tone(1, 1000, dbfs=-6))
    assert sine.rms_dbfs == pytest.approx(-6, abs=0.1)
    assert sine.peak_dbfs == pytest.approx(-6, abs=0.1)
    assert sine.tone_hz == pytest.approx(1000, abs=8)
    assert sine.tone_persistence == 1.0
    white = measure_audio(sound.noise(1, dbfs=-20))
    assert white.flatness > 0.9
    assert measure_audio(sound.silence(1)).rms_dbfs == -120.0
    assert measure_audio(sound.clipped(sound.speech(1))).clip_ratio > 0.01
    assert measure_audio(sound.speech(1)).clip_ratio == 0.0


@pytest.mark.parametrize(
    "bad", [np.zeros(0, np.float32), np.full(100, np.nan, np.float32), np.zeros((2, 2, 2))]
)
def test_unmeasurable_samples_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(AudioError):
        measure_audio(bad)


def test_threshold_overrides_are_checked() -> None:
    assert AudioThresholds.from_mapping({"leak_dbfs": "-50"}).leak_dbfs == -50.0
    for bad in ({"nope": 1}, {"silent_after": 1.5}, {"clip_ratio": 2}, {"leak_dbfs": "x"}):
        with pytest.raises(AudioThresholdError):
            AudioThresholds.from_mapping(bad)


def test_wav_bytes_round_trip() -> None:
    data = wav_bytes(np.array([0.0, 0.5, -1.0, 2.0], dtype=np.float32), rate=8000)
    with wave.open(io.BytesIO(data)) as clip:
        frames = np.frombuffer(clip.readframes(4), dtype="<i2")
    assert frames.tolist() == [0, 16383, -32767, 32767]


def test_48k_sound_is_brought_down_without_aliases_whatever_the_chunks() -> None:
    from frame_checks.audio_source import _Decimator

    t = np.arange(48_000 * 2) / 48_000
    inside = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    above = (0.5 * np.sin(2 * np.pi * 12_000 * t)).astype(np.float32)  # would fold to 4 kHz
    kept = _Decimator(3).feed(inside)
    assert kept.size == 32_000
    assert measure_audio(kept[16_000:]).rms_dbfs == pytest.approx(-6, abs=0.2)
    assert measure_audio(_Decimator(3).feed(above)[16_000:]).rms_dbfs < -40
    pieces = _Decimator(3)
    chunked = np.concatenate([pieces.feed(c) for c in np.array_split(inside, 41)])
    assert np.allclose(chunked, kept, atol=1e-6)
