"""Every refusal has one shape: `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from .support import error_fields


@pytest.mark.parametrize(
    ("method", "path", "content", "status"),
    [
        ("POST", "/api/records", b'{"format": ', 422),
        ("POST", "/api/records", b"[]", 422),
        ("POST", "/api/meetings", b"not json", 422),
        ("GET", "/api/nowhere", None, 404),
        ("DELETE", "/api/scores", None, 405),
    ],
)
def test_malformed_requests_are_refused_in_the_one_error_shape(
    imported: TestClient, method: str, path: str, content: bytes | None, status: int
) -> None:
    headers = {"Content-Type": "application/json"} if content is not None else {}

    response = imported.request(method, path, content=content, headers=headers)

    assert response.status_code == status
    assert error_fields(response) is not None


def test_several_invalid_fields_are_all_named(imported: TestClient) -> None:
    body = {"key": "", "title": "", "starts_at": "soon"}

    response = imported.post("/api/meetings", json=body)

    assert response.status_code == 422
    assert set(error_fields(response)) == {"key", "title", "starts_at"}


def _png(side: int) -> bytes:
    ok, encoded = cv2.imencode(".png", np.full((side, side, 3), 128, dtype=np.uint8))
    assert ok
    return bytes(encoded)


def test_a_reference_too_small_to_measure_is_refused_and_the_venue_still_works(
    imported: TestClient,
) -> None:
    png = {"Content-Type": "image/png"}
    reference = imported.put("/api/venues/350402/reference", content=_png(1), headers=png)

    frame = imported.post("/api/venues/350402/frames", content=_png(64), headers=png)

    assert reference.status_code == 415, reference.text
    assert reference.json()["detail"][0]["loc"] == ["body"]
    assert imported.get("/api/venues/350402").json()["reference"] is None
    assert frame.status_code == 200, frame.text


def test_a_pushed_frame_too_small_to_measure_is_refused(imported: TestClient) -> None:
    response = imported.post(
        "/api/venues/350402/frames", content=_png(1), headers={"Content-Type": "image/png"}
    )

    assert response.status_code == 422
    assert error_fields(response)
    assert response.json()["detail"][0]["loc"] == ["body"]
