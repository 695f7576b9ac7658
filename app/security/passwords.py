"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHash((Argon2Hasher(),))
# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("vcwatch-dummy-password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = (resources.files("app.security") / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class PasswordProblem(NamedTuple):
    """Why a password may not be used: a stable code for the pages and an English sentence."""

    code: str
    message: str


def password_problem(password: str, *, username: str = "") -> PasswordProblem | None:
    """Why the password may not be used, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem(
            "password.too_short", f"the password needs at least {MIN_LENGTH} characters"
        )
    if len(password) > MAX_LENGTH:
        return PasswordProblem(
            "password.too_long", f"the password may have at most {MAX_LENGTH} characters"
        )
    if password.lower() in common_passwords():
        return PasswordProblem(
            "password.common", "this password is on the list of common passwords; choose another"
        )
    if username and password.lower() == username.lower():
        return PasswordProblem("password.is_username", "the password may not be the username")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)
