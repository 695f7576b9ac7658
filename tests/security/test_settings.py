"""Production refuses to start with a guessable secret or without an origin allow-list."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import DEFAULT_SECRET, Settings

SECRET = "k3Jx9v0QmZ2rT8wYp4LsN6bD1hF7cG5a"
ORIGINS = ["https://vcwatch.example.gov.cn"]


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VCWATCH_SECRET_KEY", "VCWATCH_ALLOWED_ORIGINS", "VCWATCH_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("secret", "origins", "named"),
    [
        (DEFAULT_SECRET, ORIGINS, "SECRET_KEY"),
        ("short-secret", ORIGINS, "SECRET_KEY"),
        ("", ORIGINS, "SECRET_KEY"),
        (SECRET, [], "ALLOWED_ORIGINS"),
    ],
    ids=["default secret", "short secret", "empty secret", "no origins"],
)
def test_production_refuses_unsafe_settings(secret: str, origins: list[str], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        Settings(environment="production", secret_key=secret, allowed_origins=origins)


def test_production_refuses_the_default_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VCWATCH_ENVIRONMENT", "production")
    monkeypatch.setenv("VCWATCH_ALLOWED_ORIGINS", '["https://vcwatch.example.gov.cn"]')
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()


@pytest.mark.parametrize("environment", ["staging", "prod", "Production", "demo"])
def test_every_environment_but_development_and_test_refuses_the_default_secret(
    environment: str,
) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment=environment, allowed_origins=ORIGINS)


@pytest.mark.parametrize("secret", ["short-secret-TAIL9Q", "x" * 20 + "TAIL9Q"])
def test_a_refused_secret_is_never_printed(secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCWATCH_SECRET_KEY", secret)
    with pytest.raises(ValidationError) as refused:
        Settings(environment="production", allowed_origins=ORIGINS)
    shown = str(refused.value) + repr(refused.value)
    for size in range(3, len(secret) + 1):
        assert secret[-size:] not in shown
        assert secret[:size] not in shown


def test_production_starts_with_a_real_secret_and_origins() -> None:
    settings = Settings(environment="production", secret_key=SECRET, allowed_origins=ORIGINS)
    assert settings.secret_key == SECRET


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_tests_run_with_the_defaults(environment: str) -> None:
    assert Settings(environment=environment).secret_key == DEFAULT_SECRET
