"""Safe decoding of frames posted by grabbers (PNG or JPEG bytes).

Invariant: bytes reach the image decoder only after their header has been read in Python and
found to be a PNG or JPEG within the byte and pixel limits, so a small file announcing a huge
picture is refused before any memory is spent on it. Whatever the input, the outcome is a
decoded BGR frame or a `FrameError` with a reason code — never another exception, never a crash.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Final, Literal

import cv2
import numpy as np

from .measure import Image

DEFAULT_MAX_BYTES: Final = 32 * 1024 * 1024
DEFAULT_MAX_PIXELS: Final = 4096 * 4096
DEFAULT_MAX_SIDE: Final = 16384

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
_PNG_IEND: Final = b"IEND"
# Start-of-frame markers carry the picture's size (C4, C8 and CC are other tables).
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE: Final = frozenset(range(0xD0, 0xD8)) | {0x01}

FrameErrorReason = Literal[
    "empty", "too_big", "not_an_image", "unsupported", "truncated", "corrupt", "too_large"
]
ImageKind = Literal["png", "jpeg"]


class FrameError(ValueError):
    """A posted frame was refused; `reason` is a stable code, the message says why."""

    def __init__(self, reason: FrameErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason: FrameErrorReason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[FrameError], tuple[FrameErrorReason, str]]:
        return (FrameError, (self.reason, self.message))


@dataclass(frozen=True, slots=True)
class ImageHeader:
    kind: ImageKind
    width: int
    height: int


def read_header(data: bytes) -> ImageHeader:
    """Kind and size from the header alone; nothing is decoded."""
    if not data:
        raise FrameError("empty", "the frame is empty (zero bytes)")
    if data.startswith(PNG_SIGNATURE):
        return _png_header(data)
    if data.startswith(JPEG_SIGNATURE):
        return _jpeg_header(data)
    if PNG_SIGNATURE.startswith(data[:8]) or JPEG_SIGNATURE.startswith(data[:3]):
        raise FrameError("truncated", "the frame ends inside its header")
    raise FrameError("not_an_image", "the frame is neither a PNG nor a JPEG image")


def _png_header(data: bytes) -> ImageHeader:
    if len(data) < 33:
        raise FrameError("truncated", "the PNG ends inside its header")
    length, chunk = struct.unpack(">I4s", data[8:16])
    if chunk != b"IHDR" or length != 13:
        raise FrameError("corrupt", "the PNG does not start with its IHDR header")
    body = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    if zlib.crc32(b"IHDR" + body) != crc:
        raise FrameError("corrupt", "the PNG header fails its checksum")
    width, height = struct.unpack(">II", body[:8])
    if width == 0 or height == 0:
        raise FrameError("corrupt", "the PNG announces an empty picture")
    if data.rfind(_PNG_IEND, 33) < 0:
        raise FrameError("truncated", "the PNG is truncated (no IEND chunk)")
    return ImageHeader("png", int(width), int(height))


def _jpeg_header(data: bytes) -> ImageHeader:
    position = 2
    end = len(data)
    while True:
        if position >= end:
            raise FrameError("truncated", "the JPEG ends before its frame header")
        if data[position] != 0xFF:
            raise FrameError("corrupt", "the JPEG's segments are malformed")
        while position < end and data[position] == 0xFF:
            position += 1
        if position >= end:
            raise FrameError("truncated", "the JPEG ends before its frame header")
        marker = data[position]
        position += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA):
            raise FrameError("corrupt", "the JPEG has no frame header before its data")
        if position + 2 > end:
            raise FrameError("truncated", "the JPEG ends inside a segment")
        (length,) = struct.unpack(">H", data[position : position + 2])
        if length < 2:
            raise FrameError("corrupt", "the JPEG has a segment of impossible length")
        if marker in _JPEG_SOF:
            if position + 7 > end:
                raise FrameError("truncated", "the JPEG ends inside its frame header")
            height, width = struct.unpack(">HH", data[position + 3 : position + 7])
            if width == 0 or height == 0:
                raise FrameError("unsupported", "the JPEG does not state its size up front")
            if not data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
                raise FrameError("truncated", "the JPEG is truncated (no end-of-image marker)")
            return ImageHeader("jpeg", int(width), int(height))
        position += length


def decode_frame(
    data: bytes | bytearray | memoryview,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> Image:
    """Decode a posted PNG or JPEG into a BGR frame, or refuse it with a `FrameError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FrameError("not_an_image", "the frame must be bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise FrameError("too_big", f"the frame is larger than {max_bytes} bytes")
    header = read_header(data)
    if header.width > max_side or header.height > max_side:
        raise FrameError(
            "too_large",
            f"a picture of {header.width}×{header.height} exceeds the {max_side}-pixel side limit",
        )
    if header.width * header.height > max_pixels:
        raise FrameError(
            "too_large",
            f"a picture of {header.width}×{header.height} exceeds the {max_pixels}-pixel limit",
        )
    try:
        decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        decoded = None
    if decoded is None:
        raise FrameError("corrupt", f"the {header.kind.upper()} data cannot be decoded")
    frame = np.asarray(decoded, dtype=np.uint8)
    if frame.ndim != 3 or frame.shape[:2] != (header.height, header.width):
        raise FrameError("corrupt", "the decoded picture does not match its header")
    return frame


def encode_jpeg(frame: Image, *, quality: int = 85) -> bytes:
    """A JPEG snapshot of a frame, e.g. as the evidence stored with a raised flag."""
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("the frame cannot be encoded as JPEG")
    return bytes(np.asarray(encoded, dtype=np.uint8).tobytes())
