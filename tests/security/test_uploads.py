"""Evidence uploads are untrusted: bounded in size before and while reading, recognised by their
bytes, sized from their header before decoding, re-encoded, and stored under a server-made name."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.services import images
from app.settings import Settings

from .support import encoded, jpeg_with_comment, png_declaring

SERVER_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


def upload(
    client: TestClient, data: Any, content_type: str = "image/png", **headers: str
) -> Response:
    return client.post(
        "/api/evidence", content=data, headers={"Content-Type": content_type, **headers}
    )


def stored_files(settings: Settings) -> list[str]:
    folder = settings.evidence_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def controller(login: Any) -> TestClient:
    client: TestClient = login("controller", username="carl")
    return client


@pytest.mark.parametrize(
    ("extension", "content_type"), [(".png", "image/png"), (".jpg", "image/jpeg")]
)
def test_a_real_image_is_stored_as_a_new_jpeg_under_a_server_made_name(
    controller: TestClient, settings: Settings, extension: str, content_type: str
) -> None:
    original = encoded(extension)
    response = upload(controller, original, content_type)
    assert response.status_code == 201, response.text
    body = response.json()
    assert SERVER_NAME.match(body["evidence"])
    assert (body["width"], body["height"]) == (64, 48)
    fetched = controller.get(f"/api/evidence/{body['evidence']}")
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.content.startswith(b"\xff\xd8")
    assert fetched.content != original
    assert stored_files(settings) == [body["evidence"]]


def test_nothing_of_the_original_file_is_kept(controller: TestClient) -> None:
    response = upload(controller, jpeg_with_comment(b"<script>alert(1)</script>"), "image/jpeg")
    assert response.status_code == 201, response.text
    fetched = controller.get(f"/api/evidence/{response.json()['evidence']}")
    assert b"<script>" not in fetched.content


def test_two_uploads_of_one_image_get_two_names(controller: TestClient) -> None:
    names = {upload(controller, encoded(".png")).json()["evidence"] for _ in range(2)}
    assert len(names) == 2


def test_a_body_declared_too_large_is_refused_from_its_header(
    controller: TestClient, settings: Settings
) -> None:
    settings.max_upload_bytes = 1000
    # The body is small: only the declared length can be the reason.
    response = upload(controller, encoded(".png"), **{"Content-Length": str(10**9)})
    assert response.status_code == 413
    assert stored_files(settings) == []


def test_a_body_streamed_past_the_limit_is_refused(
    controller: TestClient, settings: Settings
) -> None:
    settings.max_upload_bytes = 1000

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"\x89PNG\r\n\x1a\n" + b"\x00" * 92

    response = upload(controller, chunks())
    assert response.status_code == 413
    assert stored_files(settings) == []


def test_a_body_longer_than_it_declares_is_refused(
    controller: TestClient, settings: Settings
) -> None:
    settings.max_upload_bytes = 1000
    big = encoded(".png", np.random.default_rng(7).integers(0, 255, (64, 64, 3), dtype=np.uint8))
    assert len(big) > settings.max_upload_bytes
    response = upload(controller, big, **{"Content-Length": "100"})
    assert response.status_code in (400, 413)
    assert stored_files(settings) == []


def test_a_body_within_the_limit_passes(controller: TestClient, settings: Settings) -> None:
    data = encoded(".png")
    settings.max_upload_bytes = len(data)
    assert upload(controller, data).status_code == 201


FAKES = {
    "text called png": (b"just some text, not an image at all", "image/png"),
    "html called png": (b"<html><script>alert(1)</script></html>", "image/png"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04", "image/png"),
    "png magic only": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "truncated png": (encoded(".png")[:40], "image/png"),
    "png header then garbage": (png_declaring(64, 48)[:33] + b"garbage" * 20, "image/png"),
    "png with zero width": (png_declaring(0, 48), "image/png"),
    "jpeg magic then garbage": (b"\xff\xd8\xff" + b"garbage" * 20, "image/jpeg"),
    "truncated jpeg": (encoded(".jpg")[:30], "image/jpeg"),
    "empty": (b"", "image/png"),
}


@pytest.mark.parametrize(("data", "content_type"), FAKES.values(), ids=FAKES.keys())
def test_what_is_not_a_png_or_jpeg_image_is_refused(
    controller: TestClient, settings: Settings, data: bytes, content_type: str
) -> None:
    response = upload(controller, data, content_type)
    assert response.status_code == 415, response.text
    assert stored_files(settings) == []


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(images.cv2, "imdecode", refuse)


@pytest.mark.usefixtures("no_decoding")
def test_a_huge_png_is_refused_from_its_header_without_decoding(
    controller: TestClient, settings: Settings
) -> None:
    data = png_declaring(30_000, 30_000)
    assert len(data) < 100
    response = upload(controller, data)
    assert response.status_code == 413
    assert stored_files(settings) == []


@pytest.mark.usefixtures("no_decoding")
def test_a_huge_jpeg_is_refused_from_its_header_without_decoding(controller: TestClient) -> None:
    data = bytearray(encoded(".jpg"))
    start = data.index(b"\xff\xc0")  # baseline start-of-frame: length, precision, height, width
    data[start + 5 : start + 9] = struct.pack(">HH", 30_000, 30_000)
    assert upload(controller, bytes(data), "image/jpeg").status_code == 413


def test_an_image_just_within_the_pixel_limit_passes(
    controller: TestClient, settings: Settings
) -> None:
    settings.max_image_pixels = 64 * 48
    assert upload(controller, encoded(".png")).status_code == 201
    settings.max_image_pixels = 64 * 48 - 1
    assert upload(controller, encoded(".png")).status_code == 413


TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%5c..%5cwindows%5cwin.ini",
    "....//....//etc/passwd",
    "%252e%252e%252fetc%252fpasswd",
    ".hidden.jpg",
    "..",
    "0123456789abcdef0123456789abcdef.jpg%00.png",
    "0123456789ABCDEF0123456789ABCDEF.jpg",
    "0123456789abcdef0123456789abcdef.JPG",
    "0123456789abcdef0123456789abcdef.jpg.part",
]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_only_server_made_names_are_served(
    controller: TestClient, settings: Settings, name: str
) -> None:
    upload(controller, encoded(".png")).raise_for_status()
    (settings.evidence_dir.parent / "secret.txt").write_text("root:x:0:0")
    response = controller.get(f"/api/evidence/{name}")
    assert 400 <= response.status_code < 500
    assert b"root:" not in response.content


def test_a_well_formed_name_that_was_never_uploaded_is_not_found(controller: TestClient) -> None:
    assert controller.get(f"/api/evidence/{'0' * 32}.jpg").status_code == 404


def test_a_partly_written_upload_is_never_served(
    controller: TestClient, settings: Settings
) -> None:
    name = upload(controller, encoded(".png")).json()["evidence"]
    (settings.evidence_dir / f".{name}.part").write_bytes(b"partial")
    assert controller.get(f"/api/evidence/.{name}.part").status_code in (404, 422)
