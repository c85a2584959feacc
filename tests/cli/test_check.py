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
from tests.campaign.variants import write_variant
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
    monkeypatch.setenv("CAMPAIGNS", str(tmp_path))  # without FILE: every campaign there
    monkeypatch.setenv("CAMPAIGN", str(path))
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


# Without FILE: the whole catalogue, as the bot loads it


def test_check_validates_every_campaign_of_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "campaigns"
    write_variant(folder)
    write_variant(folder, "spring", "opens = 2026-03-01", "closes = 2026-06-01")
    monkeypatch.setenv("CAMPAIGNS", str(folder))
    assert main(["check", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr().out.splitlines()
    stale = [f"stale: {item.line}" for item in stale_items(BUNDLED, date(2026, 11, 30))]
    assert out == [
        f"OK: {BUNDLED.title} ({BUNDLED.id})",
        *stale,
        f"OK: {BUNDLED.title} (spring)",
        *stale,
        out[-1],
    ]
    assert out[-1].startswith("officials directory: ")  # once, for both campaigns


def test_check_names_every_bad_file_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_variant(tmp_path)
    late = write_variant(tmp_path, "late", "opens = 2026-03-01", "closes = 2026-02-01")
    naive = write_variant(tmp_path, "naive", "opens = 2026-03-01T09:00:00")
    twin = tmp_path / "twin.toml"  # a good file, but with the id of spring.toml
    twin.write_text(write_variant(tmp_path, "spring").read_text(encoding="utf-8"), "utf-8")
    monkeypatch.setenv("CAMPAIGNS", str(tmp_path))
    assert main(["check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = captured.err.splitlines()
    assert [line.split(":")[1].strip() for line in errors] == [str(late), str(naive), str(twin)]
    assert "must be after opens" in errors[0] and "has no timezone" in errors[1]
    assert errors[2].endswith("give each campaign an id of its own")


def test_check_refuses_a_default_that_is_not_in_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_variant(tmp_path, "spring")
    monkeypatch.setenv("CAMPAIGNS", str(tmp_path))
    monkeypatch.setenv("CAMPAIGN", BUNDLED.id)
    assert main(["check"]) == 2
    assert capsys.readouterr().err.startswith(
        f"error: CAMPAIGN='{BUNDLED.id}' is not a campaign in {tmp_path} (there: spring)"
    )
    assert main(["check", "spring", "--today", "2026-11-30"]) == 0  # FILE: an id in CAMPAIGNS
    assert capsys.readouterr().out.startswith(f"OK: {BUNDLED.title} (spring)\n")
