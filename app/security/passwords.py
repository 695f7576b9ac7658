"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
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


# Words that say nothing about who chose the password: the product, the demo, the roles.
CONTEXT_WORDS = frozenset(
    {
        "vcwatch",
        "vc",
        "watch",
        "demo",
        "admin",
        "administrator",
        "root",
        "controller",
        "county",
        "reviewer",
        "user",
        "password",
        "passwd",
        "video",
        "conference",
        "meeting",
        "test",
    }
)
MIN_DISTINCT = 5
# Look-alike digits and signs read as the letters they stand for ("p@ssw0rd").
_LEET = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_COMMON_TAILS = ("", "1", "12", "123", "1234", "12345")
_DECORATION = re.compile(r"[\W_\d]+$")  # trailing digits, years and punctuation
_WORDS = re.compile(r"[^\W\d_]+")


def normalised(password: str) -> str:
    """NFKC (full-width and other compatibility forms become plain), invisible format characters
    (zero-width spaces and joiners, bidi marks) removed."""
    folded = unicodedata.normalize("NFKC", password)
    return "".join(c for c in folded if unicodedata.category(c) not in ("Cf", "Cc"))


def _is_run(text: str) -> bool:
    """One character repeated, or a run with a constant step: aaaa, abcdefgh, 98765432."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return len(steps) <= 1 and steps <= {-1, 0, 1}


def _is_repetition(text: str) -> bool:
    """A short unit said again and again: abcabcabc, abababab."""
    return any(
        len(text) % size == 0 and text[:size] * (len(text) // size) == text
        for size in range(1, len(text) // 2 + 1)
    )


def _is_common(text: str) -> bool:
    """On the list as it is or read without its look-alike digits; a base shorter than the list's
    eight characters counts when the list holds it with the usual digits after it (qwerty123)."""
    common = common_passwords()
    return any(
        form + tail in common
        for form in (text, text.translate(_LEET))
        if form
        for tail in _COMMON_TAILS
    )


@dataclass(frozen=True)
class PasswordProblem:
    code: str  # password.too_short, password.too_long, password.few_characters, …
    message: str


def password_problem(password: str, *, username: str = "") -> PasswordProblem | None:
    """Why the password may not be used, or None when it is acceptable.

    It is judged as it reads once normalised (see `normalised`): full-width letters are their
    plain forms, invisible characters do not count. Refused: too short; too few distinct
    characters; a run or a repeated pattern; a common password, also with look-alike digits
    (p@ssw0rd) and with trailing digits, years and punctuation removed; nothing but the
    product's, demo's and roles' words and the username's parts."""
    text = normalised(password)
    lowered = text.lower()
    if len(text.strip()) < MIN_LENGTH:
        return PasswordProblem(
            "password.too_short", f"the password needs at least {MIN_LENGTH} visible characters"
        )
    if len(password) > MAX_LENGTH:
        return PasswordProblem(
            "password.too_long", f"the password may have at most {MAX_LENGTH} characters"
        )
    if len(set(lowered)) < MIN_DISTINCT:
        return PasswordProblem(
            "password.few_characters",
            f"the password needs at least {MIN_DISTINCT} different characters",
        )
    if _is_run(lowered) or _is_repetition(lowered):
        return PasswordProblem(
            "password.pattern", "the password is a run or a repeated pattern; choose another"
        )
    core = _DECORATION.sub("", lowered)
    if _is_common(lowered) or _is_common(core) or _is_common(core.translate(_LEET)):
        return PasswordProblem(
            "password.common", "this password is on the list of common passwords; choose another"
        )
    if username and lowered == username.lower():
        return PasswordProblem("password.username", "the password may not be the username")
    own_words = set(_WORDS.findall(username.lower())) | CONTEXT_WORDS
    if any(
        all(word in own_words for word in _WORDS.findall(form))
        for form in (lowered, lowered.translate(_LEET))
    ):
        return PasswordProblem(
            "password.guessable_words",
            "the password is made only of the product's, roles' or username's words and digits",
        )
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    return _hasher().verify(password, password_hash)
