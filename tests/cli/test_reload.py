"""`campaign-bot reload`: a folder that loads is a reload request in the database for every
running instance; a folder with an error asks nothing and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store, reloads
from tests.campaign.variants import write_variant


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    folder = tmp_path / "campaigns"
    write_variant(folder)
    monkeypatch.setenv("CAMPAIGNS", str(folder))
    monkeypatch.setenv("DATABASE_URL", database_url)
    Store.from_url(database_url).close()  # the schema, as the running bot made it
    return folder


def _requested(database_url: str) -> object:
    store = Store.from_url(database_url)
    try:
        return store.call(reloads.requested_at)
    finally:
        store.close()


def test_a_folder_that_loads_asks_the_running_bot(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _requested(database_url) is None
    assert main(["reload"]) == 0
    assert "OK: 1 campaign file(s) load" in capsys.readouterr().out
    first = _requested(database_url)
    assert first is not None
    assert main(["reload"]) == 0
    later = _requested(database_url)
    assert isinstance(later, type(first)) and later >= first  # type: ignore[operator]


def test_a_folder_with_an_error_asks_nothing(
    env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "broken.toml").write_text("id = \n", encoding="utf-8")
    assert main(["reload"]) == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err and "nothing reloaded" in err
    assert _requested(database_url) is None
