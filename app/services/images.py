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
SOS, EOI = 0xDA, 0xD9
# Every scan costs the decoder a pass over the whole image: a progressive JPEG has about ten, a
# crafted one thousands (30,000 empty scans: ~23 s of CPU for 357 KiB). Segments in all, likewise.
MAX_JPEG_SCANS = 64
MAX_JPEG_SEGMENTS = 1000
# A 5 MiB PNG in libpng's 8 KiB IDAT chunks has some 640; other chunks are a handful.
MAX_PNG_CHUNKS = 1024
MAX_PNG_ANCILLARY_CHUNKS = 64


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


def _count_jpeg_scans(data: bytes) -> None:
    """Walk the JPEG's segments, skipping each scan's entropy-coded data, counting scans."""
    scans = segments = 0
    offset = 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            raise UnsupportedImage("corrupt JPEG structure", field="body", code="image.corrupt")
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == EOI:
            return
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise UnsupportedImage(
                f"the JPEG has more than {MAX_JPEG_SEGMENTS} segments",
                field="body",
                code="image.too_many_segments",
            )
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if length < 2:
            raise UnsupportedImage("corrupt JPEG segment", field="body", code="image.corrupt")
        offset += 2 + length
        if marker != SOS:
            continue
        scans += 1
        if scans > MAX_JPEG_SCANS:
            raise UnsupportedImage(
                f"the JPEG has more than {MAX_JPEG_SCANS} scans",
                field="body",
                code="image.too_many_scans",
            )
        # Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a
        # restart marker (0xFFD0–0xFFD7).
        while True:
            offset = data.find(b"\xff", offset)
            if offset < 0 or offset + 1 >= len(data):
                return
            following = data[offset + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                offset += 1 if following == 0xFF else 2
                continue
            break


def _count_png_chunks(data: bytes) -> None:
    chunks = ancillary = 0
    offset = len(PNG_MAGIC)
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks += 1
        if kind not in (b"IDAT", b"IEND"):
            ancillary += 1
        if chunks > MAX_PNG_CHUNKS or ancillary > MAX_PNG_ANCILLARY_CHUNKS:
            raise UnsupportedImage(
                f"the PNG has more than {MAX_PNG_CHUNKS} chunks or more than "
                f"{MAX_PNG_ANCILLARY_CHUNKS} besides its image data",
                field="body",
                code="image.too_many_chunks",
            )
        if kind == b"IEND":
            return
        offset += 12 + length


def check_structure(data: bytes) -> None:
    """Refuse, before any decoding, an image whose structure would make decoding costly: too
    many JPEG scans or segments, too many PNG chunks. Reads only markers and chunk headers."""
    if data.startswith(JPEG_MAGIC):
        _count_jpeg_scans(data)
    elif data.startswith(PNG_MAGIC):
        _count_png_chunks(data)


def clean_image(data: bytes, *, max_pixels: int) -> CleanImage:
    _, width, height = image_size(data)
    check_structure(data)
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
