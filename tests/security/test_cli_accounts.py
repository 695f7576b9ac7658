"""Accounts made on the command line: the password comes from stdin, the policy applies, and the
demo accounts it prints log in."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.settings import get_settings

from .support import load_worked_example

PASSWORD = "county-Desk-7391"


@pytest.fixture
def vcwatch(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Any]:
    """Runs `vcwatch …` in this process on the test database, with `stdin` as its input."""
    monkeypatch.setenv("VCWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("VCWATCH_ENVIRONMENT", "test")
    get_settings.cache_clear()

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    get_settings.cache_clear()


@pytest.fixture
def with_units(client: TestClient) -> None:
    client.post("/api/records", json=load_worked_example()).raise_for_status()


def log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/session", json={"username": username, "password": password})


@pytest.mark.usefixtures("with_units")
def test_create_user_reads_the_password_from_stdin_and_the_account_logs_in(
    vcwatch: Any, anonymous: TestClient
) -> None:
    code, out, err = vcwatch(
        "create-user", "yongan-it", "--role", "county_it", "--unit", "350402",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err
    assert PASSWORD not in out + err
    response = log_in(anonymous, "yongan-it", PASSWORD)
    assert response.status_code == 201, response.text
    account = response.json()["account"]
    assert (account["role"], account["unit"]) == ("county_it", "350402")
    assert anonymous.get("/api/incidents", params={"unit": "350403"}).json()["total"] == 0


@pytest.mark.usefixtures("with_units")
@pytest.mark.parametrize(
    "password", ["short", "password123", "qwertyuiop", "yongan-it", ""], ids=repr
)
def test_create_user_refuses_a_weak_password(
    vcwatch: Any, anonymous: TestClient, password: str
) -> None:
    code, _, err = vcwatch(
        "create-user", "yongan-it", "--role", "county_it", "--unit", "350402",
        stdin=f"{password}\n",
    )  # fmt: skip
    assert code != 0
    assert "password" in err
    assert log_in(anonymous, "yongan-it", password or "x").status_code == 401


@pytest.mark.usefixtures("with_units")
def test_create_user_refuses_a_county_account_without_its_unit(vcwatch: Any) -> None:
    code, _, err = vcwatch("create-user", "nobody-it", "--role", "county_it", stdin=PASSWORD)
    assert code != 0
    assert "unit" in err


DEMO_LINE = re.compile(r"^\s+(\S+)\s+(demo-\S+)\s+(admin|controller|county_it|reviewer)\b")


def test_demo_prints_one_account_per_role_that_logs_in(vcwatch: Any, anonymous: TestClient) -> None:
    code, out, err = vcwatch("demo")
    assert code == 0, err
    accounts = [m.groups() for line in out.splitlines() if (m := DEMO_LINE.match(line))]
    assert sorted(role for _, _, role in accounts) == [
        "admin",
        "controller",
        "county_it",
        "reviewer",
    ]
    for username, password, role in accounts:
        response = log_in(anonymous, username, password)
        assert response.status_code == 201, response.text
        assert response.json()["account"]["role"] == role
