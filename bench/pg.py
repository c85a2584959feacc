"""Throwaway PostgreSQL databases for the benchmarks that compare SQLite with PostgreSQL.

`BENCH_DATABASE_URL` names a server the benchmarks may create and drop databases on (a
superuser or a role with CREATEDB); it defaults to the local development server. Each
benchmark gets a fresh, migrated database of its own, dropped when it is done.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://bot:bot@127.0.0.1/postgres"
ENV = "BENCH_DATABASE_URL"


def server_url() -> str:
    """The server URL: BENCH_DATABASE_URL, else the local default."""
    return os.environ.get(ENV, "").strip() or DEFAULT_URL


def shown(url: str) -> str:
    """The URL with its password hidden, for printing."""
    return make_url(url).render_as_string(hide_password=True)


def unreachable(url: str) -> str | None:
    """Why the server cannot be used, or None when it can."""
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
    return None


@contextmanager
def throwaway_database(prefix: str, server: str | None = None) -> Iterator[str]:
    """A new, empty database on the server (the caller migrates it); dropped afterwards."""
    server = server or server_url()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
