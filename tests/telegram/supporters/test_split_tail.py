"""Texts Telegram's apps split into several messages: the tail never passes for an answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.campaign import Campaign
from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.outcomes import LettersWritten, Refused
from bot.telegram.supporters.split_tail import receive_text
from tests.supporters.drive import (
    ANI,
    draft_to_story,
    drafting_for,
    letter_row,
    write_letters,
)


@pytest.fixture
def drafting(campaign: Campaign) -> Drafting:
    return drafting_for(campaign)


def test_the_tail_of_a_split_text_never_passes_for_an_answer(
    tmp_store: Store, drafting: Drafting
) -> None:
    draft_to_story(tmp_store, drafting)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = tmp_store.call(receive_text, drafting, ANI, "x" * 4096, start)
    assert isinstance(first, Refused) and first.error.reason == "too_long"
    tail = tmp_store.call(receive_text, drafting, ANI, "y" * 904, start + timedelta(seconds=1))
    assert isinstance(tail, Refused) and tail.error.reason == "split_tail"
    later = start + timedelta(seconds=2)
    story = tmp_store.call(receive_text, drafting, ANI, "My own shorter story.", later)
    assert isinstance(story, LettersWritten)


def test_a_text_long_after_a_too_long_one_is_a_normal_answer(
    tmp_store: Store, drafting: Drafting
) -> None:
    draft_to_story(tmp_store, drafting)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    tmp_store.call(receive_text, drafting, ANI, "x" * 4096, start)
    later = start + timedelta(minutes=2)
    story = tmp_store.call(receive_text, drafting, ANI, "My own shorter story.", later)
    assert isinstance(story, LettersWritten)


def test_a_split_edit_is_refused_whole(tmp_store: Store, drafting: Drafting) -> None:
    letter = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(drafting.actions.begin_edit, ANI, letter.id)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = tmp_store.call(receive_text, drafting, ANI, "Dear Sir, " + "x" * 4086, start)
    assert isinstance(first, Refused) and first.error.reason == "too_long"
    tail = tmp_store.call(receive_text, drafting, ANI, "y" * 900 + " Sincerely", start)
    assert isinstance(tail, Refused) and tail.error.reason == "split_tail"
    assert tail.editing and tail.editing.id == letter.id  # still editing that letter
    assert letter_row(tmp_store, letter.id).body == letter.body
