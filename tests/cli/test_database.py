"""Opening the database: a DATABASE_URL that cannot be used is one line of advice, without the
password."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg2://u:secret@localhost/db", 'pip install -e ".[postgres]"'),
    ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "cannot open the database"),
    ("postgresql+psycopg://u@127.0.0.1:1/db?password=secret", "cannot open the database"),
    ("nosuchdialect://x", "cannot be used"),
    ("no such dialect://u:secret@h/db", "cannot be used"),
    ("no such dialect://u:p@secret@h/db", "cannot be used"),
    ("postgresql+psycopg://u:secret@h:port/db", "cannot be used"),
    (
        "sqlite:////proc/no/such/folder/x.db",
        "the folder /proc/no/such/folder does not exist; create it or fix DATABASE_URL",
    ),
    ("not a url", "must be a SQLAlchemy URL"),
])  # fmt: skip
def test_unusable_database_url_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bot_token: str,
    url: str,
    expected: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "secret" not in err  # passwords are hidden
