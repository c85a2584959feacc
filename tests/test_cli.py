"""The command line: organizers proof letters with `preview`; bad settings end in one line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.campaign.freshness import stale_items
from bot.cli import main
from tests.support import FIXTURES_DIR, LIBRARY_CAMPAIGN, campaign_toml

OFFICIALS = FIXTURES_DIR / "officials"
BUNDLED = load_campaign(find_campaign(None))

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
    assert out.count("Dear Mr. Secretary:") == 3
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
    ("postgresql+psycopg2://u:secret@localhost/db", 'pip install -e ".[postgres]"'),
    ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "cannot open the database"),
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


# check: is the campaign file usable, and which dates are old


def _database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A DATABASE_URL in tmp_path (the default would be the user's own data folder)."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def test_check_lists_the_stale_dates_and_warns_with_status_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _database(monkeypatch, tmp_path)
    assert main(["check", "lachin-2023", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK: ") and out[0].endswith(f" ({BUNDLED.id})")
    stale = [line for line in out if line.startswith("stale: ")]
    expected = stale_items(BUNDLED, date(2026, 11, 30))
    assert stale == [f"stale: {item.line}" for item in expected]
    assert len(stale) >= 3  # holders, channels, the "since then" note
    assert stale[0].startswith(
        "stale: The President: holder Donald J. Trump checked 2025-08-08 (479 days ago) — "
    )
    assert out[-1] == (
        f"officials directory: not loaded (no database at sqlite:///{database}): "
        "run `campaign-bot officials update`"
    )
    assert (
        len(out) == len(stale) + 2 and not database.exists()
    )  # looking does not create a database


def test_check_of_a_fresh_file_without_lookups(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _database(monkeypatch, tmp_path)
    path = tmp_path / "tiny.toml"
    path.write_text(campaign_toml(), encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN", str(path))  # FILE defaults to CAMPAIGN
    assert main(["check", "--today", "2024-03-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "OK: A tiny test campaign (tiny)",
        "fresh: every date is within 180 days (stale_after_days)",
    ]  # no [[lookups]]: the officials directory does not matter to it


def test_check_of_a_broken_file_names_the_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _database(monkeypatch, tmp_path)
    path = tmp_path / "broken.toml"
    text = campaign_toml().replace('holder = "Holder of office"\n', "")
    path.write_text(text.replace("checked = 2024-02-03", "checked = 2024-13-01"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}: not valid TOML")
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    header = text.splitlines().index("[[targets]]") + 1  # a missing key: its table's line
    assert captured.err.splitlines() == [
        f"error: {path}:{header}: targets[0].holder: Field required"
    ]


def test_check_reports_the_directory_age_and_warnings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.officials import import_files
    from bot.store import Store

    database = _database(monkeypatch, tmp_path)
    store = Store.from_url(f"sqlite:///{database}")
    try:
        import_files(store, [OFFICIALS / "legislators-small.json", OFFICIALS / "zccd-small.csv"])
    finally:
        store.close()
    imported = datetime.now(UTC).date()
    later = imported + timedelta(days=400)
    assert main(["check", "--today", later.isoformat()]) == 0
    directory = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("officials")
    ]
    assert directory[0] == (
        f"officials directory: imported {imported} (400 days ago), older than 180 days: "
        "run `campaign-bot officials update`"
    )
    assert any("have a term that ended before" in line for line in directory[1:])


def test_check_never_fails_because_of_the_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:secret@localhost/db")
    assert main(["check", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("officials directory: not checked: ")
    assert "secret" not in out


def test_stale_dates_are_one_warning_each_at_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.telegram.app

    class Polling:
        def run_polling(self, **_kwargs: object) -> None:
            """Stands in for the real bot: start-up is done by the time it would poll."""

    monkeypatch.setattr(bot.telegram.app, "build_application", lambda *_args: Polling())
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    _database(monkeypatch, tmp_path)
    assert main(["run"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if " WARNING " in line]
    stale = stale_items(BUNDLED, datetime.now(UTC).date())
    assert len(warnings) == len(stale) + 1  # and the empty officials directory
    assert (
        "WARNING bot: stale: The President: holder Donald J. Trump checked 2025-08-08"
        in (warnings[0])
    )
    assert warnings[-1].endswith(
        "WARNING bot: officials directory: not loaded: run `campaign-bot officials update` "
        "to find supporters' own members of Congress"
    )
