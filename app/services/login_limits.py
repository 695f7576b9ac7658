"""The login limit: it blocks the source of guesses, never an account for its owner.

Every attempt is counted in the database *before* its password is checked (one atomic
increment), so parallel guesses cannot slip past the limit while the hash is being computed.
Three counters, each over a fixed window of `login_window_minutes`:

* an address trying one account: blocked for that account after `login_failures_per_account`;
* an address: blocked for every account after `login_failures_per_address`;
* an account from everywhere: after `login_failures_per_account_everywhere` (guesses spread over
  many addresses), only addresses the account has logged in from before may still try.

A correct password from an address that is not blocked always logs in: an attacker can block
only their own addresses, not the account's owner. A successful login clears its address's
counter for the account and gives its attempt back to the address and to the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from app.db.repositories import accounts as account_repo
from app.db.repositories import login_limits as limit_repo
from app.services.errors import ServiceError
from app.settings import Settings


class TooManyAttempts(ServiceError):
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, field="username", code="login.too_many_attempts")
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Keys:
    address: str
    pair: str
    account: str

    @classmethod
    def of(cls, *, username: str, address: str) -> Keys:
        return cls(
            address=f"address:{address}",
            pair=f"pair:{username}@{address}",
            account=f"account:{username}",
        )


def _retry_after(started: datetime, *, window: timedelta, now: datetime) -> int:
    return max(1, int((started + window - now).total_seconds()) + 1)


def claim_attempt(
    session: Session, *, settings: Settings, username: str, address: str, now: datetime
) -> None:
    """Count one login attempt; raise TooManyAttempts if its source is blocked."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    keys = Keys.of(username=username, address=address)
    for key, limit in (
        (keys.address, settings.login_failures_per_address),
        (keys.pair, settings.login_failures_per_account),
    ):
        attempts, started = limit_repo.count_attempt(session, key=key, now=now, window_since=since)
        if attempts > limit:
            raise TooManyAttempts(
                "too many failed logins from this address; wait before trying again",
                retry_after=_retry_after(started, window=window, now=now),
            )
    attempts, started = limit_repo.count_attempt(
        session, key=keys.account, now=now, window_since=since
    )
    if attempts > settings.login_failures_per_account_everywhere and not (
        account_repo.has_logged_in_from(session, username=username, address=address)
    ):
        limit_repo.refund(session, key=keys.account)  # refused before any guess was checked
        raise TooManyAttempts(
            "this account is under attack; log in from an address you have used before",
            retry_after=_retry_after(started, window=window, now=now),
        )


def succeeded(session: Session, *, username: str, address: str) -> None:
    keys = Keys.of(username=username, address=address)
    limit_repo.forget(session, key=keys.pair)
    limit_repo.refund(session, key=keys.address)
    limit_repo.refund(session, key=keys.account)
