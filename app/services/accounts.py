"""Accounts, login sessions and the login rate limit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from app.db.engine import Database
from app.db.repositories import accounts as account_repo
from app.db.tables import Account, LoginSession, Unit
from app.roles import ADMIN, COUNTY_IT
from app.schemas.public import AccountPublic
from app.security.passwords import hash_password, password_problem, verify_password
from app.services import audit, login_limits
from app.services.context import Actor, utc_now
from app.services.errors import Conflict, Invalid, NotFound, ServiceError
from app.services.units import require_unit
from app.settings import Settings

SESSION_TOUCH_SECONDS = 60


class LoginRefused(ServiceError):
    status = 401


@dataclass(frozen=True)
class OpenSession:
    token: str
    csrf_token: str
    actor: Actor
    expires_at: datetime


def token_hash(token: str, *, secret: str) -> str:
    """What the database keeps of a session token: a keyed hash, useless without the secret."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def _unit(session: Session, account: Account) -> Unit | None:
    return account_repo.unit_of(session, account)


def public(session: Session, account: Account) -> AccountPublic:
    unit = _unit(session, account)
    return AccountPublic(
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        unit=unit.code if unit else None,
        unit_name=unit.name if unit else None,
        disabled=account.disabled,
    )


def actor_of(session: Session, account: Account, *, address: str | None) -> Actor:
    unit = _unit(session, account)
    return Actor(
        username=account.username,
        role=account.role,
        unit_code=unit.code if unit else None,
        address=address,
        display_name=account.display_name,
    )


def _check_role_unit(session: Session, role: str, unit_code: str | None) -> int | None:
    if role == COUNTY_IT:
        if unit_code is None:
            raise Invalid(
                "a county_it account needs its unit", field="unit", code="account.unit_required"
            )
        return require_unit(session, unit_code).id
    if unit_code is not None:
        raise Invalid(
            f"a {role} account is not bound to a unit",
            field="unit",
            code="account.unit_not_allowed",
        )
    return None


def require_account(session: Session, username: str) -> Account:
    account = account_repo.by_username(session, username)
    if account is None:
        raise NotFound(f"no account {username!r}", field="username", code="account.not_found")
    return account


def create_account(
    db: Database,
    *,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    unit_code: str | None,
    password: str,
) -> AccountPublic:
    problem = password_problem(password, username=username)
    if problem:
        raise Invalid(problem.message, field="password", code=problem.code)
    password_hash = hash_password(password)
    with db.write() as tx:
        if account_repo.by_username(tx.session, username) is not None:
            raise Conflict(
                f"account {username!r} already exists", field="username", code="account.exists"
            )
        now = utc_now()
        account = Account(
            username=username,
            display_name=display_name,
            role=role,
            unit_id=_check_role_unit(tx.session, role, unit_code),
            password_hash=password_hash,
            created_at=now,
            updated_at=now,
        )
        tx.session.add(account)
        tx.session.flush()
        result = public(tx.session, account)
        audit.record(
            tx.session,
            actor=actor,
            action="account.created",
            entity="account",
            entity_key=username,
            after=result.model_dump(),
        )
        return result


def _end_sessions(session: Session, account: Account, *, at: datetime) -> None:
    assert account.id is not None
    account_repo.end_sessions(session, account_id=account.id, at=at)


def _keep_an_admin(session: Session, *, field: str) -> None:
    """Refuse a change that would leave no enabled admin to manage the accounts."""
    if account_repo.enabled_admins(session) <= 1:
        raise Conflict(
            "the last enabled admin cannot lose the role", field=field, code="account.last_admin"
        )


def update_account(
    db: Database,
    *,
    actor: Actor,
    username: str,
    display_name: str | None = None,
    role: str | None = None,
    unit_code: str | None = None,
    disabled: bool | None = None,
) -> AccountPublic:
    with db.write() as tx:
        account = require_account(tx.session, username)
        before = public(tx.session, account)
        new_role = role or account.role
        # A role change names its unit afresh; otherwise the unit stays unless a new one is given.
        new_unit = unit_code if (role is not None or unit_code is not None) else before.unit
        if disabled is True and username == actor.username:
            raise Invalid(
                "an admin cannot disable their own account",
                field="disabled",
                code="account.self_disable",
            )
        losing_admin = before.role == ADMIN and not before.disabled
        if losing_admin and (new_role != ADMIN or disabled is True):
            _keep_an_admin(tx.session, field="role" if new_role != ADMIN else "disabled")
        account.unit_id = _check_role_unit(tx.session, new_role, new_unit)
        account.role = new_role
        if display_name is not None:
            account.display_name = display_name
        now = utc_now()
        if disabled is not None:
            account.disabled = disabled
        if account.disabled or account.role != before.role or before.unit != new_unit:
            _end_sessions(tx.session, account, at=now)
        account.updated_at = now
        after = public(tx.session, account)
        audit.record(
            tx.session,
            actor=actor,
            action="account.updated",
            entity="account",
            entity_key=username,
            before=before.model_dump(),
            after=after.model_dump(),
        )
        return after


def set_password(db: Database, *, actor: Actor, username: str, password: str) -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise Invalid(problem.message, field="password", code=problem.code)
    password_hash = hash_password(password)
    with db.write() as tx:
        account = require_account(tx.session, username)
        account.password_hash = password_hash
        account.updated_at = utc_now()
        _end_sessions(tx.session, account, at=account.updated_at)
        audit.record(
            tx.session,
            actor=actor,
            action="account.password_set",
            entity="account",
            entity_key=username,
        )


def list_accounts(db: Database) -> list[AccountPublic]:
    with db.read() as session:
        return [public(session, a) for a in account_repo.all_accounts(session)]


def login(
    db: Database, *, settings: Settings, username: str, password: str, address: str
) -> OpenSession:
    """Open a session for a correct password; every outcome is audited.

    The attempt is counted before the password is checked (see `login_limits`)."""
    now = utc_now()
    with db.write() as tx:
        login_limits.claim_attempt(
            tx.session, settings=settings, username=username, address=address, now=now
        )
    with db.read() as session:
        account = account_repo.by_username(session, username)
    ok = verify_password(password, account.password_hash if account else None)
    visitor = Actor(username=username, role="anonymous", address=address)
    if not ok or account is None or account.disabled:
        with db.write() as tx:
            audit.record(
                tx.session,
                actor=visitor,
                action="session.login_failed",
                entity="session",
                entity_key=username,
                after={
                    "reason": "disabled"
                    if ok and account and account.disabled
                    else "wrong password or unknown account"
                },
            )
        raise LoginRefused(
            "wrong username or password", field="password", code="login.bad_credentials"
        )
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.session_absolute_hours)
    with db.write() as tx:
        account = require_account(tx.session, username)
        assert account.id is not None
        login_limits.succeeded(tx.session, username=username, address=address)
        tx.session.add(
            LoginSession(
                token_hash=token_hash(token, secret=settings.secret_key),
                csrf_token=csrf_token,
                account_id=account.id,
                address=address,
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
            )
        )
        actor = actor_of(tx.session, account, address=address)
        audit.record(
            tx.session, actor=actor, action="session.login", entity="session", entity_key=username
        )
    return OpenSession(token=token, csrf_token=csrf_token, actor=actor, expires_at=expires_at)


@dataclass(frozen=True)
class ResolvedSession:
    session_id: int
    csrf_token: str
    expires_at: datetime
    actor: Actor


def resolve(
    db: Database, *, settings: Settings, token: str, address: str | None
) -> ResolvedSession | None:
    """The live session of a token, touched; None when unknown, ended, idle or expired.

    It runs before every request: one query, of plain columns."""
    now = utc_now()
    with db.read() as session:
        row = account_repo.session_by_token_hash(
            session, token_hash(token, secret=settings.secret_key)
        )
    if row is None:
        return None
    session_id, csrf_token, expires_at, last_seen_at, ended_at = row[:5]
    username, role, display_name, disabled, unit_code = row[5:]
    idle = timedelta(minutes=settings.session_idle_minutes)
    if ended_at is not None or disabled or expires_at <= now or last_seen_at + idle <= now:
        return None
    if (now - last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        with db.write() as tx:
            account_repo.touch_session(tx.session, session_id=session_id, at=now)
    actor = Actor(
        username=username,
        role=role,
        unit_code=unit_code,
        address=address,
        display_name=display_name,
    )
    return ResolvedSession(session_id, csrf_token, expires_at, actor)


def live_sessions(db: Database, session_ids: Collection[int], *, settings: Settings) -> set[int]:
    """Those of the sessions that are still live (not ended, expired or idle; account enabled)."""
    if not session_ids:
        return set()
    now = utc_now()
    idle_since = now - timedelta(minutes=settings.session_idle_minutes)
    with db.read() as session:
        return account_repo.live_session_ids(session, session_ids, now=now, idle_since=idle_since)


def logout(db: Database, *, actor: Actor, session_id: int) -> None:
    with db.write() as tx:
        login_session = account_repo.login_session(tx.session, session_id)
        if login_session is not None and login_session.ended_at is None:
            login_session.ended_at = utc_now()
        audit.record(
            tx.session,
            actor=actor,
            action="session.logout",
            entity="session",
            entity_key=actor.username,
        )
