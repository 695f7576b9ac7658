"""Passwords are hashed at argon2id's standard cost; only a test suite's settings may lower it,
so that thousands of test logins stay cheap while no setting can weaken production."""

from __future__ import annotations

import re

import pytest

from app.security.passwords import hash_password, hasher_for, verify_password
from app.settings import Settings

SECRET = "k3Jx9v0QmZ2rT8wYp4LsN6bD1hF7cG5a"
ORIGINS = ["https://vcwatch.example.gov.cn"]
# OWASP's least argon2id cost: 19 MiB of memory and two passes.
LEAST_MEMORY_KIB, LEAST_PASSES = 19 * 1024, 2


def cost(password_hash: str) -> tuple[int, int]:
    """(memory in KiB, passes) of an argon2id hash."""
    found = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$", password_hash)
    assert found is not None, password_hash
    return int(found[1]), int(found[2])


@pytest.mark.parametrize(
    "settings",
    [
        Settings(environment="production", secret_key=SECRET, allowed_origins=ORIGINS),
        Settings(
            environment="production",
            secret_key=SECRET,
            allowed_origins=ORIGINS,
            password_hash_cost="minimal",
        ),
        Settings(environment="development", password_hash_cost="minimal"),
        Settings(environment="test", password_hash_cost="standard"),
    ],
    ids=["production", "production asking for minimal", "development asking for minimal", "test"],
)
def test_hashes_have_at_least_the_standard_cost(settings: Settings) -> None:
    memory, passes = cost(hasher_for(settings).hash("a-Long-enough-secret"))

    assert memory >= LEAST_MEMORY_KIB
    assert passes >= LEAST_PASSES


def test_a_test_suite_may_ask_for_the_minimal_cost() -> None:
    settings = Settings(environment="test", password_hash_cost="minimal")

    assert cost(hasher_for(settings).hash("a-Long-enough-secret")) == (1024, 1)


def test_this_suite_hashes_at_the_minimal_cost_and_verifies_either() -> None:
    cheap = hash_password("a-Long-enough-secret")
    strong = hasher_for(
        Settings(environment="production", secret_key=SECRET, allowed_origins=ORIGINS)
    ).hash("a-Long-enough-secret")

    assert cost(cheap) == (1024, 1)
    assert verify_password("a-Long-enough-secret", cheap)
    assert verify_password("a-Long-enough-secret", strong)
    assert not verify_password("another-secret", strong)
