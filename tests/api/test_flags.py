"""Frames posted by a grabber raise flags; a controller confirms (one incident) or dismisses."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.timezone import assessment_year, iso
from tests.fixtures import WORKED_EXAMPLE

UNIT = "350402"


def png(frame: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", frame)
    assert ok
    return encoded.tobytes()


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header announcing a huge picture, with almost no data behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def office(seed: int) -> np.ndarray:
    """A lit, textured scene with fresh noise in every sample."""
    rng = np.random.default_rng(seed)
    frame = np.full((360, 640, 3), 140, np.uint8)
    cv2.rectangle(frame, (80, 120), (560, 300), (60, 90, 150), -1)
    for x in range(0, 640, 40):
        cv2.line(frame, (x, 0), (x, 359), (200, 200, 200), 2)
    noise = rng.integers(-6, 7, frame.shape, dtype=np.int16)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


@pytest.fixture
def meeting(client: TestClient) -> str:
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    now = datetime.now(UTC)
    assert (
        client.put(f"/api/periods/{assessment_year(now)}", json={"edition": "2019"}).status_code
        == 200
    )
    body = {"key": "live-1", "title": "全省视频会议", "starts_at": iso(now - timedelta(minutes=30))}
    assert client.post("/api/meetings", json=body).status_code == 201
    return "live-1"


def post_frame(client: TestClient, frame: np.ndarray) -> dict[str, object]:
    response = client.post(
        f"/api/venues/{UNIT}/frames", content=png(frame), headers={"Content-Type": "image/png"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def raise_black_flag(client: TestClient) -> dict[str, object]:
    post_frame(client, office(1))
    black = np.zeros((360, 640, 3), np.uint8)
    results = [post_frame(client, black) for _ in range(3)]
    assert "black" in results[-1]["flags"]
    flags = client.get("/api/flags", params={"status": "open"}).json()["items"]
    assert [f["kind"] for f in flags] == ["black"]
    return dict(flags[0])


def test_one_bad_frame_raises_no_flag(client: TestClient, meeting: str) -> None:
    post_frame(client, office(1))
    post_frame(client, np.zeros((360, 640, 3), np.uint8))
    post_frame(client, office(2))
    assert client.get("/api/flags").json()["total"] == 0


def test_a_confirmed_flag_becomes_exactly_one_incident_with_its_snapshot(
    client: TestClient, meeting: str
) -> None:
    flag = raise_black_flag(client)
    assert flag["meeting"] == meeting
    assert flag["snapshot"]
    before = client.get("/api/incidents", params={"unit": UNIT, "meeting": meeting}).json()["total"]
    confirmed = client.post(f"/api/flags/{flag['id']}/confirm", json={"note": "黑屏"})
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    again = client.post(f"/api/flags/{flag['id']}/confirm", json={})
    assert again.status_code == 409
    incidents = client.get("/api/incidents", params={"unit": UNIT, "meeting": meeting}).json()
    assert incidents["total"] == before + 1
    incident = client.get(f"/api/incidents/{confirmed.json()['incident']}").json()
    assert incident["type"] == "venue.poor_picture"
    assert incident["evidence"] == flag["snapshot"]
    image = client.get(f"/api/evidence/{incident['evidence']}")
    assert image.status_code == 200
    assert image.content[:2] == b"\xff\xd8"
    kinds = [e["kind"] for e in client.get(f"/api/meetings/{meeting}/events").json()]
    assert kinds == ["flag.raised", "incident.logged", "flag.confirmed"]


def test_a_feed_that_recovers_clears_its_flag_which_still_waits_for_a_controller(
    client: TestClient, meeting: str
) -> None:
    flag = raise_black_flag(client)
    for seed in range(10, 16):
        post_frame(client, office(seed))
    (cleared,) = client.get("/api/flags", params={"status": "open"}).json()["items"]
    assert cleared["id"] == flag["id"]
    assert cleared["cleared_at"] is not None
    events = client.get(f"/api/meetings/{meeting}/events").json()
    assert [e["kind"] for e in events] == ["flag.raised", "flag.cleared"]
    assert events[-1]["data"]["cleared_at"] == cleared["cleared_at"]
    audit = client.get("/api/audit", params={"action": "flag.cleared"}).json()["items"]
    assert [entry["entity_key"] for entry in audit] == [str(flag["id"])]


def test_a_dismissed_flag_deducts_nothing(client: TestClient, meeting: str) -> None:
    flag = raise_black_flag(client)
    year = assessment_year(datetime.now(UTC))
    # Both standings at one moment, after the decision.
    later = (datetime.now(UTC) + timedelta(minutes=1)).replace(microsecond=0).isoformat()

    def standings() -> object:
        return client.get("/api/scores", params={"year": year, "as_of": later}).json()

    before = standings()
    dismissed = client.post(f"/api/flags/{flag['id']}/dismiss", json={"note": "会前调试"})
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["incident"] is None
    assert standings() == before


def test_bad_frames_are_refused_clearly(client: TestClient, meeting: str) -> None:
    cases = {
        b"": 415,
        b"not an image at all": 415,
        png(office(1))[:60]: 415,
        huge_png(30_000, 30_000): 413,
    }
    for body, status in cases.items():
        response = client.post(
            f"/api/venues/{UNIT}/frames", content=body, headers={"Content-Type": "image/png"}
        )
        assert response.status_code == status, (body[:20], response.text)
        assert response.json()["detail"][0]["loc"] == ["body"]


def test_a_controller_sets_the_reference_from_the_current_sample(
    client: TestClient, meeting: str
) -> None:
    assert client.get(f"/api/venues/{UNIT}/reference").status_code == 404
    post_frame(client, office(1))
    assert client.get(f"/api/venues/{UNIT}/sample").status_code == 200
    venue = client.put(f"/api/venues/{UNIT}/reference")
    assert venue.status_code == 200
    assert venue.json()["reference"]
    reference = client.get(f"/api/venues/{UNIT}/reference")
    assert reference.content[:2] == b"\xff\xd8"
