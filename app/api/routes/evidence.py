from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel

from app.api.deps import ActorDep, DbDep, SettingsDep
from app.api.uploads import read_limited
from app.services import evidence

router = APIRouter(tags=["evidence"])
EvidenceName = Annotated[str, Path(pattern=r"^[0-9a-f]{32}\.(jpg|wav)$")]
IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class EvidencePublic(BaseModel):
    evidence: str
    width: int
    height: int


@router.post("/api/evidence", status_code=status.HTTP_201_CREATED, openapi_extra=IMAGE_BODY)
async def upload_evidence(
    request: Request, db: DbDep, actor: ActorDep, settings: SettingsDep
) -> EvidencePublic:
    data = await read_limited(request, limit=settings.max_upload_bytes)
    stored = await run_in_threadpool(evidence.save, db, actor=actor, settings=settings, data=data)
    return EvidencePublic(evidence=stored.name, width=stored.width, height=stored.height)


@router.get(
    "/api/evidence/{name}",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"image/jpeg": {}, "audio/wav": {}},
            "description": "The stored image, or the audio clip of an audio-check flag",
        }
    },
)
def get_evidence(name: EvidenceName, settings: SettingsDep) -> FileResponse:
    media_type = "audio/wav" if name.endswith(".wav") else "image/jpeg"
    return FileResponse(evidence.path_of(settings=settings, name=name), media_type=media_type)
