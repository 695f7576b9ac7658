"""Which reports of a source's signal status are real changes.

Invariant (pure: no clock, no database — time comes in as an argument): a source that fails is
`offline` at its first failure, and every further failure while offline is counted in that one
period instead of starting a new one; it is `online` again only once it has stayed up for
`settle_seconds` (samples keep arriving), so a feed that comes back for a moment and fails again
— a stream cycling every few seconds — stays one offline period with a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Change = Literal["open", "failure"]


@dataclass(frozen=True, slots=True)
class StatusDecision:
    change: Change
    """`open`: a new period of `status` begins (a real change, audited); `failure`: one more
    failure within the current offline period."""
    status: str


class StatusDebounce:
    def __init__(self, *, settle_seconds: float = 30.0, confirmed: str | None = None) -> None:
        self.settle_seconds = settle_seconds
        self.confirmed = confirmed
        self._up_since: float | None = None

    def report(self, status: str, *, at: float) -> StatusDecision | None:
        """A status the source reported (`online`, `offline`; others are ignored)."""
        if status == "offline":
            self._up_since = None
            if self.confirmed == "offline":
                return StatusDecision("failure", "offline")
            self.confirmed = "offline"
            return StatusDecision("open", "offline")
        if status != "online":
            return None
        if self.confirmed in (None, "unknown"):
            self.confirmed = "online"
            return StatusDecision("open", "online")
        if self.confirmed == "offline" and self._up_since is None:
            self._up_since = at
        return self.alive(at=at)

    def alive(self, *, at: float) -> StatusDecision | None:
        """A sample arrived at `at`: an offline source that has stayed up long enough is back."""
        if (
            self.confirmed == "offline"
            and self._up_since is not None
            and at - self._up_since >= self.settle_seconds
        ):
            self.confirmed = "online"
            self._up_since = None
            return StatusDecision("open", "online")
        return None
