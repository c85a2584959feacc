"""Updates opt-in, invite codes and a supporter's impact, through a real Store."""

from __future__ import annotations

import pytest

from bot.campaign import Campaign
from bot.engagement import REFERRAL_PREFIX, EngagementService, referrer_of
from bot.service import LetterService, Person
from bot.store import Store
from tests.test_service import write_letters

ANI = Person(telegram_id=1001, display_name="Ani Hakobyan", language="hy")
BOB = Person(telegram_id=1002, display_name="Bob")


@pytest.fixture
def engagement(campaign: Campaign) -> EngagementService:
    return EngagementService(campaign)


@pytest.fixture
def service(campaign: Campaign) -> LetterService:
    return LetterService(campaign)


def test_updates_are_offered_once_and_then_remembered(
    tmp_store: Store, service: LetterService, engagement: EngagementService
) -> None:
    tmp_store.call(service.welcome, ANI)
    first = tmp_store.call(engagement.after_send, ANI.telegram_id)
    second = tmp_store.call(engagement.after_send, ANI.telegram_id)
    assert first is not None and first.offer_updates
    assert second is not None and not second.offer_updates
    assert first.invite_code == second.invite_code
    assert first.invite_code.startswith(REFERRAL_PREFIX)


def test_opt_in_and_out(
    tmp_store: Store, service: LetterService, engagement: EngagementService
) -> None:
    assert tmp_store.call(engagement.set_updates, ANI.telegram_id, True) is False  # unknown
    tmp_store.call(service.welcome, ANI)
    assert tmp_store.call(engagement.set_updates, ANI.telegram_id, True)
    assert tmp_store.call(engagement.impact, ANI.telegram_id).opted_in
    tmp_store.call(engagement.set_updates, ANI.telegram_id, False)
    impact = tmp_store.call(engagement.impact, ANI.telegram_id)
    assert not impact.opted_in
    # Someone who chose once is not offered again.
    assert not tmp_store.call(engagement.after_send, ANI.telegram_id).offer_updates


def test_invite_code_attributes_a_newcomer_once(
    tmp_store: Store, service: LetterService, engagement: EngagementService
) -> None:
    tmp_store.call(service.welcome, ANI)
    code = tmp_store.call(engagement.impact, ANI.telegram_id).invite_code
    tmp_store.call(service.welcome, BOB, code)
    tmp_store.call(service.welcome, BOB, code)  # a second /start changes nothing
    assert tmp_store.call(engagement.impact, ANI.telegram_id).invited == 1
    with tmp_store.transaction() as repo:
        bob = repo.supporter(BOB.telegram_id)
        assert bob is not None and bob.source == "referral"


@pytest.mark.parametrize("payload", [None, "", "r-", "r-../../x", "r-nosuchone", "ig_story"])
def test_referrer_of_ignores_what_is_not_an_invite(tmp_store: Store, payload: str | None) -> None:
    with tmp_store.transaction() as repo:
        assert referrer_of(repo, payload) is None


def test_impact_counts_own_letters_and_campaign_totals(
    tmp_store: Store, service: LetterService, engagement: EngagementService
) -> None:
    letters = write_letters(tmp_store, service).letters
    tmp_store.call(service.mark_sent, ANI, letters[0].id)
    write_letters(tmp_store, service, BOB)
    impact = tmp_store.call(engagement.impact, ANI.telegram_id)
    assert (impact.drafted, impact.sent) == (2, 1)
    assert (impact.campaign_supporters, impact.campaign_sent) == (2, 1)
    assert tmp_store.call(engagement.impact, 999) is None
