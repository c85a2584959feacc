"""The command line: organizers proof letters with `preview`; bad settings end in one line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.support import LIBRARY_CAMPAIGN

TOKEN = "123456:abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """`run` installs its log handler on stderr, which capsys closes after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "DATABASE_URL",
        "ADMIN_IDS",
        "CAMPAIGN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here, and not the repository


def test_preview_prints_every_variant_for_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--target", "secstate", "--all-variants", "--name", "Անի {{ 7*7 }}"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("===== to The Secretary of State") == 3
    assert out.count("Dear Mr. Secretary,") == 3
    assert "Անի {{ 7*7 }}" in out and "49" not in out


def test_preview_works_for_another_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--campaign", str(LIBRARY_CAMPAIGN)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Azerbaijan" not in out and "===== to" in out


def test_preview_names_the_targets_when_one_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--target", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "president" in err and "secstate" in err


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://u:secret@localhost/db", 'pip install -e ".[postgres]"'),
    ("nosuchdialect://x", "cannot be used"),
    ("sqlite:////proc/no/such/folder/x.db", "cannot create the database folder"),
    ("not a url", "must be a SQLAlchemy URL"),
])  # fmt: skip
def test_unusable_database_url_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "secret" not in err  # passwords are hidden


def test_unknown_campaign_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CAMPAIGN", "no-such-campaign")
    assert main(["run"]) == 2
    assert "bundled: lachin-2023" in capsys.readouterr().err
