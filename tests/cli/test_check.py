"""`campaign-bot check`: is the campaign file usable, and which dates are old."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.campaign.freshness import stale_items
from bot.cli import main
from bot.officials.datasets import import_files
from bot.store import Store
from tests.support import FIXTURES_DIR, campaign_toml

OFFICIALS = FIXTURES_DIR / "officials"
BUNDLED = load_campaign(find_campaign(None))

pytestmark = pytest.mark.usefixtures("database_file")


def test_check_lists_the_stale_dates_and_warns_with_status_0(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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
        f"officials directory: not loaded (no database at sqlite:///{database_file}): "
        "run `campaign-bot officials update`"
    )
    assert (
        len(out) == len(stale) + 2 and not database_file.exists()
    )  # looking does not create a database


def test_check_of_a_fresh_file_without_lookups(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.from_url(f"sqlite:///{database_file}")
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
