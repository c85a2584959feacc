"""Stale dates: what an organizer must re-check, as of a given day, and the directory's age."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.campaign import Campaign, load_campaign
from bot.campaign.freshness import directory_age, stale_items
from bot.officials.datasets import import_files
from bot.store import Store
from tests.support import FIXTURES_DIR, campaign_toml

OFFICIALS = FIXTURES_DIR / "officials"
CHECKED = date(2024, 2, 3)  # every date of `campaign_toml`


def tiny(tmp_path: Path, *, stale_after_days: int | None = None, channel: str = "") -> Campaign:
    """`campaign_toml`, optionally with a threshold and a `checked` line for its channel."""
    text = campaign_toml()
    if stale_after_days is not None:
        text = text.replace("[source]", f"stale_after_days = {stale_after_days}\n\n[source]", 1)
    if channel:
        text = text.replace(
            'value = "office@example.org"', f'value = "office@example.org"\n{channel}'
        )
    path = tmp_path / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return load_campaign(path)


def test_a_fresh_campaign_has_nothing_to_recheck(tmp_path: Path) -> None:
    assert stale_items(tiny(tmp_path), CHECKED + timedelta(days=180)) == []


def test_the_bundled_campaign_reports_every_kind_of_date(campaign: Campaign) -> None:
    items = stale_items(campaign, date(2026, 11, 30))
    assert [i.kind for i in items] == ["holder", *["channel"] * 3] * 2 + ["since"]
    assert {(i.checked, i.age_days) for i in items} == {(date(2025, 8, 8), 479)}
    holder = items[0]
    assert holder.description == (
        "The President: holder Donald J. Trump checked 2025-08-08 (479 days ago)"
    )
    assert "`holder`" in holder.action and holder.line.startswith(holder.description + " — ")
    assert items[1].description == (
        "The President: channel White House contact form (web) checked 2025-08-08 (479 days ago)"
    )
    assert "own `checked`" in items[1].action  # it has no date of its own yet
    assert items[-1].description == 'The "since then" note as of 2025-08-08 (479 days ago)'
    assert "[since]" in items[-1].action


def test_a_channel_date_of_its_own_wins_over_the_office(tmp_path: Path) -> None:
    today = CHECKED + timedelta(days=200)
    campaign = tiny(tmp_path, channel="checked = 2024-07-01")
    assert [i.kind for i in stale_items(campaign, today)] == ["holder", "since"]
    later = stale_items(campaign, date(2024, 7, 1) + timedelta(days=181))
    channel = next(i for i in later if i.kind == "channel")
    assert channel.checked == date(2024, 7, 1) and channel.age_days == 181
    assert "Office office: channel Email (email) checked 2024-07-01" in channel.description
    assert "update its `checked`" in channel.action


def test_the_threshold_comes_from_the_file(tmp_path: Path) -> None:
    default = tiny(tmp_path)
    assert stale_items(default, CHECKED + timedelta(days=180)) == []  # not older than 180 days
    assert len(stale_items(default, CHECKED + timedelta(days=181))) == 3
    strict = tiny(tmp_path, stale_after_days=30)
    assert stale_items(strict, CHECKED + timedelta(days=30)) == []
    items = stale_items(strict, CHECKED + timedelta(days=31))
    assert [(i.kind, i.age_days) for i in items] == [("holder", 31), ("channel", 31), ("since", 31)]


def test_an_empty_directory_is_one_line_to_act_on(tmp_store: Store) -> None:
    age = tmp_store.call(directory_age, 180, date(2026, 11, 30))
    assert (age.imported, age.stale, age.warnings) == (None, False, ())
    assert age.problems() == [
        "not loaded: run `campaign-bot officials update` to find supporters' own members "
        "of Congress"
    ]


def test_the_directory_is_stale_after_the_campaigns_threshold(tmp_store: Store) -> None:
    import_files(tmp_store, [OFFICIALS / "legislators-small.json", OFFICIALS / "zccd-small.csv"])
    imported = tmp_store.call(directory_age, 180, date(2026, 1, 1)).imported
    assert imported is not None
    fresh = tmp_store.call(directory_age, 180, imported + timedelta(days=180))
    assert not fresh.stale and fresh.summary() == f"imported {imported} (180 days ago)"
    old = tmp_store.call(directory_age, 180, imported + timedelta(days=181))
    assert old.stale and old.age_days == 181
    assert old.problems()[0] == (
        f"imported {imported} (181 days ago), older than 180 days: "
        "run `campaign-bot officials update`"
    )
    # `officials status`'s own warnings come along (here: terms that ended since the import).
    assert any("have a term that ended before" in w for w in old.warnings)
