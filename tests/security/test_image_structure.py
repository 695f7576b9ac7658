"""An image's structure is bounded before it is decoded: a JPEG with more scans, or a PNG with
more chunks, than any camera or editor makes costs the decoder minutes and is refused at once,
on every route that takes an image (evidence, venue reference, pushed frames)."""

from __future__ import annotations

import zlib

import cv2
import numpy as np
import pytest

from app.services.errors import ServiceError
from app.services.images import MAX_JPEG_SCANS, MAX_PNG_CHUNKS, check_structure

from .conftest import OWN_UNIT, World
from .support import encoded, picture, png_chunk


def progressive_jpeg(*, scans: int) -> bytes:
    """A progressive JPEG whose last scan is repeated until it has `scans` scans in all."""
    ok, data = cv2.imencode(".jpg", picture(), [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    assert ok
    raw = data.tobytes()
    last = raw.rfind(b"\xff\xda")
    own = raw.count(b"\xff\xda")
    assert scans >= own
    return raw[:-2] + raw[last:-2] * (scans - own) + b"\xff\xd9"


def png_with(*, extra: int, kind: bytes = b"tEXt") -> bytes:
    data = encoded(".png")
    end = data.rfind(b"IEND") - 4
    chunks = b"".join(png_chunk(kind, b"k\x00v%d" % n) for n in range(extra))
    return data[:end] + chunks + data[end:]


def png_in_many_idat_chunks(count: int) -> bytes:
    pixels = np.random.default_rng(3).integers(0, 255, (200, 200, 3), dtype=np.uint8)
    raw = b"".join(b"\x00" + row.tobytes() for row in pixels[:, :, ::-1])
    stream = zlib.compress(raw)
    size = -(-len(stream) // count)
    head = encoded(".png", pixels)
    ihdr_end = 8 + 25
    idats = b"".join(png_chunk(b"IDAT", stream[i : i + size]) for i in range(0, len(stream), size))
    return head[:ihdr_end] + idats + png_chunk(b"IEND", b"")


def refusal(data: bytes) -> str | None:
    try:
        check_structure(data)
    except ServiceError as error:
        return error.code
    return None


def test_ordinary_images_pass() -> None:
    assert refusal(encoded(".jpg")) is None
    assert refusal(encoded(".png")) is None
    assert refusal(progressive_jpeg(scans=12)) is None
    assert refusal(progressive_jpeg(scans=MAX_JPEG_SCANS)) is None
    assert refusal(png_in_many_idat_chunks(600)) is None  # libpng's 8 KiB IDATs of a 5 MiB file
    assert cv2.imdecode(np.frombuffer(png_in_many_idat_chunks(600), np.uint8), 1) is not None


def test_a_jpeg_with_too_many_scans_is_refused() -> None:
    assert refusal(progressive_jpeg(scans=MAX_JPEG_SCANS + 1)) == "image.too_many_scans"
    assert refusal(progressive_jpeg(scans=5000)) == "image.too_many_scans"


def test_a_png_with_too_many_chunks_is_refused() -> None:
    assert refusal(png_with(extra=100)) == "image.too_many_chunks"
    assert refusal(png_in_many_idat_chunks(MAX_PNG_CHUNKS + 10)) == "image.too_many_chunks"


UPLOADS = [
    ("POST", "/api/evidence"),
    ("PUT", f"/api/venues/{OWN_UNIT}/reference"),
    ("POST", f"/api/venues/{OWN_UNIT}/frames"),
]


@pytest.mark.parametrize(("method", "path"), UPLOADS)
@pytest.mark.parametrize(
    "data",
    [progressive_jpeg(scans=2000), png_with(extra=300)],
    ids=["jpeg with 2,000 scans", "png with 300 text chunks"],
)
def test_every_upload_route_refuses_them_before_decoding(
    world: World, monkeypatch: pytest.MonkeyPatch, method: str, path: str, data: bytes
) -> None:
    decoded: list[int] = []
    real = cv2.imdecode

    def counting(*args: object, **kwargs: object) -> object:
        decoded.append(1)
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(cv2, "imdecode", counting)
    kind = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"
    response = world.controller.request(method, path, content=data, headers={"Content-Type": kind})
    assert response.status_code == 415, response.text
    codes = [d["code"] for d in response.json()["detail"]]
    assert codes in (["image.too_many_scans"], ["image.too_many_chunks"])
    assert decoded == []
