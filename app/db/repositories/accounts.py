"""Accounts and their login sessions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.db.tables import Account, LoginSession, Unit


def by_username(session: Session, username: str) -> Account | None:
    return session.scalars(select(Account).where(col(Account.username) == username)).one_or_none()


def all_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(col(Account.username))))


def unit_of(session: Session, account: Account) -> Unit | None:
    return session.get(Unit, account.unit_id) if account.unit_id is not None else None


def enabled_admins(session: Session) -> int:
    """How many enabled admins there are, their rows locked until the transaction ends (on
    PostgreSQL; SQLite has one writer at a time): two admins demoting each other at once cannot
    both see the other one still there."""
    rows = session.scalars(
        select(col(Account.id))
        .where(col(Account.role) == "admin", col(Account.disabled).is_(False))
        .with_for_update()
    )
    return len(list(rows))


def end_sessions(session: Session, *, account_id: int, at: datetime) -> None:
    session.execute(
        update(LoginSession)
        .where(col(LoginSession.account_id) == account_id, col(LoginSession.ended_at).is_(None))
        .values(ended_at=at)
    )


def has_logged_in_from(session: Session, *, username: str, address: str) -> bool:
    """Whether the account has ever opened a session from the address."""
    found = session.scalar(
        select(col(LoginSession.id))
        .join(Account, col(LoginSession.account_id) == col(Account.id))
        .where(col(Account.username) == username, col(LoginSession.address) == address)
        .limit(1)
    )
    return found is not None


def session_by_token_hash(session: Session, token_hash: str) -> Any | None:
    """The session's plain columns and its account's: (id, csrf_token, expires_at, last_seen_at,
    ended_at, username, role, display_name, disabled, unit code)."""
    return session.execute(
        select(
            col(LoginSession.id),
            col(LoginSession.csrf_token),
            col(LoginSession.expires_at),
            col(LoginSession.last_seen_at),
            col(LoginSession.ended_at),
            col(Account.username),
            col(Account.role),
            col(Account.display_name),
            col(Account.disabled),
            col(Unit.code),
        )
        .join(Account, col(LoginSession.account_id) == col(Account.id))
        .outerjoin(Unit, col(Account.unit_id) == col(Unit.id))
        .where(col(LoginSession.token_hash) == token_hash)
    ).one_or_none()


def touch_session(session: Session, *, session_id: int, at: datetime) -> None:
    session.execute(
        update(LoginSession).where(col(LoginSession.id) == session_id).values(last_seen_at=at)
    )


def live_session_ids(
    session: Session, session_ids: Collection[int], *, now: datetime, idle_since: datetime
) -> set[int]:
    return set(
        session.scalars(
            select(col(LoginSession.id))
            .join(Account, col(LoginSession.account_id) == col(Account.id))
            .where(
                col(LoginSession.id).in_(session_ids),
                col(LoginSession.ended_at).is_(None),
                col(LoginSession.expires_at) > now,
                col(LoginSession.last_seen_at) > idle_since,
                col(Account.disabled).is_(False),
            )
        )
    )


def login_session(session: Session, session_id: int) -> LoginSession | None:
    return session.get(LoginSession, session_id)
