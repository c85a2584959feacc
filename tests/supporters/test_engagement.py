"""Updates opt-in, invite codes and a supporter's impact, through a real Store."""

from __future__ import annotations

import pytest

from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.engagement import after_send, impact, set_updates
from bot.supporters.profile import REFERRAL_PREFIX, referrer_of, welcome
from bot.supporters.views import Person
from tests.supporters.drive import ANI, write_letters

BOB = Person(id=1002, display_name="Bob")


def test_updates_are_offered_once_and_then_remembered(tmp_store: Store, drafting: Drafting) -> None:
    tmp_store.call(welcome, ANI)
    first = tmp_store.call(after_send, ANI)
    second = tmp_store.call(after_send, ANI)
    assert first is not None and first.offer_updates
    assert second is not None and not second.offer_updates
    assert first.invite_code == second.invite_code
    assert first.invite_code.startswith(REFERRAL_PREFIX)


def test_opt_in_and_out(tmp_store: Store, drafting: Drafting) -> None:
    assert tmp_store.call(set_updates, ANI, True) is False  # unknown
    tmp_store.call(welcome, ANI)
    assert tmp_store.call(set_updates, ANI, True)
    assert tmp_store.call(impact, drafting.campaign.id, ANI).opted_in
    tmp_store.call(set_updates, ANI, False)
    seen = tmp_store.call(impact, drafting.campaign.id, ANI)
    assert not seen.opted_in
    # Someone who chose once is not offered again.
    assert not tmp_store.call(after_send, ANI).offer_updates


def test_invite_code_attributes_a_newcomer_once(tmp_store: Store, drafting: Drafting) -> None:
    tmp_store.call(welcome, ANI)
    code = tmp_store.call(impact, drafting.campaign.id, ANI).invite_code
    tmp_store.call(welcome, BOB, code)
    tmp_store.call(welcome, BOB, code)  # a second /start changes nothing
    assert tmp_store.call(impact, drafting.campaign.id, ANI).invited == 1
    with tmp_store.transaction() as repo:
        bob = repo.supporter(BOB.id)
        assert bob is not None and bob.source == "referral"


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
    assert tmp_store.call(impact, drafting.campaign.id, Person(999)) is None
