"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.settings import Settings, get_settings

MIN_LENGTH = 8
MAX_LENGTH = 128


def hasher_for(settings: Settings) -> PasswordHash:
    """argon2id at pwdlib's standard cost; at its smallest only for a test suite's settings.
    Verifying reads the cost from the stored hash, so either verifies the other's hashes."""
    if settings.minimal_password_hashing:
        return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return hasher_for(get_settings())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this keeps an unknown username as slow as a wrong password."""
    return _hasher().hash("vcwatch-dummy-password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = (resources.files("app.security") / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why the password may not be used, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"the password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"the password may have at most {MAX_LENGTH} characters"
    if password.lower() in common_passwords():
        return "this password is on the list of common passwords; choose another"
    if username and password.lower() == username.lower():
        return "the password may not be the username"
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    return _hasher().verify(password, password_hash)
