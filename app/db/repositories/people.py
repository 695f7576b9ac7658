"""Who is who: the display names of accounts, for pages and exports that show people by name."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session, col

from app.db.tables import Account


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({name for name in usernames if name})
    if not wanted:
        return {}
    rows = session.execute(
        select(col(Account.username), col(Account.display_name)).where(
            col(Account.username).in_(wanted)
        )
    )
    return {username: display_name or username for username, display_name in rows}


def all_people(session: Session) -> list[tuple[str, str]]:
    """(username, display name) of every account, by display name."""
    rows = session.execute(
        select(col(Account.username), col(Account.display_name)).order_by(
            col(Account.display_name), col(Account.username)
        )
    )
    return [(username, display_name or username) for username, display_name in rows]
