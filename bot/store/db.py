"""Engine set-up: SQLite in WAL mode with a busy timeout; the same code runs on PostgreSQL.

Errors never carry bound parameters (`hide_parameters`): a failed statement's values are
supporters' names, places and letters, which must not end up in logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from bot.config import ConfigError, default_database_url

SQLITE_BUSY_TIMEOUT_MS = 30_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_db_engine(url: str, migrate: bool = True) -> Engine:
    """An engine for `url`, its schema brought up to date (Alembic migrations).

    For SQLite the file's folder must exist (the default one is created) and WAL is switched on.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if is_sqlite(url):
        _sqlite_folder(url, parsed.database)
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        }
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if migrate:
        from bot.store.migrate import upgrade

        upgrade(engine)
    return engine


def _sqlite_folder(url: str, database: str | None) -> None:
    """Create the default database's folder; refuse any other missing one: it is a typo in
    DATABASE_URL, which must not quietly become a new, empty database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    if folder.is_dir():
        return
    default = Path(make_url(default_database_url()).database or "").parent
    if folder.absolute() != default.absolute():
        raise ConfigError(
            f"DATABASE_URL {url}: the folder {folder} does not exist; "
            "create it or fix DATABASE_URL."
        )
    folder.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions: the module's legacy mode starts
    # one only at the first write, so a SAVEPOINT as first write was committed for good even
    # when the surrounding transaction rolled back (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# Execution option of connections that only read (reports, exports): they begin a deferred
# transaction and read a WAL snapshot beside the writer instead of queueing for the write lock.
READ_ONLY = "campaign_bot_read_only"


def _sqlite_begin(connection: Any) -> None:
    """Writers take SQLite's write lock when they begin, not at their first write.

    A deferred transaction that reads, then writes after another connection committed, fails
    at once with "database is locked" whatever the busy timeout (its snapshot is stale);
    `BEGIN IMMEDIATE` waits for the lock instead, up to the busy timeout.
    """
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
