"""Pushed sound raises audio flags by the venue's audio state; a controller confirms one into a
无关音视频干扰 incident with its clip, or notes a silent venue against its 音频设备."""

from __future__ import annotations

import io
import json
import wave
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.timezone import assessment_year, iso
from tests.fixtures import WORKED_EXAMPLE
from tests.frame_checks import audio_support as sound

UNIT = "350402"


def wav(samples: np.ndarray, *, rate: int = 16_000, channels: int = 1, width: int = 2) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes() if width == 2 else (pcm // 256 + 128).astype("u1").tobytes())
    return buffer.getvalue()


def push(client: TestClient, body: bytes, content_type: str = "audio/wav") -> dict[str, object]:
    response = client.post(
        f"/api/venues/{UNIT}/audio", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
def period(client: TestClient) -> None:
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    year = assessment_year(datetime.now(UTC))
    assert client.put(f"/api/periods/{year}", json={"edition": "2019"}).status_code == 200


@pytest.fixture
def meeting(client: TestClient, period: None) -> str:
    body = {"key": "live-a", "title": "全省视频会议", "starts_at": iso(datetime.now(UTC))}
    assert client.post("/api/meetings", json=body).status_code == 201
    return "live-a"


def test_chatter_from_a_muted_venue_is_confirmed_into_an_interference_incident_with_its_clip(
    client: TestClient, meeting: str
) -> None:
    assert client.get(f"/api/venues/{UNIT}").json()["audio_state"] == "muted"
    first = push(client, wav(sound.speech(1.5)))
    assert [w["hits"] for w in first["windows"]] == [["leak"]]
    assert first["pending_seconds"] == 0.5
    second = push(client, wav(sound.speech(1.5, seed=2)))
    assert second["windows"][-1]["flags"] == ["leak"]
    (flag,) = client.get("/api/flags", params={"status": "open"}).json()["items"]
    assert (flag["kind"], flag["basis"], flag["meeting"]) == ("leak", "speech", meeting)
    assert flag["metrics"]["audio_state"] == "muted"
    clip = client.get(f"/api/evidence/{flag['clip']}")
    assert clip.status_code == 200
    assert clip.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(clip.content)) as reader:
        assert reader.getnframes() == 2 * 16_000  # the two windows heard so far, at most 6 s

    confirmed = client.post(f"/api/flags/{flag['id']}/confirm", json={"note": "手机铃声"})
    assert confirmed.status_code == 200, confirmed.text
    incident = client.get(f"/api/incidents/{confirmed.json()['incident']}").json()
    assert incident["type"] == "venue.interference"
    assert incident["evidence"] == flag["clip"]
    assert incident["note"].startswith("音频检测：")
    assert incident["meeting"] == meeting


def test_the_audio_state_decides_what_is_a_fault_and_is_audited_and_sent_to_consoles(
    client: TestClient, meeting: str
) -> None:
    speech = wav(sound.speech(3))
    speaking = client.put(f"/api/venues/{UNIT}/audio-state", json={"state": "speaking"})
    assert speaking.status_code == 200
    assert speaking.json()["audio_state"] == "speaking"
    assert speaking.json()["audio_state_by"] == "admin"
    assert push(client, speech)["windows"][-1]["flags"] == []
    assert push(client, wav(sound.clipped(sound.speech(3))))["windows"][-1]["flags"] == ["clipping"]
    events = client.get(f"/api/meetings/{meeting}/events").json()
    assert {"kind": "venue.audio_state", "unit": UNIT, "audio_state": "speaking"}.items() <= {
        "kind": events[0]["kind"],
        **events[0]["data"],
    }.items()
    audit = client.get("/api/audit", params={"action": "venue.audio_state"}).json()["items"]
    assert [(a["before"], a["after"]) for a in audit] == [
        ({"audio_state": "muted"}, {"audio_state": "speaking"})
    ]
    refused = client.put(f"/api/venues/{UNIT}/audio-state", json={"state": "loud"})
    assert refused.status_code == 422


def test_a_silent_venue_in_testing_is_noted_against_its_audio_equipment_not_deducted(
    client: TestClient, period: None
) -> None:
    client.put(f"/api/venues/{UNIT}/audio-state", json={"state": "testing"})
    result = push(client, wav(sound.silence(6)))
    assert result["windows"][-1]["flags"] == ["silent"]
    (flag,) = client.get("/api/flags", params={"outside_meeting": "true"}).json()["items"]
    assert (flag["kind"], flag["basis"], flag["meeting"]) == ("silent", "testing", None)
    year = assessment_year(datetime.now(UTC))

    # Both standings at one moment, after the decision.
    later = (datetime.now(UTC) + timedelta(minutes=1)).replace(microsecond=0).isoformat()

    def standings() -> object:
        return client.get("/api/scores", params={"year": year, "as_of": later}).json()

    before = standings()
    noted = client.post(f"/api/flags/{flag['id']}/confirm", json={})
    assert noted.status_code == 200
    assert noted.json()["status"] == "noted"
    assert noted.json()["incident"] is None
    assert "音频设备" in noted.json()["decision_note"]
    assert standings() == before


def test_a_flag_outside_any_meeting_is_in_the_inbox_and_confirmed_without_a_meeting(
    client: TestClient, period: None
) -> None:
    push(client, wav(sound.speech(3)))
    inbox = client.get("/api/flags", params={"outside_meeting": "true", "status": "open"}).json()
    (flag,) = inbox["items"]
    assert flag["meeting"] is None
    confirmed = client.post(f"/api/flags/{flag['id']}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    incident = client.get(f"/api/incidents/{confirmed.json()['incident']}").json()
    assert (incident["type"], incident["meeting"]) == ("venue.interference", None)
    assert (
        client.get("/api/flags", params={"outside_meeting": "true", "status": "open"}).json()[
            "total"
        ]
        == 0
    )


def test_pushed_audio_resampled_from_any_rate_and_channels(
    client: TestClient, period: None
) -> None:
    t = np.arange(2 * 44_100) / 44_100
    stereo = wav(0.3 * np.sin(2 * np.pi * 440 * t), rate=44_100, channels=2)
    windows = push(client, stereo)["windows"]
    assert len(windows) == 2
    assert windows[0]["metrics"]["tone_hz"] == pytest.approx(440, abs=8)
    raw = (0.3 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000) * 32767).astype("<i2")
    assert push(client, raw.tobytes(), "audio/L16; rate=8000; channels=1")["windows"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"", "audio/wav", 422, "audio.empty"),
        (b"not a wav at all", "audio/wav", 415, "audio.not_audio"),
        (b"RIFF", "audio/wav", 422, "audio.truncated"),
        (wav(sound.speech(1), width=1), "audio/wav", 415, "audio.unsupported"),
        (wav(sound.speech(1), rate=12_345), "audio/wav", 415, "audio.unsupported"),
        (wav(sound.silence(31)), "audio/wav", 413, "audio.too_long"),
        (b"\x00\x01\x02", "audio/L16; rate=16000", 422, "audio.truncated"),
        (b"\x00\x01", "audio/L16", 415, "audio.unsupported"),
        (b"\x00\x01", "audio/mpeg", 415, "audio.not_audio"),
    ],
)
def test_bad_pushed_audio_is_refused_clearly(
    client: TestClient, period: None, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = client.post(
        f"/api/venues/{UNIT}/audio", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    (detail,) = response.json()["detail"]
    assert (detail["loc"], detail["code"]) == (["body"], code)


def test_oversized_pushed_audio_is_refused_before_it_is_read(
    client: TestClient, period: None
) -> None:
    body = b"RIFF" + b"\x00" * (6 * 1024 * 1024 + 1)
    response = client.post(
        f"/api/venues/{UNIT}/audio", content=body, headers={"Content-Type": "audio/wav"}
    )
    assert response.status_code == 413
    assert (
        client.post(
            "/api/venues/999999/audio",
            content=wav(sound.speech(1)),
            headers={"Content-Type": "audio/wav"},
        ).status_code
        == 404
    )


def test_a_source_cycling_on_and_off_is_one_offline_period_with_a_count(
    client: TestClient, period: None
) -> None:
    from frame_checks import SourceStatus

    watch = client.app.state.frame_watch  # type: ignore[attr-defined]
    watch.status_changed(UNIT, SourceStatus("connecting"))
    watch.status_changed(UNIT, SourceStatus("online"))
    for _ in range(40):
        watch.status_changed(UNIT, SourceStatus("offline", "end of stream"))
        watch.status_changed(UNIT, SourceStatus("connecting"))
        watch.status_changed(UNIT, SourceStatus("online"))
    watch.status_changed(UNIT, SourceStatus("offline", "end of stream"))
    venue = client.get(f"/api/venues/{UNIT}").json()
    assert venue["status"] == "offline"
    assert venue["offline_failures"] == 41
    assert venue["offline_since"] is not None
    audit = client.get("/api/audit", params={"action": "venue.status"}).json()["items"]
    assert [a["after"]["status"] for a in reversed(audit)] == ["online", "offline"]
