"""The notifier is chosen once from the database, and stops cleanly whatever it is doing."""

from __future__ import annotations

import asyncio

from app.db.engine import Database
from app.live.notifier import Poller, notifier_for
from app.live.postgres import Listener


class Notices:
    def __init__(self) -> None:
        self.resyncs = 0
        self.notices: list[tuple[str, int]] = []

    def notified(self, meeting: str, seq: int) -> None:
        self.notices.append((meeting, seq))

    def resync_all(self) -> None:
        self.resyncs += 1


def test_the_database_decides_the_notifier(db: Database) -> None:
    notifier = notifier_for(db)

    assert isinstance(notifier, Poller if db.is_sqlite else Listener)


def test_the_poller_asks_for_a_resync_each_interval_until_stopped() -> None:
    async def scenario() -> tuple[int, int]:
        notices = Notices()
        poller = Poller(interval=0.001)
        poller.start(notices)
        while notices.resyncs < 3:
            await asyncio.sleep(0.001)
        await poller.stop()
        stopped_at = notices.resyncs
        await asyncio.sleep(0.01)
        return stopped_at, notices.resyncs

    stopped_at, later = asyncio.run(asyncio.wait_for(scenario(), 30))

    assert stopped_at >= 3
    assert later == stopped_at


def test_a_notifier_never_started_stops_at_once(db: Database) -> None:
    asyncio.run(notifier_for(db).stop())


def test_the_listener_passes_well_formed_notices_and_ignores_the_rest() -> None:
    notices = Notices()

    for payload in ['{"meeting": "m05", "seq": 7}', "not json", '{"meeting": "m05"}', "[]"]:
        Listener._dispatch(notices, payload)

    assert notices.notices == [("m05", 7)]
