"""`vcwatch serve --workers N`: several processes need PostgreSQL, whose notices carry events
between them; on SQLite the command refuses, since consoles on one process would miss the events
written through another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from app.cli import main
from app.settings import get_settings
from tests.conftest import BACKEND


class Serve:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.monkeypatch, self.capsys = monkeypatch, capsys
        self.started: list[dict[str, Any]] = []
        monkeypatch.setattr(uvicorn, "run", lambda *_args, **options: self.started.append(options))

    def __call__(self, database_url: str, *argv: str) -> tuple[int, str]:
        """The exit status and error output of `vcwatch serve ARGV`, without serving."""
        self.monkeypatch.setenv("VCWATCH_DATABASE_URL", database_url)
        get_settings.cache_clear()
        self.capsys.readouterr()
        try:
            status: Any = main(["serve", *argv])
        except SystemExit as exit_:
            status = exit_.code
        err = self.capsys.readouterr().err
        if isinstance(status, str):
            status, err = 1, err + status
        return int(status or 0), err


@pytest.fixture
def serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Iterator[Serve]:
    monkeypatch.setenv("VCWATCH_ENVIRONMENT", "test")
    monkeypatch.setenv("VCWATCH_DATA_DIR", str(tmp_path / "data"))
    yield Serve(monkeypatch, capsys)
    get_settings.cache_clear()


def test_several_workers_on_sqlite_are_refused(serve: Serve, tmp_path: Path) -> None:
    status, err = serve(f"sqlite:///{tmp_path / 'one.sqlite3'}", "--workers", "2")
    assert status != 0
    assert serve.started == []
    assert "sqlite" in err.lower()
    assert "worker" in err.lower()


def test_one_worker_on_sqlite_is_served(serve: Serve, tmp_path: Path) -> None:
    status, err = serve(f"sqlite:///{tmp_path / 'one.sqlite3'}", "--workers", "1")
    assert (status, err) == (0, "")
    assert [options["workers"] for options in serve.started] == [1]


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs PostgreSQL")
def test_several_workers_on_postgresql_are_served(serve: Serve, database_url: str) -> None:
    status, err = serve(database_url, "--workers", "2")
    assert (status, err) == (0, "")
    assert [options["workers"] for options in serve.started] == [2]
