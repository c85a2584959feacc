"""Updates opt-in, invite codes and a supporter's impact, through a real Store."""

from __future__ import annotations

import pytest

from bot.store import Store
from bot.store.participation import participation
from bot.supporters.drafting import Drafting
from bot.supporters.engagement import after_send, impact, set_updates, stop_all_updates
from bot.supporters.profile import REFERRAL_PREFIX, referrer_of, welcome
from bot.supporters.views import Person
from tests.supporters.drive import ANI, write_letters

BOB = Person(id=1002, display_name="Bob")


def test_updates_are_offered_once_and_then_remembered(tmp_store: Store, drafting: Drafting) -> None:
    campaign = drafting.campaign.id
    tmp_store.call(welcome, ANI, None, None, campaign)
    first = tmp_store.call(after_send, ANI, campaign)
    second = tmp_store.call(after_send, ANI, campaign)
    assert first is not None and first.offer_updates
    assert second is not None and not second.offer_updates
    assert first.invite_code == second.invite_code
    assert first.invite_code.startswith(REFERRAL_PREFIX)


def test_opt_in_and_out(tmp_store: Store, drafting: Drafting) -> None:
    campaign = drafting.campaign.id
    assert tmp_store.call(set_updates, ANI, True, campaign) is False  # unknown
    tmp_store.call(welcome, ANI, None, None, campaign)
    assert tmp_store.call(set_updates, ANI, True, campaign)
    assert tmp_store.call(impact, campaign, ANI).opted_in
    tmp_store.call(set_updates, ANI, False, campaign)
    seen = tmp_store.call(impact, campaign, ANI)
    assert not seen.opted_in
    # Someone who chose once is not offered again.
    assert not tmp_store.call(after_send, ANI, campaign).offer_updates


def test_updates_belong_to_a_campaign_and_stop_ends_them_all(
    tmp_store: Store, drafting: Drafting
) -> None:
    tmp_store.call(welcome, ANI, None, None, "first")
    tmp_store.call(set_updates, ANI, True, "first")
    assert not tmp_store.call(impact, "second", ANI).opted_in
    offer = tmp_store.call(after_send, ANI, "second")  # a letter sent in another campaign
    assert offer is not None and offer.offer_updates  # that campaign's updates are offered
    tmp_store.call(set_updates, ANI, True, "second")
    assert tmp_store.call(stop_all_updates, ANI) == 2
    assert not tmp_store.call(impact, "first", ANI).opted_in
    assert not tmp_store.call(impact, "second", ANI).opted_in


def test_invite_code_attributes_a_newcomer_once(tmp_store: Store, drafting: Drafting) -> None:
    campaign = drafting.campaign.id
    tmp_store.call(welcome, ANI, None, None, campaign)
    code = tmp_store.call(impact, campaign, ANI).invite_code
    tmp_store.call(welcome, BOB, code, None, campaign)
    tmp_store.call(welcome, BOB, code, None, campaign)  # a second /start changes nothing
    assert tmp_store.call(impact, campaign, ANI).invited == 1
    with tmp_store.transaction() as repo:
        bob = repo.supporter(BOB.id)
        joined = participation(repo, bob.id, campaign)
        assert joined is not None and joined.source == "referral"


def test_an_invite_into_another_campaign_counts_there_only(
    tmp_store: Store, drafting: Drafting
) -> None:
    tmp_store.call(welcome, ANI, None, None, "first")
    code = tmp_store.call(impact, "first", ANI).invite_code
    tmp_store.call(welcome, BOB, None, None, "first")  # Bob knew the first campaign already
    tmp_store.call(welcome, BOB, code, "second", "first")  # Ani's invite into the second
    assert tmp_store.call(impact, "first", ANI).invited == 0
    assert tmp_store.call(impact, "second", ANI).invited == 1
    with tmp_store.transaction() as repo:
        bob = repo.supporter(BOB.id)
        assert bob.campaign_id == "second"  # the link's campaign is his campaign now
        assert participation(repo, bob.id, "first").source is None
        assert participation(repo, bob.id, "second").source == "referral"


@pytest.mark.parametrize("payload", [None, "", "r-", "r-../../x", "r-nosuchone", "ig_story"])
def test_referrer_of_ignores_what_is_not_an_invite(tmp_store: Store, payload: str | None) -> None:
    with tmp_store.transaction() as repo:
        assert referrer_of(repo, payload) is None


def test_impact_counts_own_letters_and_campaign_totals(
    tmp_store: Store, drafting: Drafting
) -> None:
    letters = write_letters(tmp_store, drafting).letters
    tmp_store.call(drafting.actions.mark_sent, ANI, letters[0].id)
    write_letters(tmp_store, drafting, BOB)
    seen = tmp_store.call(impact, drafting.campaign.id, ANI)
    assert (seen.drafted, seen.sent) == (2, 1)
    assert (seen.campaign_supporters, seen.campaign_sent) == (2, 1)
    elsewhere = tmp_store.call(impact, "another-campaign", ANI)
    assert (elsewhere.drafted, elsewhere.campaign_supporters, elsewhere.campaign_sent) == (0, 0, 0)
    assert tmp_store.call(impact, drafting.campaign.id, Person(999)) is None
