"""Fixtures: every test gets a database of its own at the newest migration.

The backend is chosen by VCWATCH_TEST_DATABASE: `sqlite` (default) or `postgresql` (a database
per pytest worker on the server at VCWATCH_TEST_POSTGRES, default 127.0.0.1:5432, as a superuser).

What keeps the suite fast (scripts/test runs it twice, in parallel workers, `-n auto`):
- The migrations run once per worker, into a template; each test starts from a copy of it: a file
  copy on SQLite; on PostgreSQL the worker's database put back to the template's rows in one
  transaction (far cheaper than TRUNCATE or CREATE DATABASE … TEMPLATE).
- A second template holds the worked example of DESIGN §3, imported once per worker: a test that
  asks for `imported` (or a fixture built on it) starts from that one.
- Every password hash the suite makes is argon2id at its smallest cost (production's stays).
- One app per worker (`AppCache`), pointed at each test's settings and database by
  `app.main.bind`: FastAPI compiles an app's routes on its first requests.
- Tests marked `long` start first, so that the workers finish together.
- With --split-backends (scripts/test), a test that the backend cannot change runs in one of the
  two runs only: see `runs_on_one_backend`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, Table, create_engine, select, text

from app.db.engine import Database
from app.db.migrate import upgrade_to_head
from app.db.repositories import units as unit_repo
from app.db.tables import Account
from app.main import bind, create_app
from app.schemas.records import PeriodUpdate
from app.security.passwords import hash_password
from app.services.context import Actor
from app.services.periods import put_period
from app.services.records import import_records, parse_records
from app.settings import Settings
from tests.fixtures import worked_example

BACKEND = os.environ.get("VCWATCH_TEST_DATABASE", "sqlite")
POSTGRES_SERVER = os.environ.get(
    "VCWATCH_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, … under pytest-xdist

# The suite's settings, in this process and in every `vcwatch` it starts (they inherit the
# environment): hashes at the smallest cost, which only the test environment honours.
os.environ["VCWATCH_ENVIRONMENT"] = "test"
os.environ["VCWATCH_PASSWORD_HASH_COST"] = "minimal"

# The worked example as the admin imported it through the API (`imported`).
IMPORTER = Actor(username="admin", role="admin", address="testclient")
LATE = date(2099, 12, 31)


# -- one backend or both -----------------------------------------------------------------------

DATABASE_FIXTURES = frozenset({"database_url", "blank_database_url", "database_template"})
# Tests that use the database, but whose subject no backend changes, or that one backend serves
# best. Every other test that uses no database at all runs on SQLite only.
ONE_BACKEND = {
    "tests/browser/": "sqlite",  # the pages in Chromium; the API under them runs on both
    "tests/api/test_schemathesis.py": "postgresql",  # production's backend, the stricter one
    "tests/security/test_schemathesis_session.py": "postgresql",
}
ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--split-backends",
        action="store_true",
        help="run a test that no backend changes in one backend's run only (scripts/test runs "
        "the suite on both)",
    )


def runs_on_one_backend(item: pytest.Item) -> str | None:
    """The one backend that `item` needs to run on, or None when it must run on each."""
    marker = item.get_closest_marker("runs_on")
    if marker is not None:
        return str(marker.args[0])
    where = item.path.relative_to(ROOT).as_posix()
    for prefix, backend in ONE_BACKEND.items():
        if where.startswith(prefix):
            return backend
    uses_database = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    if uses_database or item.get_closest_marker("postgres_only"):
        return None
    return "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The long tests first: started last, one of them would keep a worker busy alone at the end.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    if not config.getoption("--split-backends"):
        return
    keep, drop = [], []
    for item in items:
        backend = runs_on_one_backend(item)
        (drop if backend not in (None, BACKEND) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# -- templates -----------------------------------------------------------------------------------


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database of its own, dropped when the block ends."""
    name = f"{prefix}_{WORKER}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not survive a crash of the server: commits do not wait for disk.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Rows:
    """Every row of every table (but alembic_version) and every sequence of a PostgreSQL
    database, to put it back to that state in one transaction."""

    tables: list[Table]  # parents before children
    rows: dict[str, list[dict[str, Any]]]
    sequences: list[tuple[str, int | None]]  # (name, last value; None: never used)

    @classmethod
    def of(cls, engine: Engine) -> Rows:
        metadata = MetaData()
        with engine.connect() as connection:
            metadata.reflect(connection)
            tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
            rows = {
                t.name: [dict(row._mapping) for row in connection.execute(select(t))]
                for t in tables
            }
            sequences = connection.execute(
                text(
                    "SELECT quote_ident(sequencename), last_value FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
            ).all()
        return cls(tables, rows, [(name, value) for name, value in sequences])

    def restore(self, engine: Engine) -> None:
        with engine.begin() as connection:
            for table in reversed(self.tables):
                connection.execute(table.delete())
            for table in self.tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
            if self.sequences:
                connection.execute(
                    text(
                        "SELECT setval(CAST(name AS regclass), coalesce(value, 1), value IS NOT NULL) "
                        "FROM unnest(CAST(:names AS text[]), CAST(:values AS bigint[])) "
                        "AS s(name, value)"
                    ),
                    {
                        "names": [name for name, _ in self.sequences],
                        "values": [value for _, value in self.sequences],
                    },
                )


@dataclass(frozen=True)
class Template:
    """A database state that tests start from: a SQLite file to copy, or the rows to put back
    into the worker's PostgreSQL database."""

    sqlite_file: Path | None = None
    postgres_rows: Rows | None = None


@dataclass(frozen=True)
class WorkerDatabase:
    """This pytest worker's PostgreSQL database, migrated once; each test puts it back to a
    template's rows."""

    url: str
    engine: Engine


@pytest.fixture(scope="session")
def postgres_worker_database() -> Iterator[WorkerDatabase]:
    with postgres_database("vcwatch_test") as url:
        engine = create_engine(url)
        upgrade_to_head(engine)
        yield WorkerDatabase(url, engine)
        engine.dispose()


def _import_worked_example(url: str) -> None:
    db = Database(url)
    try:
        import_records(db, actor=IMPORTER, file=parse_records(worked_example()))
        # Objections to 2019 stay open to the tests (by default they closed on 2020-01-31).
        put_period(db, actor=IMPORTER, year=2019, update=PeriodUpdate(objection_deadline=LATE))
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def database_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Template:
    """A migrated, empty database: the state every test starts from."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
        db = Database(f"sqlite:///{path}")
        upgrade_to_head(db.engine)
        db.dispose()
        return Template(sqlite_file=path)
    worker: WorkerDatabase = request.getfixturevalue("postgres_worker_database")
    return Template(postgres_rows=Rows.of(worker.engine))


@pytest.fixture(scope="session")
def worked_example_template(
    request: pytest.FixtureRequest,
    database_template: Template,
    tmp_path_factory: pytest.TempPathFactory,
) -> Template:
    """The empty template with the worked example imported by the admin: where `imported` starts."""
    if database_template.sqlite_file is not None:
        path = tmp_path_factory.mktemp("template") / "worked-example.sqlite3"
        shutil.copyfile(database_template.sqlite_file, path)
        _import_worked_example(f"sqlite:///{path}")
        return Template(sqlite_file=path)
    worker: WorkerDatabase = request.getfixturevalue("postgres_worker_database")
    assert database_template.postgres_rows is not None
    database_template.postgres_rows.restore(worker.engine)
    _import_worked_example(worker.url)
    return Template(postgres_rows=Rows.of(worker.engine))


@pytest.fixture
def blank_database_url(tmp_path: Path) -> Iterator[str]:
    """A new database without any schema, for tests that make and unmake the schema."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    with postgres_database("vcwatch_blank") as url:
        yield url


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, database_template: Template, tmp_path: Path
) -> str:
    """The test's database: empty, or holding the worked example if the test uses `imported`."""
    template = database_template
    if "imported" in request.fixturenames:
        template = request.getfixturevalue("worked_example_template")
    if template.sqlite_file is not None:
        path = tmp_path / "vcwatch.sqlite3"
        shutil.copyfile(template.sqlite_file, path)
        return f"sqlite:///{path}"
    worker: WorkerDatabase = request.getfixturevalue("postgres_worker_database")
    assert template.postgres_rows is not None
    template.postgres_rows.restore(worker.engine)
    return worker.url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "data", database_url=database_url)


# -- the app and its users ---------------------------------------------------------------------

TEST_PASSWORD = "tested-Passw0rd"


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(TEST_PASSWORD)


class AppCache:
    """This worker's one app, pointed at each test's settings and database in turn: FastAPI
    compiles an app's routes on its first requests, which would otherwise be paid per test."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None

    def serving(self, settings: Settings, db: Database) -> FastAPI:
        if self.app is None:
            self.app = create_app(settings=settings, db=db)
        else:
            bind(self.app, settings=settings, db=db)
        return self.app


@pytest.fixture(scope="session")
def app_cache() -> AppCache:
    return AppCache()


@pytest.fixture
def app(
    request: pytest.FixtureRequest, app_cache: AppCache, settings: Settings, db: Database
) -> Iterator[FastAPI]:
    """The app on the test's settings and database; a test that adds routes to it is marked
    `own_app` and gets an app of its own."""
    if request.node.get_closest_marker("own_app"):
        yield create_app(settings=settings, db=db)
        return
    shared = app_cache.serving(settings, db)
    routes = len(shared.router.routes)
    yield shared
    assert len(shared.router.routes) == routes, (
        "the test changed the shared app's routes: mark it @pytest.mark.own_app"
    )


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


@pytest.fixture
def imported(client: TestClient) -> TestClient:
    """The admin `client` on a database holding the worked example of DESIGN §3, as if the admin
    had posted it to /api/records (`database_url` starts the test from a copy of that state)."""
    return client
