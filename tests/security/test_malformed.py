"""Whatever a client sends, the answer is a 4xx naming what is wrong — never a server error."""

from __future__ import annotations

import pytest

from .conftest import OWN_UNIT, World

NESTED = [
    b"[" * 100_000,
    b'{"unit": ' * 50_000,
    b'{"unit": "' + OWN_UNIT.encode() + b'", "x": ' + b"[" * 50_000,
    b"\xff\xfe[",
]


@pytest.mark.parametrize("body", NESTED, ids=["array", "object", "after unit", "not utf-8"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize("path", ["/api/rooms", "/api/staffing", "/api/objections"])
def test_a_county_accounts_nested_non_json_body_is_a_4xx(
    world: World, path: str, content_type: str, body: bytes
) -> None:
    response = world.county.post(path, content=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text


def test_a_reference_whose_file_is_gone_is_not_found(world: World) -> None:
    from tests.security.support import encoded

    stored = world.admin.put(
        f"/api/venues/{OWN_UNIT}/reference",
        content=encoded(".jpg", reference_picture()),
        headers={"Content-Type": "image/jpeg"},
    )
    assert stored.status_code == 200, stored.text
    settings = world.admin.app.state.settings  # type: ignore[attr-defined]
    (settings.evidence_dir / stored.json()["reference"]).unlink()
    response = world.admin.get(f"/api/venues/{OWN_UNIT}/reference")
    assert response.status_code == 404, response.text
    assert [d["code"] for d in response.json()["detail"]] == ["venue.reference_missing"]


def reference_picture() -> object:
    """A picture with enough corners and edges to align against."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(5)
    picture = np.full((480, 640, 3), 90, np.uint8)
    for _ in range(40):
        x, y = int(rng.integers(0, 600)), int(rng.integers(0, 440))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(picture, (x, y), (x + 40, y + 30), colour, -1)
    return picture
