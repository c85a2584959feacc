"""Several campaigns through one set of use cases (bot/supporters/desks.py), with a real store:
each update reaches the campaign it belongs to (the draft's, the letter's, the reminder's), a
new letter goes to the campaign asked for or the supporter's current one, and a campaign that
takes no letters says so with the open ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaign import Campaign, CampaignState, load_campaign
from bot.store import Store
from bot.supporters.desks import Desks, DraftingRouter, LettersRouter, RemindersRouter
from bot.supporters.outcomes import CampaignClosed, Edited, LettersWritten, NoDraft, Prompted
from bot.supporters.profile import current_campaign
from bot.supporters.reminders import ReminderSet
from tests.campaign.variants import write_variant
from tests.support import LIBRARY_CAMPAIGN
from tests.supporters.drive import ANI, STORY, draft_to_story, reply_text, write_letters

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture
def library() -> Campaign:
    return load_campaign(LIBRARY_CAMPAIGN)


@pytest.fixture
def desks(campaign: Campaign, library: Campaign, tmp_path: Path) -> Desks:
    ended = load_campaign(write_variant(tmp_path, "ended", "closes = 2024-01-01"))
    return Desks.of((campaign, library, ended), campaign)


def test_a_new_letter_goes_to_the_campaign_asked_for_then_stays_there(
    tmp_store: Store, desks: Desks, library: Campaign
) -> None:
    drafting = DraftingRouter(desks)
    started = tmp_store.call(drafting.start_letter, ANI, None, library.id, NOW)
    assert isinstance(started, Prompted) and started.campaign_id == library.id
    assert tmp_store.call(current_campaign, ANI) == library.id
    again = tmp_store.call(drafting.start_letter, ANI)  # no campaign named: her current one
    assert isinstance(again, Prompted) and again.campaign_id == library.id


def test_each_update_reaches_its_own_campaign(
    tmp_store: Store, desks: Desks, campaign: Campaign, library: Campaign
) -> None:
    drafting, letters = DraftingRouter(desks), LettersRouter(desks)
    tmp_store.call(drafting.start_letter, ANI, None, library.id, NOW)
    library_letters = write_letters(tmp_store, drafting)  # type: ignore[arg-type]
    assert library_letters.campaign_id == library.id
    assert {view.campaign_id for view in library_letters.letters} == {library.id}
    first = library_letters.letters[0]

    # Now a draft in the other campaign, while she edits the library letter.
    tmp_store.call(drafting.start_letter, ANI, None, campaign.id, NOW)
    draft = draft_to_story(tmp_store, drafting)  # type: ignore[arg-type]
    assert draft.campaign_id == campaign.id
    assert tmp_store.call(letters.begin_edit, ANI, first.id) is not None
    edited = tmp_store.call(reply_text, drafting, ANI, "My own words, " * 5)  # type: ignore[arg-type]
    assert isinstance(edited, Edited) and edited.letter.campaign_id == library.id
    # ...and the draft's story goes to the draft's campaign.
    written = tmp_store.call(reply_text, drafting, ANI, STORY)  # type: ignore[arg-type]
    assert isinstance(written, LettersWritten) and written.campaign_id == campaign.id

    # A letter's buttons act in the letter's campaign, with its own templates.
    reworded = tmp_store.call(letters.reword, ANI, first.id)
    assert reworded is not None and "Dear Mayor Testwell," in reworded.body
    view, recorded = tmp_store.call(letters.mark_sent, ANI, first.id)
    assert view is not None and recorded and view.campaign_id == library.id


def test_a_closed_or_unknown_campaign_takes_no_new_letter(
    tmp_store: Store, desks: Desks, campaign: Campaign, library: Campaign
) -> None:
    drafting = DraftingRouter(desks)
    for asked, state in (("ended", CampaignState.CLOSED), ("no-such", CampaignState.CLOSED)):
        closed = tmp_store.call(drafting.start_letter, ANI, None, asked, NOW)
        assert isinstance(closed, CampaignClosed)
        assert (closed.campaign_id, closed.state) == (asked, state)
        assert [c.id for c in closed.open_campaigns] == [campaign.id, library.id]  # default 1st
    assert tmp_store.call(current_campaign, ANI) is None  # not moved into a closed one


def test_a_draft_or_letter_of_a_campaign_whose_file_is_gone_is_answered_politely(
    tmp_store: Store, desks: Desks, campaign: Campaign, library: Campaign
) -> None:
    drafting = DraftingRouter(desks)
    tmp_store.call(drafting.start_letter, ANI, None, library.id, NOW)
    letter_id = write_letters(tmp_store, drafting).letters[0].id  # type: ignore[arg-type]
    tmp_store.call(drafting.start_letter, ANI, None, library.id, NOW)  # a draft under way
    without = Desks.of((campaign,), campaign)  # the library file was removed, then reloaded
    gone_drafting, gone_letters = DraftingRouter(without), LettersRouter(without)
    assert isinstance(tmp_store.call(gone_drafting.current, ANI), NoDraft)
    assert isinstance(tmp_store.call(reply_text, gone_drafting, ANI, "Hi"), NoDraft)  # type: ignore[arg-type]
    assert tmp_store.call(gone_letters.mark_sent, ANI, letter_id) == (None, False)
    closed = tmp_store.call(gone_drafting.start_letter, ANI, None, None, NOW)  # her current one
    assert isinstance(closed, CampaignClosed) and closed.campaign_id == library.id


def test_reminders_of_every_campaign_are_due_and_shown_by_their_own(
    tmp_store: Store, desks: Desks, library: Campaign
) -> None:
    drafting, letters, reminders = (
        DraftingRouter(desks),
        LettersRouter(desks),
        RemindersRouter(desks),
    )
    tmp_store.call(drafting.start_letter, ANI, None, library.id, NOW)
    letter_id = write_letters(tmp_store, drafting).letters[0].id  # type: ignore[arg-type]
    assert isinstance(tmp_store.call(letters.remind, ANI, letter_id, NOW), ReminderSet)
    due = tmp_store.call(reminders.due, NOW + timedelta(days=2), 10)
    assert len(due) == 1
    taken = tmp_store.call(reminders.take, due[0])
    assert taken is not None and {v.campaign_id for v in taken.letters} == {library.id}
