"""Alembic environment: migrations run on the connection the bot hands over (see migrate.py),
or, from the `alembic` command line, on DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from bot.store import coordination, models  # noqa: F401  (register the tables on SQLModel.metadata)

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from bot.config import load_settings
        from bot.store.db import create_db_engine

        engine = create_db_engine(load_settings().database_url, migrate=False)
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
