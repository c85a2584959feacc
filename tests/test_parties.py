"""Letter-writing parties through a real store: one open party per group, letters written
through its link count there, the card refreshes only when its count moved and at most every
10 seconds, and ending it once gives the summary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import parties
from bot.campaign import Campaign
from bot.reports.stats import campaign_stats
from bot.reports.stats_text import format_stats_text
from bot.store import Store
from bot.store.export_queries import letter_rows
from bot.store.models import utcnow
from bot.supporters.drafting import Drafting
from bot.telegram import i18n
from bot.telegram.render import render
from tests.supporters.drive import ANI, ARA, drafting_for, write_letters

GROUP = -1001234567890


@pytest.fixture
def drafting(campaign: Campaign) -> Drafting:
    return drafting_for(campaign)


def test_one_open_party_per_group(tmp_store: Store) -> None:
    card, opened = tmp_store.call(parties.open_party, GROUP, "c1", "  Glendale\n  write-in ", 7)
    assert opened and card.open and card.title == "Glendale write-in"
    again, opened_again = tmp_store.call(parties.open_party, GROUP, "c1", "Other", 8)
    assert (again.party_id, opened_again) == (card.party_id, False)
    other, _ = tmp_store.call(parties.open_party, GROUP - 1, "c1", None, 7)
    assert other.party_id != card.party_id and other.title is None


def test_letters_written_through_the_link_count_at_the_party(
    tmp_store: Store, drafting: Drafting
) -> None:
    card, _ = tmp_store.call(parties.open_party, GROUP, drafting.campaign.id, "Party", 7)
    party = tmp_store.call(parties.joinable, parties.PARTY_PREFIX + card.code)
    assert party is not None and party.id == card.party_id
    assert tmp_store.call(parties.joinable, "p-nosuchcode") is None
    assert tmp_store.call(parties.joinable, "r-" + card.code) is None

    written = write_letters(tmp_store, drafting, ANI, party.id)
    tmp_store.call(drafting.actions.mark_sent, ANI, written.letters[0].id)
    write_letters(tmp_store, drafting, ARA)  # not through the party: not counted

    final = tmp_store.call(parties.end_party, GROUP)
    assert final is not None and not final.open
    assert (final.written, final.sent, final.writers) == (len(written.letters), 1, 1)
    assert tmp_store.call(parties.end_party, GROUP) is None  # ended once
    assert tmp_store.call(parties.joinable, parties.PARTY_PREFIX + card.code) is None


def test_the_card_refreshes_when_its_count_moved_and_not_too_often(
    tmp_store: Store, drafting: Drafting
) -> None:
    now = utcnow()
    card, _ = tmp_store.call(parties.open_party, GROUP, drafting.campaign.id, None, 7)
    assert tmp_store.call(parties.cards_to_refresh, now) == []  # no card posted yet
    tmp_store.call(parties.card_posted, card, 55, now)
    assert tmp_store.call(parties.cards_to_refresh, now + timedelta(seconds=30)) == []  # same

    write_letters(tmp_store, drafting, ANI, card.party_id)
    assert tmp_store.call(parties.cards_to_refresh, now + timedelta(seconds=9)) == []
    (due,) = tmp_store.call(parties.cards_to_refresh, now + parties.CARD_EVERY)
    assert due.written > 0 and due.message_id == 55
    tmp_store.call(parties.card_shown, due, now + parties.CARD_EVERY)
    assert tmp_store.call(parties.cards_to_refresh, now + timedelta(minutes=5)) == []


def test_stats_and_exports_attribute_letters_to_their_party(
    tmp_store: Store, drafting: Drafting, campaign: Campaign
) -> None:
    card, _ = tmp_store.call(parties.open_party, GROUP, campaign.id, "Glendale write-in", 7)
    written = write_letters(tmp_store, drafting, ANI, card.party_id)
    write_letters(tmp_store, drafting, ARA)
    with tmp_store.transaction() as repo:
        stats = campaign_stats(repo, campaign)
    (tally,) = stats.by_party
    assert (tally.label, tally.drafted, tally.sent) == (
        "Glendale write-in",
        len(written.letters),
        0,
    )
    assert "By party" in format_stats_text(stats)
    with tmp_store.transaction() as repo:
        stream = letter_rows(repo, campaign.id)
        at = stream.columns.index("party")
        rows = [row for batch in stream.batches for row in batch]
    parties_column = [row[at] for row in rows]
    assert parties_column.count(card.code) == len(written.letters)
    assert parties_column.count(None) == len(rows) - len(written.letters)


def test_the_stats_message_lists_the_parties(
    tmp_store: Store, drafting: Drafting, campaign: Campaign
) -> None:
    card, _ = tmp_store.call(parties.open_party, GROUP, campaign.id, "Glendale write-in", 7)
    write_letters(tmp_store, drafting, ANI, card.party_id)
    with tmp_store.transaction() as repo:
        stats = campaign_stats(repo, campaign)
    assert "• Glendale write-in: 2 / 0" in render("stats", stats=stats)
    with i18n.use("ru"):
        assert "По марафонам писем" in render("stats", stats=stats)
