"""Posted frames: decoded when they are sound PNG or JPEG, refused with a reason otherwise."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from frame_checks import FrameError, decode_frame, read_header

from .support import jpeg_bytes, png_bytes, scene

PICTURE = scene(160, 90)


def png_announcing(width: int, height: int) -> bytes:
    """A well-formed PNG header announcing any size, with a token body and an end chunk."""
    body = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    ihdr = struct.pack(">I", 13) + b"IHDR" + body + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    idat_data = zlib.compress(b"\x00" * 64)
    idat = (
        struct.pack(">I", len(idat_data))
        + b"IDAT"
        + idat_data
        + struct.pack(">I", zlib.crc32(b"IDAT" + idat_data))
    )
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + iend


def jpeg_announcing(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is rewritten to announce another size."""
    data = bytearray(jpeg_bytes(PICTURE))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize("encode", [png_bytes, jpeg_bytes], ids=["png", "jpeg"])
def test_a_sound_frame_is_decoded_at_its_size(encode: object) -> None:
    frame = decode_frame(encode(PICTURE))  # type: ignore[operator]

    assert frame.shape == (90, 160, 3)
    assert frame.dtype == np.uint8


def test_the_header_gives_kind_and_size_without_decoding() -> None:
    assert read_header(png_bytes(PICTURE)).width == 160
    assert read_header(jpeg_bytes(PICTURE)).kind == "jpeg"
    assert read_header(png_announcing(30_000, 30_000)).height == 30_000


PNG = png_bytes(PICTURE)
JPEG = jpeg_bytes(PICTURE)


def corrupt_png_header() -> bytes:
    data = bytearray(PNG)
    data[20] ^= 0xFF
    return bytes(data)


def corrupt_png_body() -> bytes:
    data = bytearray(PNG)
    start = data.index(b"IDAT") + 4
    data[start : start + 40] = b"\x00" * 40
    return bytes(data)


def corrupt_jpeg_segments() -> bytes:
    data = bytearray(JPEG)
    data[data.index(b"\xff\xdb")] = 0x00
    return bytes(data)


REFUSED = {
    "zero bytes": (b"", "empty"),
    "text": (b"hello, this is not a picture", "not_an_image"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "not_an_image"),
    "png signature only": (PNG[:8], "truncated"),
    "png cut in its header": (PNG[:20], "truncated"),
    "png cut in its data": (PNG[: len(PNG) // 2], "truncated"),
    "png header checksum": (corrupt_png_header(), "corrupt"),
    "png damaged data": (corrupt_png_body(), "corrupt"),
    "jpeg cut short": (JPEG[: len(JPEG) // 2], "truncated"),
    "jpeg soi only": (JPEG[:3], "truncated"),
    "jpeg broken segments": (corrupt_jpeg_segments(), "corrupt"),
    "png 30000×30000": (png_announcing(30_000, 30_000), "too_large"),
    "jpeg 30000×30000": (jpeg_announcing(30_000, 30_000), "too_large"),
    "png 1×100000": (png_announcing(1, 100_000), "too_large"),
    "png of zero width": (png_announcing(0, 10), "corrupt"),
    "png lying about its size": (png_announcing(160, 90), "corrupt"),
}


@pytest.mark.parametrize(("data", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_frame_is_refused_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(FrameError) as refused:
        decode_frame(data)

    assert refused.value.reason == reason
    assert str(refused.value)


def test_frames_above_the_byte_limit_are_refused_before_reading_them() -> None:
    with pytest.raises(FrameError) as refused:
        decode_frame(JPEG, max_bytes=len(JPEG) - 1)

    assert refused.value.reason == "too_big"


def test_the_pixel_limit_is_the_callers_to_set() -> None:
    assert decode_frame(PNG, max_pixels=160 * 90).shape == (90, 160, 3)
    with pytest.raises(FrameError, match="pixel limit"):
        decode_frame(PNG, max_pixels=160 * 90 - 1)


def test_a_grey_png_comes_back_as_colour() -> None:
    grey = png_bytes(np.full((20, 30), 77, np.uint8))

    frame = decode_frame(grey)

    assert frame.shape == (20, 30, 3)
    assert int(frame[0, 0, 0]) == 77
