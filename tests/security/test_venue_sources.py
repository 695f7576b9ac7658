"""Venue sources: only the schemes and hosts an admin allows in the settings (file sources only
under a configured folder), and camera credentials never shown to anyone or written to a log."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db.engine import Database
from app.db.tables import VenueSource
from app.services.frame_watch import FrameWatch
from app.settings import Settings
from frame_checks.sources import FileSource, SourceError, StreamSource, redacted_url

from .conftest import OWN_UNIT, World

CAMERA = "cam1.sanming.example"
SECRET = "s3cret-Cam-pw"


@pytest.fixture
def allowed(settings: Settings, tmp_path: Path) -> Path:
    settings.source_allowed_hosts = [CAMERA, "10.20.0.0/16"]
    folder = tmp_path / "footage"
    folder.mkdir()
    settings.source_file_folder = folder
    return folder


def configure(client: TestClient, url: str | None, **more: Any) -> Any:
    return client.put(f"/api/venues/{OWN_UNIT}", json={"url": url, **more})


def refusal(response: Any) -> list[tuple[list[Any], str]]:
    assert response.status_code == 422, response.text
    return [(d["loc"], d["code"]) for d in response.json()["detail"]]


def stored_url(db: Database) -> str | None:
    with db.read() as session:
        return session.scalar(select(VenueSource.url))


@pytest.mark.parametrize(
    "url",
    [
        f"rtsp://{CAMERA}/live",
        f"rtsps://{CAMERA}:322/live",
        "http://10.20.3.4/mjpeg",
        "rtsp://10.20.255.1/",
    ],
)
def test_allowed_sources_are_taken(world: World, allowed: Path, url: str) -> None:
    assert configure(world.admin, url).status_code == 200


def test_a_file_under_the_folder_is_taken(world: World, allowed: Path) -> None:
    assert configure(world.admin, f"file://{allowed}/hall.mp4").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/",
        "http://127.0.0.1:8000/api/accounts",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "rtsp://10.21.0.1/live",
        "rtsp://other.example/live",
        f"rtsp://{CAMERA}.evil.example/live",
        f"http://{CAMERA}@127.0.0.2/",
        "file:///etc/passwd",
        "file://otherhost/footage/hall.mp4",
    ],
)
def test_other_sources_are_refused_naming_the_field(
    world: World, allowed: Path, db: Database, url: str
) -> None:
    assert refusal(configure(world.admin, url)) == [(["url"], "venue.source_not_allowed")]
    assert stored_url(db) is None


def test_a_file_outside_the_folder_is_refused(world: World, allowed: Path) -> None:
    escape = f"file://{allowed}/../secrets.mp4"
    assert refusal(configure(world.admin, escape)) == [(["url"], "venue.source_not_allowed")]


def test_only_allowed_schemes(world: World, allowed: Path, settings: Settings) -> None:
    settings.source_allowed_schemes = ["rtsp"]
    response = configure(world.admin, f"http://{CAMERA}/mjpeg")
    assert refusal(response) == [(["url"], "venue.source_not_allowed")]
    assert configure(world.admin, f"rtsp://{CAMERA}/live").status_code == 200


def test_nothing_is_allowed_unless_configured(world: World) -> None:
    for url in (f"rtsp://{CAMERA}/live", "file:///tmp/hall.mp4"):
        assert refusal(configure(world.admin, url)) == [(["url"], "venue.source_not_allowed")]


def test_a_stored_source_no_longer_allowed_is_not_sampled(
    world: World, allowed: Path, db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert configure(world.admin, f"rtsp://admin:{SECRET}@{CAMERA}/live").status_code == 200
    settings.source_allowed_hosts = []
    watch = FrameWatch(db, settings)
    try:
        with caplog.at_level(logging.WARNING):
            assert watch.sync_sources() == 0
    finally:
        watch.stop()
    assert "not sampled" in caplog.text
    assert SECRET not in caplog.text


def test_credentials_are_masked_for_every_role(world: World, allowed: Path, db: Database) -> None:
    url = f"rtsp://admin:{SECRET}@{CAMERA}/live?channel=1"
    response = configure(world.admin, url)
    assert response.status_code == 200
    assert response.json()["url"] == f"rtsp://***@{CAMERA}/live?channel=1"
    assert stored_url(db) == url
    for client in (world.admin, world.controller, world.reviewer):
        for path in ("/api/venues", f"/api/venues/{OWN_UNIT}"):
            shown = client.get(path)
            assert shown.status_code == 200
            assert SECRET not in shown.text
            assert "admin:" not in shown.text
    audit = world.admin.get("/api/audit", params={"entity": "venue", "limit": 500})
    assert audit.status_code == 200
    assert SECRET not in audit.text


def test_the_masked_form_sent_back_keeps_the_stored_password(
    world: World, allowed: Path, db: Database
) -> None:
    configure(world.admin, f"rtsp://admin:{SECRET}@{CAMERA}/live")
    shown = world.admin.get(f"/api/venues/{OWN_UNIT}").json()["url"]
    assert configure(world.admin, shown, interval_seconds=5).status_code == 200
    assert stored_url(db) == f"rtsp://admin:{SECRET}@{CAMERA}/live"
    assert configure(world.admin, f"rtsp://admin:new-pw@{CAMERA}/live").status_code == 200
    assert stored_url(db) == f"rtsp://admin:new-pw@{CAMERA}/live"


def test_masked_credentials_with_none_stored_are_refused(world: World, allowed: Path) -> None:
    response = configure(world.admin, f"rtsp://***@{CAMERA}/live")
    assert refusal(response) == [(["url"], "venue.credentials_missing")]


def test_source_errors_never_carry_the_credentials() -> None:
    assert redacted_url(f"rtsp://u:{SECRET}@h/x") == "rtsp://***@h/x"
    assert redacted_url(f"http://h/x?user=u&password={SECRET}&ch=2") == (
        "http://h/x?user=***&password=***&ch=2"
    )
    source = StreamSource(f"rtsp://u:{SECRET}@127.0.0.1:9/x", open_timeout=0.2, read_timeout=0.2)
    with pytest.raises(SourceError) as failed:
        source.open()
    assert SECRET not in str(failed.value)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_a_stream_is_never_read_from_a_local_file(tmp_path: Path) -> None:
    clip = tmp_path / "clip.ts"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x36", "-t", "1"]
    subprocess.run([*command, str(clip)], check=True, timeout=60)
    with FileSource(clip.as_uri()):
        pass  # a file source may read it
    # FFmpeg opens only network protocols for a stream, whatever its URL or what it names
    with pytest.raises(SourceError):
        StreamSource(clip.as_uri(), open_timeout=1.0).open()
