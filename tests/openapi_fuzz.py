"""What the schema-driven tests share: pushed audio windows are sent as raw bytes, like images."""

from __future__ import annotations

import schemathesis

for media_type in ("audio/wav", "audio/L16"):
    schemathesis.serializer.alias(media_type, "application/octet-stream")
