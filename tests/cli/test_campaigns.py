"""`campaign-bot campaigns`: every campaign with its state, dates and letters, the default marked,
without creating a database that does not exist yet."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Letter, Store, Supporter
from tests.campaign.variants import BUNDLED_ID, write_variant

TITLE = "Nagorno-Karabakh: accountability, no US military aid, a safe return"
SENT = datetime(2025, 5, 1, tzinfo=UTC)


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """CAMPAIGNS: the bundled campaign (the default) and three copies, far from today's date."""
    folder = tmp_path / "campaigns"
    write_variant(folder)
    write_variant(folder, "future", "opens = 2999-01-01T09:30:00+02:00")
    write_variant(folder, "past", "opens = 2000-01-01", "closes = 2001-01-01")
    write_variant(folder, "wip", "draft = true", "opens = 2001-02-03")
    monkeypatch.setenv("CAMPAIGNS", str(folder))
    return folder


def add_letters(database: Path, letters: list[tuple[str, int, bool]]) -> None:
    """(campaign id, supporter number, marked sent) per letter, each supporter made once."""
    store = Store.from_url(f"sqlite:///{database}")
    try:
        with store.transaction() as repo:
            supporters: dict[int, int] = {}
            for number in sorted({number for _, number, _ in letters}):
                supporter = Supporter(telegram_id=1000 + number)
                repo.session.add(supporter)
                repo.session.flush()
                assert supporter.id is not None
                supporters[number] = supporter.id
            for index, (campaign_id, number, sent) in enumerate(letters):
                repo.session.add(
                    Letter(
                        campaign_id=campaign_id,
                        supporter_id=supporters[number],
                        target_id=f"office-{index}",
                        demands="alpha",
                        variant="letters/standard/a.txt.j2",
                        sent_at=SENT if sent else None,
                    )
                )
    finally:
        store.close()


@pytest.mark.usefixtures("folder")
def test_campaigns_without_a_database_lists_states_and_creates_nothing(
    database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["campaigns"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"future: {TITLE}",
        "  upcoming (opens 2999-01-01 07:30 UTC)",
        f"{BUNDLED_ID} (default): {TITLE}",
        "  open",
        f"past: {TITLE}",
        "  closed (opened 2000-01-01, closed 2001-01-01)",
        f"wip: {TITLE}",
        "  draft (opened 2001-02-03)",
        f"letters: none counted, no database yet at sqlite:///{database_file}",
    ]
    assert not database_file.exists()


@pytest.mark.usefixtures("folder")
def test_campaigns_counts_writers_letters_and_sends_per_campaign(
    database_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_letters(
        database_file,
        [
            (BUNDLED_ID, 1, True),
            (BUNDLED_ID, 1, False),
            (BUNDLED_ID, 2, True),
            ("past", 2, False),
            ("removed", 3, True),  # a campaign whose file is gone: its letters still count
        ],
    )
    monkeypatch.setenv("CAMPAIGN", "past")
    assert main(["campaigns"]) == 0
    out = capsys.readouterr().out.splitlines()
    counts = "  supporters who wrote: {} · letters drafted: {} · marked sent: {}"
    assert out[3:6] == [f"{BUNDLED_ID}: {TITLE}", "  open", counts.format(2, 3, 2)]
    assert out[6:9] == [
        f"past (default): {TITLE}",
        "  closed (opened 2000-01-01, closed 2001-01-01)",
        counts.format(1, 1, 0),
    ]
    assert out[2] == counts.format(0, 0, 0)  # future
    assert out[-2:] == ["removed: no campaign file in the catalogue", counts.format(1, 1, 1)]


def test_campaigns_with_bad_files_lists_nothing_and_exits_2(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = write_variant(folder, "late", "opens = 2025-03-01", "closes = 2025-02-01")
    naive = write_variant(folder, "naive", "closes = 2025-02-01T18:00:00")
    assert main(["campaigns"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    late_error, naive_error = captured.err.splitlines()  # one line each, each named
    assert late_error.startswith(f"campaign-bot: {late}:") and "must be after opens" in late_error
    assert naive_error.startswith(f"campaign-bot: {naive}:") and "no timezone" in naive_error
