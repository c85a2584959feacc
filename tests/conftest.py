"""Shared fixtures for the unit tests of the domain core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.store import Store
from tests.support import LIBRARY_CAMPAIGN, campaign_toml


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    """The bundled campaign, found the way the bot finds it by default."""
    return load_campaign(find_campaign(None))


@pytest.fixture(scope="session")
def library_campaign() -> Campaign:
    """The made-up test campaign with its own `letters/civic` templates."""
    return load_campaign(LIBRARY_CAMPAIGN)


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[Store]:
    """A Store on a fresh SQLite file."""
    store = Store.from_url(f"sqlite:///{tmp_path / 'bot.db'}")
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
