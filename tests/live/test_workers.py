"""Two server processes on one PostgreSQL database: a tag logged through one reaches a console on
the other, and keeps doing so — in order, none twice — when the other's listener connection is
killed, since the listener reconnects and resyncs from the event log."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import create_engine, text

from app.db.engine import Database
from app.live.postgres import APPLICATION_NAME
from app.services.accounts import create_account
from app.services.context import Actor
from app.services.records import import_records, parse_records
from tests.conftest import BACKEND
from tests.fixtures import WORKED_EXAMPLE

from .support import MEETING

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="needs PostgreSQL")

REPOSITORY = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD = "duty-controller", "Tested-Passw0rd-on-duty"
WAIT_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def local_ports(self) -> set[int]:
        """The local TCP ports of the process's sockets (its database connections among them)."""
        inodes = set()
        fds = Path(f"/proc/{self.process.pid}/fd")
        for fd in fds.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
        ports = set()
        for table in ("tcp", "tcp6"):
            lines = Path(f"/proc/{self.process.pid}/net/{table}").read_text().splitlines()[1:]
            for line in lines:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        return ports


def start_server(database_url: str, directory: Path, name: str) -> Server:
    port = free_port()
    log = directory / f"{name}.log"
    env = {
        **os.environ,
        "VCWATCH_DATABASE_URL": database_url,
        "VCWATCH_ENVIRONMENT": "test",
        "VCWATCH_DATA_DIR": str(directory / name),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPOSITORY,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(port, process, log)


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log.read_text()
        try:
            if httpx.get(f"{server.url}/api/session", timeout=2).status_code == 401:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(
        f"the server on port {server.port} did not start:\n{server.log.read_text()}"
    )


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


@pytest.fixture
def prepared(db: Database) -> Database:
    """The worked example and a controller account, on the run's PostgreSQL database."""
    actor = Actor(username="setup", role="admin")
    data = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    import_records(db, actor=actor, file=parse_records(data))
    create_account(
        db,
        actor=actor,
        username=USERNAME,
        display_name="值班主控",
        role="controller",
        unit_code=None,
        password=PASSWORD,
    )
    return db


@pytest.fixture
def servers(prepared: Database, database_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for name in ("one", "two"):
            started.append(start_server(database_url, tmp_path, name))
        for server in started:
            wait_until_serving(server)
        yield started
    finally:
        for server in started:
            stop(server)


class Listeners:
    """The event-listener connections of one server process, as PostgreSQL lists them."""

    def __init__(self, database_url: str, server: Server) -> None:
        self.engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        self.server = server

    def pids(self) -> set[int]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT pid, client_port FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            ).all()
        ports = self.server.local_ports()
        return {int(pid) for pid, port in rows if port in ports}

    def wait_for_one(self, *, other_than: frozenset[int] = frozenset()) -> int:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = self.pids() - other_than
            if found:
                (pid,) = found
                return pid
            time.sleep(0.05)
        raise AssertionError("the server has no event listener connection")

    def kill(self, pid: int) -> None:
        with self.engine.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid = :pid"
                ),
                {"name": APPLICATION_NAME, "pid": pid},
            ).scalar_one()
        assert killed

    def close(self) -> None:
        self.engine.dispose()


async def log_in(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/session", json={"username": USERNAME, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]


async def tag(client: httpx.AsyncClient, key: str) -> None:
    body = {
        "unit": "350402",
        "type": "conduct.phone",
        "meeting": MEETING,
        "at": "2019-06-10T09:30:00+08:00",
        "note": key,
    }
    response = await client.post("/api/incidents", json=body, headers={"Idempotency-Key": key})
    assert response.status_code == 201, response.text


class Console:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def next_event(self) -> dict[str, Any]:
        while True:
            message: dict[str, Any] = json.loads(
                await asyncio.wait_for(self.connection.recv(), WAIT_SECONDS)
            )
            if message["type"] == "event":
                return message
            assert message["type"] == "heartbeat", message

    async def ready(self) -> int:
        message = json.loads(await asyncio.wait_for(self.connection.recv(), WAIT_SECONDS))
        assert message["type"] == "ready", message
        return int(message["seq"])


@pytest.mark.timeout(240)
def test_tags_reach_the_console_on_the_other_process_across_a_listener_kill(
    servers: list[Server], database_url: str
) -> None:
    one, two = servers
    listeners = Listeners(database_url, two)
    try:
        asyncio.run(asyncio.wait_for(scenario(one, two, listeners), 120))
    finally:
        listeners.close()


async def scenario(one: Server, two: Server, listeners: Listeners) -> None:
    first_listener = await asyncio.to_thread(listeners.wait_for_one)
    async with (
        httpx.AsyncClient(base_url=one.url, timeout=10) as through_one,
        httpx.AsyncClient(base_url=two.url, timeout=10) as on_two,
    ):
        await log_in(through_one)
        await log_in(on_two)
        cookie = f"vcwatch_session={on_two.cookies['vcwatch_session']}"
        await follow(two, listeners, through_one, cookie, first_listener)


async def follow(
    two: Server,
    listeners: Listeners,
    through_one: httpx.AsyncClient,
    cookie: str,
    first_listener: int,
) -> None:
    async with websockets.connect(
        f"ws://127.0.0.1:{two.port}/ws/meetings/{MEETING}?after=0",
        origin=websockets.Origin(two.url),
        additional_headers={"Cookie": cookie},
    ) as connection:
        console = Console(connection)
        assert await console.ready() == 0

        await tag(through_one, "before-kill")
        event = await console.next_event()
        assert (event["seq"], event["data"]["key"]) == (1, "before-kill")

        keys = ["before-kill"]
        for n in range(5):
            keys.append(f"during-kill-{n}")
            await tag(through_one, keys[-1])
            if n == 1:
                await asyncio.to_thread(listeners.kill, first_listener)
        await asyncio.to_thread(listeners.wait_for_one, other_than=frozenset({first_listener}))
        # No write after the reconnect yet: what arrives now comes from the resync.
        received = [event]
        while len(received) < len(keys):
            received.append(await console.next_event())

        for n in range(5):
            keys.append(f"after-reconnect-{n}")
            await tag(through_one, keys[-1])
        while len(received) < len(keys):
            received.append(await console.next_event())
        assert [e["seq"] for e in received] == list(range(1, len(keys) + 1))
        assert [e["data"]["key"] for e in received] == keys

        # Nothing more, nothing twice: the next event is the sentinel's.
        await tag(through_one, "sentinel")
        event = await console.next_event()
        assert (event["seq"], event["data"]["key"]) == (len(keys) + 1, "sentinel")
