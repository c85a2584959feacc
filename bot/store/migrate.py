"""Bring a database to the current schema with Alembic, at start-up and from `campaign-bot`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database."""
    with _migrating(engine) as (config, connection):
        before = _revision(connection)
        command.upgrade(config, revision)
        _log_upgrade(before, _revision(connection))


@contextmanager
def _migrating(engine: Engine) -> Iterator[tuple[Config, Connection]]:
    """One transaction for the migrations, with SQLite's foreign keys off around it: SQLite
    alters a table by copying and dropping it, which rows in other tables that point at it
    would forbid; the pragma only works outside a transaction."""
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            _raw_sqlite(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                yield config, connection
        finally:
            if sqlite:
                _raw_sqlite(connection, "PRAGMA foreign_keys=ON")


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _log_upgrade(before: str | None, after: str | None) -> None:
    """One line when the schema changed: Alembic's own lines show only with --verbose."""
    if before != after:
        log.info("database schema upgraded from %s to %s", before or "(empty)", after)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` (for tests and for rolling a release back)."""
    with _migrating(engine) as (config, _connection):
        command.downgrade(config, revision)


def _raw_sqlite(connection: Connection, statement: str) -> None:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()
