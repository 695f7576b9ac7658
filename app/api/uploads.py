"""Reading an upload's body without ever holding more than the limit in memory."""

from __future__ import annotations

from fastapi import Request

from app.services.images import TooLarge


async def read_limited(request: Request, *, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            size = -1
        if size > limit:
            raise TooLarge(
                f"the upload exceeds {limit} bytes", field="body", code="upload.too_large"
            )
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise TooLarge(
                f"the upload exceeds {limit} bytes", field="body", code="upload.too_large"
            )
    return bytes(received)
