"""Fixtures: every test gets an empty database made by `alembic upgrade head`.

The backend is chosen by VCWATCH_TEST_DATABASE: `sqlite` (default) or `postgresql` (a database
of its own per test run on the server at VCWATCH_TEST_POSTGRES, default 127.0.0.1:5432).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.db.engine import Database
from app.db.migrate import upgrade_to_head
from app.db.repositories import units as unit_repo
from app.db.tables import Account
from app.main import create_app
from app.security.passwords import hash_password
from app.settings import Settings

BACKEND = os.environ.get("VCWATCH_TEST_DATABASE", "sqlite")
POSTGRES_SERVER = os.environ.get(
    "VCWATCH_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for the session: a SQLite file, or a PostgreSQL database."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        db = Database(f"sqlite:///{path}")
        upgrade_to_head(db.engine)
        db.dispose()
        yield str(path)
        return
    with postgres_database("vcwatch_test") as url:
        db = Database(url)
        upgrade_to_head(db.engine)
        db.dispose()
        yield url


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database of its own, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def blank_database_url(tmp_path: Path) -> Iterator[str]:
    """A new database without any schema, for tests that make and unmake the schema."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    with postgres_database("vcwatch_blank") as url:
        yield url


def _empty_postgres(db: Database) -> None:
    with db.engine.begin() as connection:
        tables = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{t}"' for t in tables)
        if names:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if BACKEND == "sqlite":
        path = tmp_path / "vcwatch.sqlite3"
        shutil.copyfile(database_template, path)
        return f"sqlite:///{path}"
    return database_template


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    if not database.is_sqlite:
        _empty_postgres(database)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "data", database_url=database_url)


TEST_PASSWORD = "tested-Passw0rd"


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(TEST_PASSWORD)


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings=settings, db=db)


def add_account(
    db: Database,
    *,
    username: str,
    role: str,
    unit: str | None,
    password_hash: str,
    display_name: str | None = None,
) -> None:
    """An account written straight to the table (hashing once per run keeps the suite fast)."""
    now = datetime.now(UTC)
    with db.write() as tx:
        unit_id = None
        if unit is not None:
            found = unit_repo.by_code(tx.session, unit)
            assert found is not None, f"import the unit {unit} before making its account"
            unit_id = found.id
        tx.session.add(
            Account(
                username=username,
                display_name=display_name or f"{role} {username}",
                role=role,
                unit_id=unit_id,
                password_hash=password_hash,
                created_at=now,
                updated_at=now,
            )
        )


def log_in(test_client: TestClient, username: str, password: str = TEST_PASSWORD) -> TestClient:
    """Log the client in and let it send the session's CSRF token on every request."""
    response = test_client.post("/api/session", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    test_client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return test_client


class Login:
    """Makes logged-in clients of any role: `login("county_it", unit="350402")`."""

    def __init__(self, app: FastAPI, db: Database, password_hash: str) -> None:
        self.app, self.db, self.password_hash = app, db, password_hash
        self.clients: list[TestClient] = []

    def __call__(
        self,
        role: str,
        *,
        unit: str | None = None,
        username: str | None = None,
        display_name: str | None = None,
    ) -> TestClient:
        username = username or f"{role}{len(self.clients) + 1}"
        add_account(
            self.db,
            username=username,
            role=role,
            unit=unit,
            password_hash=self.password_hash,
            display_name=display_name,
        )
        test_client = TestClient(self.app)
        test_client.__enter__()
        self.clients.append(test_client)
        return log_in(test_client, username)

    def close(self) -> None:
        for test_client in self.clients:
            test_client.__exit__(None, None, None)


@pytest.fixture
def login(app: FastAPI, db: Database, password_hash: str) -> Iterator[Login]:
    maker = Login(app, db, password_hash)
    yield maker
    maker.close()


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(login: Login) -> TestClient:
    """A client logged in as an admin, who may call every route."""
    return login("admin", username="admin")
