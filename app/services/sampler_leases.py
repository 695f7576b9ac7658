"""Samplers that share a province: each `vcwatch sampler` follows the venues it holds a lease
on, renewed by a heartbeat; a venue whose sampler stopped beating is taken over.

Invariants: a venue is followed by at most one sampler — the lease row is the only grant, taken
under `FOR UPDATE SKIP LOCKED` (see `repositories.leases`), and a sampler follows only what its
last heartbeat confirmed it still holds; a lease expires `lease_seconds` after its last
heartbeat, so with a heartbeat every `heartbeat_seconds` a dead sampler's venues are taken over
within `lease_seconds + heartbeat_seconds`. Each sampler takes at most its fair share (the
venues divided by the live samplers that want venues, rounded up), so the venues spread over
the samplers.
"""

from __future__ import annotations

import math
import os
import socket
import uuid
from collections.abc import Collection
from datetime import timedelta

from app.db.engine import Database
from app.db.repositories import leases as lease_repo
from app.db.repositories import units as unit_repo
from app.services.context import utc_now


def default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:4]}"


class LeaseKeeper:
    def __init__(self, db: Database, *, name: str = "", lease_seconds: float = 15.0) -> None:
        self.db = db
        self.name = name or default_name()
        self.lease_seconds = lease_seconds
        self._shedding: set[int] = set()

    def beat(self, wanted: Collection[str]) -> set[str]:
        """Renew this sampler's leases, give up venues no longer wanted, take up its share of
        the free or expired ones; returns the unit codes it holds now."""
        now = utc_now()
        stale = now - timedelta(seconds=self.lease_seconds)
        with self.db.write() as tx:
            session = tx.session
            ids = unit_repo.ids_by_code(session)
            codes = {unit_id: code for code, unit_id in ids.items()}
            wanted_ids = {ids[code] for code in wanted if code in ids}
            # Only a sampler that wants venues shares them: one with nothing to follow (sampling
            # switched off, no source set) would hold the others to a share that leaves some
            # venues unfollowed.
            if wanted_ids:
                lease_repo.beat(session, sampler=self.name, now=now)
            else:
                lease_repo.forget(session, sampler=self.name)
            lease_repo.ensure(session, unit_ids=wanted_ids)
            # Venues given up at the last heartbeat are no longer followed: their leases go now.
            lease_repo.release(session, sampler=self.name, unit_ids=self._shedding)
            held = set(lease_repo.renew(session, sampler=self.name, now=now))
            live = lease_repo.live_samplers(session, fresh_after=stale) | {self.name}
            share = math.ceil(len(wanted_ids) / len(live)) if wanted_ids else 0
            # Venues no longer wanted, and more than the fair share (a sampler that joined later
            # takes them up), are given up in two steps: not followed from now on, their lease
            # released at the next heartbeat — never released while still followed.
            kept = sorted(held & wanted_ids)
            shedding = (held - wanted_ids) | set(kept[share:])
            held -= shedding
            held |= set(
                lease_repo.claim(
                    session,
                    sampler=self.name,
                    now=now,
                    stale_before=stale,
                    unit_ids=wanted_ids - held - shedding,
                    limit=share - len(held),
                )
            )
        self._shedding = shedding
        return {codes[unit_id] for unit_id in held}

    def release(self) -> None:
        """Give every lease up (a clean stop: the others take the venues over at once)."""
        with self.db.write() as tx:
            lease_repo.release(tx.session, sampler=self.name)
            lease_repo.forget(tx.session, sampler=self.name)
