"""Which database the tests run on: a SQLite file each, or a throwaway PostgreSQL database each.

Set `TEST_DATABASE_URL` to a PostgreSQL server URL (a database the tests may connect to and
create others from, e.g. postgresql+psycopg://bot:bot@127.0.0.1/postgres) and every test that
takes the `database_url` fixture gets a fresh database on that server, copied from a template
migrated once per run; unset, each gets a SQLite file. `.ci/run` runs the suite both ways.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.store.db import create_db_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

# For tests about SQLite itself (files, WAL, its locking): they run on SQLite in both runs.
sqlite_only = pytest.mark.sqlite_only
# For tests that need a real PostgreSQL server: skipped with a reason when there is none.
postgres_only = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs a PostgreSQL server: set TEST_DATABASE_URL"
)


def on_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


class PostgresDatabases:
    """Creates a database per test from a migrated template, and drops it afterwards."""

    def __init__(self, server_url: str) -> None:
        self._server = make_url(server_url)
        self._admin: Engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._prefix = f"cbtest_{os.getpid()}"
        self._names = itertools.count()
        self._template: str | None = None

    def url(self, name: str) -> str:
        return self._server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"{self._prefix}_template"
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{name}"')
            create_db_engine(self.url(name)).dispose()
            self._template = name
        return self._template

    def create(self, migrated: bool = True) -> str:
        """A new database's URL: at the current schema, or empty (template0)."""
        template = self._migrated_template() if migrated else "template0"
        name = f"{self._prefix}_{next(self._names)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._template is not None:
            self._execute(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
        self._admin.dispose()


def sqlite_url(folder: Path, name: str = "bot.db") -> str:
    return f"sqlite:///{folder / name}"
