"""PostgreSQL LISTEN/NOTIFY: events reach the consoles of every server process.

Invariant: the listener runs on a connection of its own and, whenever that connection is lost,
reconnects with backoff and then asks the hub to resync every channel from the database — so a
notice missed while disconnected costs a short delay, never an event. The first connection
resyncs too, for the consoles that subscribed before it listened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING

import psycopg
from sqlalchemy.engine import make_url

from app.db.repositories.events import NOTIFY_CHANNEL

if TYPE_CHECKING:
    from app.live.notifier import Notices

log = logging.getLogger(__name__)
APPLICATION_NAME = "vcwatch-listener"
MAX_BACKOFF_SECONDS = 5.0


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """The notifier of a PostgreSQL database (`app.live.notifier`)."""

    def __init__(self, url: str) -> None:
        self.conninfo = conninfo(url)
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, notices: Notices) -> None:
        self._task = asyncio.ensure_future(self.run(notices))

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self, notices: Notices) -> None:
        backoff = 0.1
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, application_name=APPLICATION_NAME
                )
            except psycopg.OperationalError as error:
                log.warning("event listener cannot connect: %s", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 0.1
            try:
                async with connection:
                    await connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.connected.set()
                    # Consoles may have subscribed before this connection listened, the first
                    # one included (the database was out of reach at start-up).
                    notices.resync_all()
                    async for notice in connection.notifies():
                        self._dispatch(notices, notice.payload)
            except psycopg.Error as error:
                log.warning("event listener lost its connection: %s", error)
            self.connected.clear()
            await asyncio.sleep(backoff)

    @staticmethod
    def _dispatch(notices: Notices, payload: str) -> None:
        try:
            notice = json.loads(payload)
            notices.notified(str(notice["meeting"]), int(notice["seq"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed event notice: %r", payload)
