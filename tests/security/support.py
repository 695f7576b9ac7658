"""Helpers of the security tests: images, error fields, direct reads of the stored state."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

import cv2
import numpy as np
from httpx import Response
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.tables import AuditEntry
from tests.fixtures import WORKED_EXAMPLE

SOURCES = {"body", "query", "path", "header", "cookie"}


def load_worked_example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    return data


def error_fields(response: Response) -> list[str]:
    """The fields an error names, `body.password` and `password` alike read `password`."""
    fields = []
    for entry in response.json()["detail"]:
        loc = [str(part) for part in entry["loc"]]
        if loc and loc[0] in SOURCES:
            loc = loc[1:]
        fields.append(".".join(loc))
    return fields


def picture(width: int = 64, height: int = 48) -> np.ndarray:
    """A small picture with some structure, so that its encodings are not trivial."""
    rows = np.linspace(0, 255, height, dtype=np.uint8)[:, None]
    cols = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    blue = np.broadcast_to(rows, (height, width))
    green = np.broadcast_to(cols, (height, width))
    red = np.full((height, width), 128, dtype=np.uint8)
    return np.ascontiguousarray(np.stack([blue, green, red], axis=2))


def encoded(extension: str, pixels: np.ndarray | None = None) -> bytes:
    ok, data = cv2.imencode(extension, picture() if pixels is None else pixels)
    assert ok
    return bytes(data.tobytes())


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims `width` × `height` pixels, with almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_comment(comment: bytes) -> bytes:
    """A real JPEG carrying a COM segment right after its SOI marker."""
    data = encoded(".jpg")
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


def write_audit_count(db: Database) -> int:
    """Audit entries of writes (refusals are audited too, but change nothing)."""
    with db.read() as session:
        count = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action != "access.refused")
        )
    return int(count or 0)
