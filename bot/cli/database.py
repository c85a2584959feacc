"""Opening the database for a command, the one way every command does it: DATABASE_URL problems
become one line of advice, and the password never shows in messages or logs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.config import ConfigError
from bot.store import Store

# "user:password@" in a URL SQLAlchemy cannot parse, and a password given as a query parameter.
_URL_PASSWORD = re.compile(r"(://[^/@:]*:)[^/]*@")
_QUERY_PASSWORD = re.compile(r"(?i)(password=)[^&]*")


def open_store(url: str) -> Store:
    """Connect and create tables, turning driver and connection failures into one-line advice."""
    try:
        return Store.from_url(url)
    except (ArgumentError, ValueError, ModuleNotFoundError) as error:  # ValueError: a bad port
        raise ConfigError(
            f"DATABASE_URL {safe_url(url)!r} cannot be used ({error}). For PostgreSQL install "
            'the driver: pip install -e ".[postgres]" and use postgresql+psycopg://...'
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot create the database folder for {safe_url(url)}: {error.strerror}. "
            "Check DATABASE_URL."
        ) from None
    except OperationalError as error:
        reason = one_line(str(error.orig) if error.orig else str(error))
        raise ConfigError(
            f"cannot open the database {safe_url(url)}: {reason}. Check DATABASE_URL."
        ) from None


@contextmanager
def opened_store(url: str) -> Iterator[Store]:
    """`open_store` for the length of a `with` block: closed however the block ends."""
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


def missing_sqlite_file(url: str) -> bool:
    """True for a SQLite file that does not exist yet: looking must not create a database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # open_store says what is wrong with it
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return False
    return not database.startswith("file:") and not Path(database).expanduser().exists()


def safe_url(url: str) -> str:
    """DATABASE_URL for messages and logs: the password hidden, even where the URL is broken."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        shown = _URL_PASSWORD.sub(r"\1***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", shown)


def one_line(text: str) -> str:
    """Driver and network messages can span lines (PostgreSQL's do): one line to print."""
    return " ".join(text.split())
