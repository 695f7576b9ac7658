"""The pages' glossary (static/js/glossary.json), read by exports and the audit log so that a
status, role, type or source has the same words in a file as on a page."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Literal

from app.shipped import static_dir

Lang = Literal["zh", "en"]


@lru_cache(maxsize=1)
def entries() -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = json.loads(
        (static_dir() / "js" / "glossary.json").read_text(encoding="utf-8")
    )
    return loaded


def word(key: str, *, lang: Lang = "zh", default: str | None = None) -> str:
    pair = entries().get(key)
    if pair is None:
        return default if default is not None else key
    return pair[1 if lang == "en" else 0]
