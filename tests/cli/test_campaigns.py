"""`campaign-bot campaigns`: every campaign with its state, dates and letters, the default marked,
without creating a database that does not exist yet."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Letter, Store, Supporter, participation
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
            for campaign_id, number in sorted({(c, n) for c, n, _ in letters}):
                participation.join(repo, supporters[number], campaign_id)
            newcomer = Supporter(telegram_id=999)  # joined the bundled campaign, wrote nothing
            repo.session.add(newcomer)
            repo.session.flush()
            assert newcomer.id is not None
            participation.join(repo, newcomer.id, BUNDLED_ID)
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
    link = "  link: https://t.me/<your bot>?start=c-{}"
    assert capsys.readouterr().out.splitlines() == [
        f"future: {TITLE}",
        "  upcoming (opens 2999-01-01 07:30 UTC)",
        link.format("future"),
        f"{BUNDLED_ID} (default): {TITLE}",
        "  open",
        link.format(BUNDLED_ID),
        f"past: {TITLE}",
        "  closed (opened 2000-01-01, closed 2001-01-01)",
        link.format("past"),
        f"wip: {TITLE}",
        "  draft (opened 2001-02-03)",
        link.format("wip"),
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
    counts = "  supporters: {} · who wrote: {} · letters drafted: {} · marked sent: {}"
    assert out[4:8] == [
        f"{BUNDLED_ID}: {TITLE}",
        "  open",
        f"  link: https://t.me/<your bot>?start=c-{BUNDLED_ID}",
        counts.format(3, 2, 3, 2),  # the third supporter joined but never wrote
    ]
    assert out[8:12] == [
        f"past (default): {TITLE}",
        "  closed (opened 2000-01-01, closed 2001-01-01)",
        "  link: https://t.me/<your bot>?start=c-past",
        counts.format(1, 1, 1, 0),
    ]
    assert out[3] == counts.format(0, 0, 0, 0)  # future
    assert out[-2:] == ["removed: no campaign file in the catalogue", counts.format(1, 1, 1, 1)]


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
