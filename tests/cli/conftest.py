"""Fixtures of the command-line tests: no settings from the environment or a `.env`, logging put
back after `run`, and a SQLite database in the test's own folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.logstate import saved_logging
from tests.officials.conftest import server  # noqa: F401 (a fixture: `officials update` downloads)


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """`run` installs its log handler on stderr, which capsys closes after the test."""
    with saved_logging():
        yield


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "DATABASE_URL",
        "ADMIN_IDS",
        "CAMPAIGN",
        "CAMPAIGNS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here, and not the repository


@pytest.fixture
def database_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A DATABASE_URL in tmp_path (the default would be the user's own data folder)."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def bot_token(monkeypatch: pytest.MonkeyPatch) -> str:
    """TELEGRAM_BOT_TOKEN, set: `run` needs one; tests check it never shows."""
    token = "123456:abcdefghijklmnopqrstuvwxyz"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    return token
