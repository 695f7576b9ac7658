"""Fan-out of meeting events to the consoles connected to this server process.

Invariants:
- a channel forwards each event of its meeting at most once, in increasing `seq`; a hole in the
  numbers is filled from the database before anything after it is forwarded;
- an event is serialized once, whatever the number of consoles;
- a console's queue is bounded: a console that cannot keep up is cut off and resyncs from the
  database when it reconnects, so memory stays flat.

Events enter from write transactions of this process (after commit, from any thread) and, with
PostgreSQL, as `{meeting, seq}` notices from every process (`app.live.postgres`).

The live path reads the database on threads of its own (`Hub.run`), apart from the request
handlers' pool, and `stop` waits for those reads: none outlives the hub's database.

Every `session_check_seconds` the hub asks, in one query, which of its consoles' login sessions
are still live, and cuts off the consoles of those that are not (expired, idle, account disabled;
a logout cuts them off at once through `end_session`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable, Collection, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.db.engine import Database
from app.db.repositories import events as event_repo
from app.db.repositories.events import Event
from app.timezone import iso

log = logging.getLogger(__name__)
QUEUE_LIMIT = 1000
FETCH_LIMIT = 500
DATABASE_THREADS = 4
T = TypeVar("T")


def event_message(event: Event) -> dict[str, Any]:
    return {
        "type": "event",
        "meeting": event.meeting,
        "seq": event.seq,
        "kind": event.kind,
        "at": iso(event.at),
        "actor": event.actor,
        "data": event.data,
    }


@dataclass(frozen=True)
class Outgoing:
    seq: int
    text: str


@dataclass(eq=False)
class Subscriber:
    meeting: str
    session_id: int | None
    queue: asyncio.Queue[Outgoing] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    cut_off: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""

    def offer(self, item: Outgoing) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.close("too slow to keep up; reconnect to resync")

    def close(self, reason: str) -> None:
        if not self.cut_off.is_set():
            self.reason = reason
            self.cut_off.set()


@dataclass(eq=False)
class Channel:
    meeting: str
    forwarded: int  # the highest seq forwarded
    subscribers: set[Subscriber] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


LiveSessions = Callable[[Collection[int]], set[int]]


class Hub:
    def __init__(
        self,
        db: Database,
        *,
        live_sessions: LiveSessions | None = None,
        session_check_seconds: float = 10.0,
    ) -> None:
        self.db = db
        self.live_sessions = live_sessions
        self.session_check_seconds = session_check_seconds
        self.channels: dict[str, Channel] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._threads = self._new_threads()

    @staticmethod
    def _new_threads() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="vcwatch-live")

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` on the hub's database threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._threads, functools.partial(function, *args, **kwargs)
        )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.db.on_events = self.published
        if self.live_sessions is not None:
            self._spawn(self._watch_sessions(self.live_sessions))

    def stop(self) -> None:
        self.db.on_events = None
        for channel in self.channels.values():
            for subscriber in channel.subscribers:
                subscriber.close("server shutting down")
        for task in tuple(self._tasks):
            task.cancel()
        # A cancelled read goes on in its thread: wait for it, so that it gives its connection
        # back before the database is disposed. The hub can be started again afterwards.
        threads, self._threads = self._threads, self._new_threads()
        threads.shutdown(wait=True)

    async def subscribe(self, meeting: str, *, session_id: int | None) -> Subscriber:
        channel = self.channels.get(meeting)
        if channel is None:
            last = await self.run(self._last_seq, meeting)
            channel = self.channels.setdefault(meeting, Channel(meeting, forwarded=last))
        subscriber = Subscriber(meeting=meeting, session_id=session_id)
        channel.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        channel = self.channels.get(subscriber.meeting)
        if channel is None:
            return
        channel.subscribers.discard(subscriber)
        if not channel.subscribers:
            del self.channels[subscriber.meeting]

    def end_session(self, session_id: int) -> None:
        """Close every console of a session that has ended (logout, disabled account)."""
        for channel in self.channels.values():
            for subscriber in channel.subscribers:
                if subscriber.session_id == session_id:
                    subscriber.close("session ended")

    async def _watch_sessions(self, live_sessions: LiveSessions) -> None:
        while True:
            await asyncio.sleep(self.session_check_seconds)
            subscribers = [
                subscriber
                for channel in self.channels.values()
                for subscriber in channel.subscribers
                if subscriber.session_id is not None
            ]
            if not subscribers:
                continue
            try:
                live = await self.run(live_sessions, {s.session_id for s in subscribers})
            except Exception:  # the database is away: try again at the next check
                log.exception("checking the consoles' sessions failed")
                continue
            for subscriber in subscribers:
                if subscriber.session_id not in live:
                    subscriber.close("session ended")

    # -- entry points -------------------------------------------------------------------

    def published(self, events: list[Event]) -> None:
        """Called after a write transaction of this process committed (any thread)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._receive, events)

    def notified(self, meeting: str, seq: int) -> None:
        """A `{meeting, seq}` notice from the database (on the event loop)."""
        channel = self.channels.get(meeting)
        if channel is not None and seq > channel.forwarded:
            self._spawn(self._catch_up(channel))

    def resync_all(self) -> None:
        """After the notice stream may have missed something: fetch what is new everywhere."""
        for channel in list(self.channels.values()):
            self._spawn(self._catch_up(channel))

    # -- forwarding ---------------------------------------------------------------------

    def _receive(self, events: list[Event]) -> None:
        for event in events:
            channel = self.channels.get(event.meeting)
            if channel is None or event.seq <= channel.forwarded:
                continue
            if event.seq == channel.forwarded + 1 and not channel.lock.locked():
                self._forward(channel, [event])
            else:
                self._spawn(self._catch_up(channel))

    def _forward(self, channel: Channel, events: list[Event]) -> None:
        for event in events:
            if event.seq != channel.forwarded + 1:
                continue
            item = Outgoing(event.seq, json.dumps(event_message(event), ensure_ascii=False))
            channel.forwarded = event.seq
            for subscriber in tuple(channel.subscribers):
                subscriber.offer(item)

    async def _catch_up(self, channel: Channel) -> None:
        async with channel.lock:
            while True:
                events = await self.run(self.fetch, channel.meeting, channel.forwarded)
                self._forward(channel, events)
                if len(events) < FETCH_LIMIT:
                    return

    # -- database -----------------------------------------------------------------------

    def fetch(self, meeting: str, after: int, limit: int = FETCH_LIMIT) -> list[Event]:
        with self.db.read() as session:
            return event_repo.after(session, meeting_key=meeting, seq=after, limit=limit)

    def _last_seq(self, meeting: str) -> int:
        with self.db.read() as session:
            return event_repo.last_seq(session, meeting_key=meeting) or 0
