from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.db.engine import Database
from app.services import audit
from app.services.context import Actor
from app.services.errors import NotFound
from app.services.images import clean_image, store
from app.settings import Settings


@dataclass(frozen=True)
class StoredEvidence:
    name: str
    width: int
    height: int


def save(db: Database, *, actor: Actor, settings: Settings, data: bytes) -> StoredEvidence:
    image = clean_image(data, max_pixels=settings.max_image_pixels)
    name = store(image, folder=settings.evidence_dir)
    with db.write() as tx:
        audit.record(
            tx.session,
            actor=actor,
            action="evidence.uploaded",
            entity="evidence",
            entity_key=name,
            after={"width": image.width, "height": image.height, "bytes": len(image.jpeg)},
        )
    return StoredEvidence(name=name, width=image.width, height=image.height)


def path_of(*, settings: Settings, name: str) -> Path:
    path = settings.evidence_dir / name
    if not path.is_file():
        raise NotFound(f"no evidence {name}", field="name", code="evidence.not_found")
    return path


def exists(*, settings: Settings, name: str) -> bool:
    return (settings.evidence_dir / name).is_file()
