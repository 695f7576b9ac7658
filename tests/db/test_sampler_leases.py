"""Samplers that share a province (PostgreSQL): each venue is followed by exactly one sampler;
a sampler that dies has its venues taken over; a sampler that joins gets its share."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.engine import Database
from app.services import venues as venues_service
from app.services.sampler_leases import LeaseKeeper
from app.settings import Settings
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="leases are PostgreSQL's")

VENUES = ["350400", "350402", "350403"]  # the units of the worked example
LEASE_SECONDS = 1.5
BEAT_SECONDS = 0.2
SETTINGS = Settings(environment="test", sampler_lease_seconds=LEASE_SECONDS)


class Sampler(threading.Thread):
    """A sampler's lease loop on a connection pool of its own; `kill` stops it dead (no release:
    its leases lapse), like a process that was killed."""

    def __init__(
        self, url: str, name: str, board: Board, *, lease_seconds: float = LEASE_SECONDS
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.db = Database(url)
        self.keeper = LeaseKeeper(self.db, name=name, lease_seconds=lease_seconds)
        self.board = board
        self.dead = threading.Event()

    def run(self) -> None:
        while not self.dead.is_set():
            held = self.keeper.beat(VENUES)
            self.board.follow(self.keeper.name, held)
            self.dead.wait(BEAT_SECONDS)

    def kill(self) -> None:
        self.dead.set()
        self.join()
        self.board.follow(self.keeper.name, set())
        self.db.dispose()


class Board:
    """What each sampler follows; every change is checked: no venue followed twice."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.following: dict[str, set[str]] = {}
        self.doubled: list[tuple[str, str, str]] = []

    def follow(self, sampler: str, venues: set[str]) -> None:
        with self.lock:
            self.following[sampler] = set(venues)
            for other, theirs in self.following.items():
                if other != sampler:
                    self.doubled += [(venue, sampler, other) for venue in venues & theirs]

    def snapshot(self) -> dict[str, set[str]]:
        with self.lock:
            return {name: set(venues) for name, venues in self.following.items()}


def wait_for(condition: object, *, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def venues(client: TestClient, database_url: str) -> Iterator[str]:
    from tests.fixtures import worked_example

    assert client.post("/api/records", json=worked_example()).status_code == 201
    yield database_url


def test_two_samplers_share_the_venues_and_take_over_from_one_that_dies(venues: str) -> None:
    board = Board()
    first = Sampler(venues, "sampler-a", board)
    second = Sampler(venues, "sampler-b", board)
    first.start()
    try:
        assert wait_for(lambda: board.snapshot().get("sampler-a") == set(VENUES))
        second.start()
        # The newcomer gets its share (two and one), none followed twice.
        assert wait_for(
            lambda: (
                sorted(len(v) for v in board.snapshot().values()) == [1, 2]
                and set().union(*board.snapshot().values()) == set(VENUES)
            )
        )
        # The venues page names the sampler that follows each venue.
        shown = {v.unit: v.sampler for v in venues_service.list_venues(first.db, settings=SETTINGS)}
        followed = {code: name for name, codes in board.snapshot().items() for code in codes}
        assert shown == followed
        first.kill()
        assert wait_for(lambda: board.snapshot()["sampler-b"] == set(VENUES))
        assert board.doubled == []
    finally:
        for sampler in (first, second):
            if sampler.is_alive():
                sampler.kill()
            sampler.db.dispose()


def test_a_stopped_sampler_hands_its_venues_over_at_once(venues: str) -> None:
    board = Board()
    # A long lease, so that a takeover by lapse cannot pass for one by release even on a
    # machine slow enough to take a second over two heartbeats.
    lease = 8.0
    first = Sampler(venues, "a", board, lease_seconds=lease)
    second = Sampler(venues, "b", board, lease_seconds=lease)
    first.start()
    second.start()
    try:
        assert wait_for(lambda: set().union(*board.snapshot().values()) == set(VENUES))
        first.kill()
        first.keeper.db = Database(venues)
        first.keeper.release()
        first.keeper.db.dispose()
        # Released, not lapsed: taken up within a few heartbeats, well inside a lease period.
        assert wait_for(lambda: board.snapshot()["b"] == set(VENUES), within=lease / 2)
        assert board.doubled == []
    finally:
        for sampler in (first, second):
            if sampler.is_alive():
                sampler.kill()
            sampler.db.dispose()


def test_a_sampler_with_nothing_to_follow_leaves_the_others_every_venue(venues: str) -> None:
    """A sampler process with sampling switched off still beats; it must not count among those
    sharing the venues, or the one sampler that works would keep to half of them."""
    idle_db, working_db = Database(venues), Database(venues)
    try:
        idle = LeaseKeeper(idle_db, name="idle", lease_seconds=60.0)
        working = LeaseKeeper(working_db, name="working", lease_seconds=60.0)
        assert idle.beat([]) == set()
        assert working.beat(VENUES) == set(VENUES)
        assert idle.beat([]) == set()
        assert working.beat(VENUES) == set(VENUES)
    finally:
        idle_db.dispose()
        working_db.dispose()


@pytest.mark.long
def test_two_sampler_processes_share_and_one_killed_is_taken_over(
    client: TestClient, database_url: str, tmp_path: Any, settings: Any
) -> None:
    """Real `vcwatch sampler` processes on one database (beside the test's own app, which samples
    too): each follows its share; the one killed (SIGKILL: no clean release) loses its venues to
    the others, as the venues list shows."""
    import os
    import signal
    import subprocess
    import sys

    import cv2
    import numpy as np

    from tests.fixtures import worked_example

    assert client.post("/api/records", json=worked_example()).status_code == 201
    settings.source_file_folder = tmp_path  # the folder an admin lets venue files come from
    clip = tmp_path / "room.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 5, (160, 120))
    rng = np.random.default_rng(0)
    for _ in range(50):
        writer.write(rng.integers(60, 200, (120, 160, 3), dtype=np.uint8))
    writer.release()
    for code in VENUES:
        body = {"url": f"file://{clip}", "interval_seconds": 2.0, "enabled": True}
        assert client.put(f"/api/venues/{code}", json=body).status_code == 200

    env = {
        **os.environ,
        "VCWATCH_DATABASE_URL": database_url,
        "VCWATCH_DATA_DIR": str(tmp_path / "data"),
        "VCWATCH_SAMPLER_LEASE_SECONDS": "6",
        "VCWATCH_SAMPLER_HEARTBEAT_SECONDS": "1",
        "VCWATCH_SOURCE_FILE_FOLDER": str(tmp_path),
    }
    command = [sys.executable, "-m", "app.cli", "sampler", "--refresh", "1", "--name"]
    processes = {
        name: subprocess.Popen(
            [*command, name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for name in ("north", "south")
    }
    settings = Settings(environment="test", sampler_lease_seconds=6.0)
    db = Database(database_url)

    def holders() -> dict[str, str | None]:
        return {v.unit: v.sampler for v in venues_service.list_venues(db, settings=settings)}

    seen: list[dict[str, str | None]] = []

    # The test's own app is a sampler too (`vcwatch serve` shares the venues on PostgreSQL).
    def shared() -> bool:
        seen.append(holders())
        names = set(seen[-1].values())
        return {"north", "south"} <= names and None not in names

    try:
        # Starting a sampler (imports, first heartbeat) is slow on a busy machine.
        assert wait_for(shared, within=120), seen[-3:]
        os.kill(processes["north"].pid, signal.SIGKILL)
        processes["north"].wait(10)
        assert wait_for(
            lambda: "north" not in holders().values() and None not in holders().values(),
            within=60,
        )
        assert "south" in holders().values()
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
        db.dispose()
    assert all(process.poll() is not None for process in processes.values())
