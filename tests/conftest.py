"""Shared fixtures for the unit tests of the domain core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.store import Store
from tests.databases import TEST_DATABASE_URL, PostgresDatabases, sqlite_url
from tests.support import LIBRARY_CAMPAIGN, campaign_toml


def pytest_report_header() -> str:
    where = "PostgreSQL (TEST_DATABASE_URL)" if TEST_DATABASE_URL else "SQLite files"
    return f"databases: {where}"


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    databases = PostgresDatabases(TEST_DATABASE_URL)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def new_database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[Callable[..., str]]:
    """Make database URLs for this test: PostgreSQL when the run has one, else SQLite files.

    `migrated=False` gives an empty database. Tests marked `sqlite_only` always get SQLite.
    """
    made: list[str] = []
    names = iter(range(1_000_000))
    postgres = postgres_databases
    if request.node.get_closest_marker("sqlite_only"):
        postgres = None

    def make(migrated: bool = True) -> str:
        if postgres is None:
            return sqlite_url(tmp_path, f"db{next(names)}.db")
        url = postgres.create(migrated)
        made.append(url)
        return url

    yield make
    if postgres is not None:
        for url in made:
            postgres.drop(url)


@pytest.fixture
def database_url(new_database_url: Callable[..., str]) -> str:
    """A fresh, migrated database for this test (see `new_database_url`)."""
    return new_database_url()


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    """The bundled campaign, found the way the bot finds it by default."""
    return load_campaign(find_campaign(None))


@pytest.fixture(scope="session")
def library_campaign() -> Campaign:
    """The made-up test campaign with its own `letters/civic` templates."""
    return load_campaign(LIBRARY_CAMPAIGN)


@pytest.fixture
def tmp_store(database_url: str) -> Iterator[Store]:
    """A Store on a fresh database (SQLite, or PostgreSQL when the run has one)."""
    store = Store.from_url(database_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def make_campaign(tmp_path: Path) -> Callable[..., Campaign]:
    """Write a small campaign (see `campaign_toml`) to tmp_path and load it."""

    def make(**kwargs: object) -> Campaign:
        text = campaign_toml(**kwargs)  # type: ignore[arg-type]
        path = tmp_path / f"{kwargs.get('campaign_id', 'tiny')}.toml"
        path.write_text(text, encoding="utf-8")
        return load_campaign(path)

    return make
