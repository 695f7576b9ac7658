"""How a server process hears of meeting events that other processes committed (the sampler, the
CLI, other server workers).

Invariant: one notifier per process, chosen once by `notifier_for` from the database; callers see
only `start`/`stop`. A notifier only ever tells the hub to look (`notified`, `resync_all`); the
events themselves are always read from the event log, so a lost or late notice costs a delay,
never an event. Events committed by this process reach the hub directly (`Database.on_events`),
whichever notifier runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from app.db.engine import Database
from app.live.postgres import Listener

SQLITE_POLL_SECONDS = 1.0


class Notices(Protocol):
    """What a notifier tells (the hub)."""

    def notified(self, meeting: str, seq: int) -> None: ...

    def resync_all(self) -> None: ...


class Notifier(Protocol):
    def start(self, notices: Notices) -> None:
        """Begin telling `notices`, on the running event loop."""

    async def stop(self) -> None:
        """Stop and wait until nothing more is told."""


class Poller:
    """SQLite has no notifications: look for new events of every followed meeting each
    `interval` seconds."""

    def __init__(self, *, interval: float = SQLITE_POLL_SECONDS) -> None:
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self, notices: Notices) -> None:
        self._task = asyncio.ensure_future(self._poll(notices))

    async def _poll(self, notices: Notices) -> None:
        while True:
            await asyncio.sleep(self.interval)
            notices.resync_all()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def notifier_for(database: Database) -> Notifier:
    """PostgreSQL's LISTEN/NOTIFY where there is one, polling otherwise."""
    if database.is_sqlite:
        return Poller()
    return Listener(database.url)
