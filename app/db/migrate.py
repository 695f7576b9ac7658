from __future__ import annotations

from alembic.config import Config
from sqlalchemy import Engine

from alembic import command
from app.shipped import alembic_ini, migrations_dir


def alembic_config() -> Config:
    config = Config(str(alembic_ini()))
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema on `engine` to the newest migration."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
