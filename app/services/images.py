"""Untrusted images: recognised by their magic bytes, sized from their header before any
decoding, then decoded and re-encoded so that nothing of the original file is kept."""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from app.services.errors import ServiceError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
JPEG_QUALITY = 88
# Start-of-frame markers carry the image size (DHT, JPG and DAC share the range but do not).
SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class UnsupportedImage(ServiceError):
    status = 415


class TooLarge(ServiceError):
    status = 413


@dataclass(frozen=True)
class CleanImage:
    jpeg: bytes
    width: int
    height: int


def image_size(data: bytes) -> tuple[str, int, int]:
    """(kind, width, height) read from the header alone."""
    if data.startswith(PNG_MAGIC):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise UnsupportedImage("truncated PNG header", field="body", code="image.corrupt")
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data.startswith(JPEG_MAGIC):
        offset = 2
        while offset + 4 <= len(data):
            if data[offset] != 0xFF:
                raise UnsupportedImage("corrupt JPEG structure", field="body", code="image.corrupt")
            marker = data[offset + 1]
            if marker == 0xFF:
                offset += 1
                continue
            (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
            if marker in SOF_MARKERS:
                if offset + 9 > len(data):
                    break
                height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
                return "jpeg", width, height
            if length < 2:
                raise UnsupportedImage("corrupt JPEG segment", field="body", code="image.corrupt")
            offset += 2 + length
        raise UnsupportedImage("JPEG without a frame header", field="body", code="image.corrupt")
    raise UnsupportedImage(
        "only PNG and JPEG images are accepted", field="body", code="image.unsupported_type"
    )


def clean_image(data: bytes, *, max_pixels: int) -> CleanImage:
    _, width, height = image_size(data)
    if width == 0 or height == 0:
        raise UnsupportedImage("image has no pixels", field="body", code="image.empty")
    if width * height > max_pixels:
        raise TooLarge(
            f"image of {width}×{height} pixels exceeds the limit of {max_pixels} pixels",
            field="body",
            code="image.too_many_pixels",
        )
    pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if pixels is None or pixels.shape[0] != height or pixels.shape[1] != width:
        raise UnsupportedImage("the image cannot be decoded", field="body", code="image.corrupt")
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise UnsupportedImage("the image cannot be re-encoded", field="body", code="image.corrupt")
    return CleanImage(jpeg=encoded.tobytes(), width=width, height=height)


def store(image: CleanImage, *, folder: Path) -> str:
    """Save under a server-made name and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.jpg"
    temporary = folder / f".{name}.part"
    temporary.write_bytes(image.jpeg)
    temporary.replace(folder / name)
    return name
