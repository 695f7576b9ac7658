from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.api.deps import ActorDep, DbDep, SettingsDep
from app.api.uploads import read_limited
from app.schemas.public import FlagPublic, Page, VenuePublic
from app.schemas.records import MeetingKey, ShortText
from app.services import flags, units, venues
from app.services.errors import NotFound
from app.services.images import clean_image

router = APIRouter(tags=["venues and flags"])
UnitCodePath = Annotated[str, Path(pattern=r"^[0-9]{6}$")]
FlagId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IMAGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "A JPEG image"}
}
IMAGE_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class VenueUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: (
        Annotated[
            str,
            StringConstraints(
                max_length=1000, pattern=r"^(rtsp|rtsps|http|https|file)://[^\s\x00]+$"
            ),
        ]
        | None
    ) = None
    interval_seconds: Annotated[float, Field(ge=0.5, le=600)] = 2.0
    enabled: bool = True
    thresholds: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")],
        Annotated[float, Field(ge=-1e6, le=1e6)],
    ] = Field(default_factory=dict, max_length=40)


class AudioStateUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["muted", "speaking", "testing"]


AUDIO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "audio/wav": {"schema": {"type": "string", "format": "binary"}},
            "audio/L16": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class AudioWindowChecked(BaseModel):
    t: float
    metrics: dict[str, object]
    hits: list[str]
    flags: list[str]


class AudioChecked(BaseModel):
    unit: str
    audio_state: str
    windows: list[AudioWindowChecked]
    pending_seconds: float
    """Sound kept for the next window (a window is judged once it is complete)."""


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: ShortText | None = None


@router.get("/api/venues")
def list_venues(db: DbDep, settings: SettingsDep) -> list[VenuePublic]:
    return venues.list_venues(db, settings=settings)


@router.get("/api/venues/{code}")
def get_venue(db: DbDep, settings: SettingsDep, code: UnitCodePath) -> VenuePublic:
    return venues.get_venue(db, settings=settings, unit_code=code)


@router.put("/api/venues/{code}")
def configure_venue(
    request: Request,
    db: DbDep,
    actor: ActorDep,
    settings: SettingsDep,
    code: UnitCodePath,
    body: VenueUpdate,
) -> VenuePublic:
    venue = venues.configure(
        db,
        actor=actor,
        settings=settings,
        unit_code=code,
        url=body.url,
        interval_seconds=body.interval_seconds,
        enabled=body.enabled,
        thresholds=dict(body.thresholds),
    )
    watch = request.app.state.frame_watch
    if watch.following:
        watch.sync_sources()
    watch.refresh(code)
    return venue


@router.get("/api/venues/{code}/sample", response_class=FileResponse, responses=IMAGE_RESPONSE)
def venue_sample(settings: SettingsDep, code: UnitCodePath) -> FileResponse:
    path = venues.sample_path(settings, code)
    if not path.is_file():
        raise NotFound(f"venue {code} has no sample yet", field="code", code="venue.no_sample")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/api/venues/{code}/reference", response_class=FileResponse, responses=IMAGE_RESPONSE)
def venue_reference(db: DbDep, settings: SettingsDep, code: UnitCodePath) -> FileResponse:
    path = venues.reference_path(db, settings=settings, unit_code=code)
    return FileResponse(path, media_type="image/jpeg")


@router.put("/api/venues/{code}/reference", openapi_extra=IMAGE_BODY)
async def set_reference(
    request: Request, db: DbDep, actor: ActorDep, settings: SettingsDep, code: UnitCodePath
) -> VenuePublic:
    """With an image body, that image; with none, the venue's newest sample."""
    data = await read_limited(request, limit=settings.max_upload_bytes)
    image = (
        await run_in_threadpool(clean_image, data, max_pixels=settings.max_image_pixels)
        if data
        else None
    )
    venue = await run_in_threadpool(
        venues.set_reference, db, actor=actor, settings=settings, unit_code=code, image=image
    )
    await run_in_threadpool(request.app.state.frame_watch.refresh, code)
    return venue


class FrameChecked(BaseModel):
    unit: str
    metrics: dict[str, object]
    hits: list[str]
    flags: list[str]


@router.post("/api/venues/{code}/frames", openapi_extra=IMAGE_BODY)
async def post_frame(
    request: Request, db: DbDep, settings: SettingsDep, code: UnitCodePath
) -> FrameChecked:
    """A frame from an external grabber: checked at once; flags are raised after N hits."""
    data = await read_limited(request, limit=settings.max_upload_bytes)
    await run_in_threadpool(units.get_unit, db, code=code)
    watch = request.app.state.frame_watch
    result = await run_in_threadpool(watch.check_pushed, code, data)
    return FrameChecked(
        unit=code,
        metrics=dict(result.metrics),
        hits=sorted(result.hits),
        flags=result.flags,
    )


@router.put("/api/venues/{code}/audio-state")
def set_audio_state(
    request: Request,
    db: DbDep,
    actor: ActorDep,
    settings: SettingsDep,
    code: UnitCodePath,
    body: AudioStateUpdate,
) -> VenuePublic:
    """静音收听 (muted) / 发言 (speaking) / 调试 (testing): what the venue's sound is judged
    against from now on."""
    venue = venues.set_audio_state(
        db, actor=actor, settings=settings, unit_code=code, state=body.state
    )
    request.app.state.frame_watch.audio.set_state(code, body.state)
    return venue


@router.post("/api/venues/{code}/audio", openapi_extra=AUDIO_BODY)
async def post_audio(
    request: Request, db: DbDep, settings: SettingsDep, code: UnitCodePath
) -> AudioChecked:
    """A window of sound from an external grabber (16-bit PCM: a WAV, or raw `audio/L16;
    rate=…; channels=…`), judged at once against the venue's audio state; flags are raised
    after N windows in a row."""
    data = await read_limited(request, limit=settings.max_audio_upload_bytes)
    await run_in_threadpool(units.get_unit, db, code=code)
    watch = request.app.state.frame_watch.audio
    content_type = request.headers.get("content-type", "audio/wav")
    results = await run_in_threadpool(watch.check_pushed, code, data, content_type=content_type)
    venue = await run_in_threadpool(venues.get_venue, db, settings=settings, unit_code=code)
    return AudioChecked(
        unit=code,
        audio_state=venue.audio_state,
        windows=[
            AudioWindowChecked(
                t=round(result.at, 3),
                metrics=dict(result.metrics),
                hits=sorted(result.hits),
                flags=list(result.flags),
            )
            for result in results
        ],
        pending_seconds=round(watch.pending_seconds(code), 3),
    )


@router.get("/api/flags")
def list_flags(
    db: DbDep,
    status: Annotated[Literal["open", "confirmed", "dismissed", "noted"] | None, Query()] = None,
    meeting: Annotated[MeetingKey | None, Query()] = None,
    outside_meeting: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[FlagPublic]:
    """`outside_meeting=true`: only the flags raised while no meeting was on (the venues
    page's 画面检测 inbox)."""
    return flags.list_flags(
        db,
        status=status,
        meeting=meeting,
        units=(),
        limit=limit,
        offset=offset,
        outside_meeting=outside_meeting,
    )


@router.get("/api/flags/{flag_id}")
def get_flag(db: DbDep, flag_id: FlagId) -> FlagPublic:
    return flags.get_flag(db, flag_id=flag_id)


@router.post("/api/flags/{flag_id}/confirm")
def confirm_flag(db: DbDep, actor: ActorDep, flag_id: FlagId, body: Decision) -> FlagPublic:
    return flags.confirm_flag(db, actor=actor, flag_id=flag_id, note=body.note)


@router.post("/api/flags/{flag_id}/dismiss")
def dismiss_flag(db: DbDep, actor: ActorDep, flag_id: FlagId, body: Decision) -> FlagPublic:
    return flags.dismiss_flag(db, actor=actor, flag_id=flag_id, note=body.note)
