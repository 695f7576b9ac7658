"""vcwatch installed from a wheel works without the source tree: the pages, the migrations and
alembic.ini come inside the package (setup.py, app/shipped.py).

The wheel is built as `uv build` makes it (a source distribution first, then the wheel from that,
with the project's own build backend), unpacked into a folder of its own, and run from a folder
that is not the repository: it migrates, loads the demo and serves every page and the API
reference."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from app.api.pages import PAGES
from tests.conftest import TEST_PASSWORD

REPO = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "data",
    "build",
    "dist",
    "test-artifacts",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)
BUILD_SECONDS = 300

pytestmark = pytest.mark.long


class Links(HTMLParser):
    """The `src` and `href` of a page's elements."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


def links_of(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.found


def build_hook(hook: str, source: Path, output: Path) -> Path:
    """Run the project's build backend hook (`build_sdist`, `build_wheel`) in `source`."""
    script = f"import sys; from setuptools import build_meta; print(build_meta.{hook}(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", script, str(output)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    return output / done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_wheel_migrates_loads_the_demo_and_serves_every_page(tmp_path: Path) -> None:
    source = tmp_path / "checkout"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    (tmp_path / "dist").mkdir()
    sdist = build_hook("build_sdist", source, tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        # Our own archive; the "data" filter where this Python has it (3.11.4 and later).
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(tmp_path / "sdist", **safe)
    unpacked = next((tmp_path / "sdist").iterdir())
    wheel = build_hook("build_wheel", unpacked, tmp_path / "dist")

    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert "app/_shipped/alembic.ini" in names
    assert "app/_shipped/static/login.html" in names
    assert any(n.startswith("app/_shipped/alembic/versions/") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "vcwatch = app.cli:main" in (site / entry_points).read_text(encoding="utf-8")

    run = tmp_path / "run"
    run.mkdir()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("VCWATCH_")},
        "PYTHONPATH": str(site),
        "VCWATCH_DATA_DIR": str(run / "data"),
        "VCWATCH_ENVIRONMENT": "test",
        "VCWATCH_PASSWORD_HASH_COST": "minimal",
        "VCWATCH_SAMPLER": "off",
    }

    def vcwatch(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=run,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import app.shipped as s; print(s.__file__, s.static_dir())"],
        cwd=run,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.split() == [
        str(site / "app" / "shipped.py"),
        str(site / "app" / "_shipped" / "static"),
    ], where.stderr

    assert "schema is at the newest migration" in vcwatch("migrate")
    assert "demo data for 三明市" in vcwatch("demo")
    vcwatch("create-user", "wheel-admin", "--role", "admin", stdin=TEST_PASSWORD + "\n")

    port = free_port()
    with (run / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=run,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (run / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (run / "serve.log").read_text()
            time.sleep(0.1)

        assets: set[str] = set()
        with httpx.Client(base_url=base, timeout=10) as browser:
            credentials = {"username": "wheel-admin", "password": TEST_PASSWORD}
            assert browser.post("/api/session", json=credentials).status_code == 201
            for path in ["/login", *PAGES, "/docs", "/redoc"]:
                page = browser.get(path)
                assert page.status_code == 200, path
                assets |= {link for link in links_of(page.text) if link.startswith("/static/")}
            assert any(a.endswith(".css") for a in assets)
            assert any(a.endswith(".js") for a in assets)
            for asset in sorted(assets):
                assert browser.get(asset).status_code == 200, asset
    finally:
        server.terminate()
        server.wait(timeout=30)
