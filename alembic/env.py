"""Alembic environment: the migrations are the only way vcwatch's schema is made."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import SQLModel

import app.db.tables  # noqa: F401  (registers every table on the metadata)
from alembic import context
from app.db.engine import make_engine
from app.settings import get_settings

target_metadata = SQLModel.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        run_with(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("vcwatch migrations run online only: use `vcwatch migrate`")
run_online()
