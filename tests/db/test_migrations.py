"""The migrations are the only way the schema is made: they must build exactly the tables the
models describe, and unmake them again, on the backend of the run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401  (registers every table on the metadata)
from alembic import command
from app.db.engine import Database
from app.db.migrate import alembic_config, upgrade_to_head


def schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def migrate(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def revisions_oldest_first() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.fixture
def blank_db(blank_database_url: str) -> Iterator[Database]:
    database = Database(blank_database_url)
    yield database
    database.dispose()


def test_migrated_database_matches_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert table_names(db.engine) == set(SQLModel.metadata.tables)
        assert schema_differences(db.engine) == []
    finally:
        db.dispose()


def test_upgrade_to_head_is_idempotent(blank_db: Database) -> None:
    upgrade_to_head(blank_db.engine)
    head = current_revision(blank_db.engine)
    upgrade_to_head(blank_db.engine)
    assert current_revision(blank_db.engine) == head == revisions_oldest_first()[-1]
    assert schema_differences(blank_db.engine) == []


def test_downgrade_to_base_then_upgrade_to_head(blank_db: Database) -> None:
    upgrade_to_head(blank_db.engine)
    migrate(blank_db.engine, "downgrade", "base")
    assert current_revision(blank_db.engine) is None
    assert table_names(blank_db.engine) == set()

    upgrade_to_head(blank_db.engine)
    assert current_revision(blank_db.engine) == revisions_oldest_first()[-1]
    assert schema_differences(blank_db.engine) == []


def test_every_revision_downgrades_and_upgrades_again(blank_db: Database) -> None:
    for revision in revisions_oldest_first():
        migrate(blank_db.engine, "upgrade", revision)
        tables = table_names(blank_db.engine)
        migrate(blank_db.engine, "downgrade", "-1")
        migrate(blank_db.engine, "upgrade", revision)
        assert current_revision(blank_db.engine) == revision
        assert table_names(blank_db.engine) == tables
    assert schema_differences(blank_db.engine) == []
