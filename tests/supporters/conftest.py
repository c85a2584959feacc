"""Fixtures for the supporter use cases: one campaign's drafting, and a store with the small
officials directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaign import Campaign
from bot.officials.datasets import import_files
from bot.store import Store
from bot.supporters.drafting import Drafting
from tests.supporters.drive import drafting_for

OFFICIALS = Path(__file__).resolve().parent.parent / "fixtures" / "officials"


@pytest.fixture
def drafting(campaign: Campaign) -> Drafting:
    return drafting_for(campaign)


@pytest.fixture
def congress_store(tmp_store: Store) -> Store:
    """A store with the small officials directory: ZIP 05001 is Vermont's one (at-large)
    district, with senators Aldrich and Baker and representative Castillo; 85215 is split
    between Arizona's 1st, 4th and 5th districts."""
    import_files(tmp_store, [OFFICIALS / "legislators-small.json", OFFICIALS / "zccd-small.csv"])
    return tmp_store
