"""Acting on written letters through a real store: sending, rewording, editing."""

from __future__ import annotations

from bot.flow import Skip
from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.outcomes import Edited, NoDraft, Refused
from bot.supporters.profile import welcome
from tests.supporters.drive import (
    ANI,
    ARA,
    STORY,
    draft_to_story,
    letter_row,
    paragraphs,
    reply_text,
    write_letters,
)


def test_double_sent_counts_once(tmp_store: Store, drafting: Drafting) -> None:
    letter_id = write_letters(tmp_store, drafting).letters[0].id
    view, recorded = tmp_store.call(drafting.actions.mark_sent, ANI, letter_id)
    assert (view.sent, recorded) == (True, True)
    sent_at = letter_row(tmp_store, letter_id).sent_at
    view, recorded = tmp_store.call(drafting.actions.mark_sent, ANI, letter_id)
    assert (view.sent, recorded) == (True, False)
    assert letter_row(tmp_store, letter_id).sent_at == sent_at
    assert view.number == 1
    assert view.total == 2
    with tmp_store.transaction() as repo:
        assert repo.letter_counts(repo.supporter(ANI.id).id, view.campaign_id) == (2, 1)


def test_someone_elses_letter_is_out_of_reach(tmp_store: Store, drafting: Drafting) -> None:
    letter_id = write_letters(tmp_store, drafting).letters[0].id
    tmp_store.call(welcome, ARA)
    assert tmp_store.call(drafting.actions.mark_sent, ARA, letter_id) == (None, False)
    assert tmp_store.call(drafting.actions.reword, ARA, letter_id) is None
    assert tmp_store.call(drafting.actions.begin_edit, ARA, letter_id) is None
    assert tmp_store.call(drafting.actions.letter, ARA, letter_id) is None
    assert letter_row(tmp_store, letter_id).sent_at is None


def test_reword_changes_text_and_variant(tmp_store: Store, drafting: Drafting) -> None:
    original = write_letters(tmp_store, drafting).letters[0]
    before = letter_row(tmp_store, original.id)
    view = tmp_store.call(drafting.actions.reword, ANI, original.id)
    after = letter_row(tmp_store, original.id)
    assert view.body != original.body
    assert view.body == after.body
    assert after.variant != before.variant
    assert (before.wording, after.wording) == (0, 1)
    assert STORY in view.body
    again = tmp_store.call(drafting.actions.reword, ANI, original.id)
    assert letter_row(tmp_store, original.id).variant not in {before.variant, after.variant}
    assert again.body not in {original.body, view.body}


def test_edit_replaces_the_body_and_raises_the_score(tmp_store: Store, drafting: Drafting) -> None:
    original = write_letters(tmp_store, drafting).letters[1]
    assert tmp_store.call(drafting.actions.begin_edit, ANI, original.id).id == original.id
    too_short = tmp_store.call(reply_text, drafting, ANI, "Too short.")
    assert isinstance(too_short, Refused) and too_short.error.reason == "letter_too_short"
    assert letter_row(tmp_store, original.id).body == original.body  # still editing
    addition = "\n\nI also met my senator's staff last week, and I will keep writing."
    edited = tmp_store.call(reply_text, drafting, ANI, original.body + addition)
    assert isinstance(edited, Edited)
    view = edited.letter
    assert view.body == original.body + addition
    assert view.edited
    assert view.score > original.score
    row = letter_row(tmp_store, original.id)
    assert (row.body, row.edited, row.score) == (view.body, True, view.score)
    # Editing is over: the next text goes to the (finished) draft again.
    assert isinstance(tmp_store.call(reply_text, drafting, ANI, "hello"), NoDraft)

    # Deleting the story in a second edit lowers the score: only the added words are theirs.
    tmp_store.call(drafting.actions.begin_edit, ANI, original.id)
    without_story = view.body.replace(STORY, "").replace("\n\n\n\n", "\n\n")
    again = tmp_store.call(reply_text, drafting, ANI, without_story).letter
    assert STORY not in again.body
    assert 0 < again.score < view.score


def test_reordering_the_paragraphs_is_not_personalizing(
    tmp_store: Store, drafting: Drafting
) -> None:
    draft_to_story(tmp_store, drafting)
    (original, _) = tmp_store.call(drafting.answer, ANI, Skip()).letters  # no story
    assert original.score == 0.0
    first, *middle, last = paragraphs(original.body)  # salutation ... signature
    assert len(middle) >= 3
    shuffled = "\n\n".join([first, *reversed(middle), last])
    assert shuffled != original.body
    tmp_store.call(drafting.actions.begin_edit, ANI, original.id)
    view = tmp_store.call(reply_text, drafting, ANI, shuffled).letter
    assert (view.body, view.edited) == (shuffled, True)
    assert view.score < 0.05


def test_cancel_leaves_edit_mode(tmp_store: Store, drafting: Drafting) -> None:
    letter = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(drafting.actions.begin_edit, ANI, letter.id)
    assert tmp_store.call(drafting.cancel, ANI) == "edit"
    replacement = "A whole new letter that is long enough to count."
    assert isinstance(tmp_store.call(reply_text, drafting, ANI, replacement), NoDraft)
    assert letter_row(tmp_store, letter.id).body == letter.body
