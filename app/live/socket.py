"""The WebSocket of a meeting: `/ws/meetings/{key}?after=N`.

Invariant: a console receives every event after N exactly once and in order — it subscribes
first, then replays from the database, then streams, dropping what it already sent and filling
any hole from the database.

Server → console messages (JSON text):
  {"type": "event", "meeting", "seq", "kind", "at", "actor", "data"}   one stored event
  {"type": "ready", "seq": N}          replay done; live from here
  {"type": "heartbeat", "seq": N}      after seconds without an event; N is the last seq sent
  {"type": "pong"}                     answer to {"type": "ping"}
  {"type": "error", "msg": ...}        a refused message
Console → server: {"type": "ping"} only; larger or more frequent messages close the socket.
Close codes: 1008 policy (not logged in as a controller, admin or reviewer; session ended; a
message too large, too frequent or not text), 4404 unknown meeting, 4408 too slow to keep up
(reconnect with after=last seq seen), 1011 server error (reconnect). A foreign Origin is refused
in the handshake itself (HTTP 403).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from app.db.engine import Database
from app.live.hub import FETCH_LIMIT, Hub, Subscriber, event_message
from app.roles import ADMIN, CONTROLLER, REVIEWER
from app.services.meetings import meeting_exists
from app.settings import Settings
from app.web.connection import resolve_connection

router = APIRouter()
# County staff follow their own unit through the pages; the live console is for the province.
LIVE_ROLES = frozenset({ADMIN, CONTROLLER, REVIEWER})
HEARTBEAT_SECONDS = 10.0
POLICY_VIOLATION = 1008
UNKNOWN_MEETING = 4404
TOO_SLOW = 4408
INTERNAL_ERROR = 1011
# A seq the database can hold and compare (a larger `after` is refused in the handshake).
MAX_SEQ = 2**53
log = logging.getLogger(__name__)


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return False
    if settings.allowed_origins:
        return origin in settings.allowed_origins
    # Development without an allow-list: only the page's own origin.
    host = websocket.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


class Console:
    def __init__(self, websocket: WebSocket, hub: Hub, subscriber: Subscriber, settings: Settings):
        self.websocket = websocket
        self.hub = hub
        self.subscriber = subscriber
        self.settings = settings
        self.sent = 0
        self.last_sent_at = time.monotonic()

    async def send(self, text: str) -> None:
        """An event, `ready` or a heartbeat (what the heartbeat interval counts from)."""
        await self.websocket.send_text(text)
        self.last_sent_at = time.monotonic()

    async def send_events_after(self, seq: int, upto: int | None = None) -> None:
        while True:
            events = await self.hub.run(self.hub.fetch, self.subscriber.meeting, seq)
            for event in events:
                if upto is not None and event.seq > upto:
                    return
                await self.send(json.dumps(event_message(event), ensure_ascii=False))
                self.sent = seq = event.seq
            if len(events) < FETCH_LIMIT:
                return

    async def stream(self) -> None:
        # One wake-up per event and console: the heartbeat has a task of its own rather than a
        # timeout on every wait here.
        queue = self.subscriber.queue
        while True:
            item = await queue.get()
            if item.seq <= self.sent:
                continue
            if item.seq > self.sent + 1:
                await self.send_events_after(self.sent, upto=item.seq - 1)
            await self.send(item.text)
            self.sent = item.seq

    async def beat(self) -> None:
        """A heartbeat after HEARTBEAT_SECONDS without an event: a quiet meeting is not a dead
        socket, and the console checks the seq it carries."""
        while True:
            idle = time.monotonic() - self.last_sent_at
            if idle >= HEARTBEAT_SECONDS:
                await self.send(json.dumps({"type": "heartbeat", "seq": self.sent}))
                idle = 0.0
            await asyncio.sleep(HEARTBEAT_SECONDS - idle)

    async def listen(self) -> None:
        """Answer pings; a message too large, too frequent or not text ends the socket."""
        window_start, count = time.monotonic(), 0
        limit = self.settings.ws_messages_per_second
        while True:
            received = await self.websocket.receive()
            if received["type"] == "websocket.disconnect":
                return
            message = received.get("text")
            now = time.monotonic()
            if now - window_start >= 1.0:
                window_start, count = now, 0
            count += 1
            if count > limit:
                self.subscriber.close("too many messages")
                return
            if message is None:
                self.subscriber.close("text messages only")
                return
            if len(message.encode()) > self.settings.ws_max_message_bytes:
                self.subscriber.close("message too large")
                return
            try:
                kind = json.loads(message).get("type")
            except (ValueError, AttributeError):
                kind = None
            except RecursionError:
                # Nesting deeper than the parser goes is no console's message: end the socket.
                self.subscriber.close("message not understood")
                return
            if kind == "ping":
                await self.websocket.send_text('{"type": "pong"}')
            else:
                await self.websocket.send_text(
                    json.dumps({"type": "error", "msg": 'only {"type": "ping"} is accepted'})
                )


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close: a browser sees a close code only on an open socket, and the console
    needs it to tell "log in again" (1008) from "no such meeting" (4404)."""
    await websocket.accept()
    await websocket.close(code=code, reason=reason)


def settle(task: asyncio.Task[object]) -> BaseException | None:
    """A finished task's error, retrieved (a client that went away is no error)."""
    if task.cancelled():
        return None
    error = task.exception()
    if isinstance(error, WebSocketDisconnect):
        return None
    if error is not None:
        log.error("meeting socket failed", exc_info=error)
    return error


@router.websocket("/ws/meetings/{key}")
async def meeting_socket(
    websocket: WebSocket, key: str, after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0
) -> None:
    settings: Settings = websocket.app.state.settings
    hub: Hub = websocket.app.state.hub
    if not origin_allowed(websocket, settings):
        # Refused in the handshake: a page of another site learns nothing.
        await websocket.close(code=POLICY_VIOLATION, reason="origin not allowed")
        return
    resolved = await resolve_connection(websocket)
    if resolved is None or resolved.actor.role not in LIVE_ROLES:
        await refuse(websocket, POLICY_VIOLATION, "log in as a controller")
        return
    db: Database = websocket.app.state.db
    if not await hub.run(meeting_exists, db, key=key):
        await refuse(websocket, UNKNOWN_MEETING, "unknown meeting")
        return
    await websocket.accept()
    subscriber = await hub.subscribe(key, session_id=resolved.session_id)
    console = Console(websocket, hub, subscriber, settings)
    tasks: list[asyncio.Task[object]] = []
    try:
        await console.send_events_after(after)
        console.sent = max(console.sent, after)
        await console.send(json.dumps({"type": "ready", "seq": console.sent}))
        tasks = [
            asyncio.ensure_future(console.stream()),
            asyncio.ensure_future(console.beat()),
            asyncio.ensure_future(console.listen()),
            asyncio.ensure_future(subscriber.cut_off.wait()),
        ]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        failed = [error for error in map(settle, done) if error is not None]
        if subscriber.cut_off.is_set():
            code = TOO_SLOW if subscriber.reason.startswith("too slow") else POLICY_VIOLATION
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(code=code, reason=subscriber.reason)
        elif failed:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(code=INTERNAL_ERROR, reason="server error; reconnect")
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
        hub.unsubscribe(subscriber)
