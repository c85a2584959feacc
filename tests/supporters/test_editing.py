"""The letter editor's use cases (bot/supporters/editing.py) through a real store: whose letter it
is, the same rules as the chat's edit, the drafted text back, when a draft is closed for editing,
and which chat message shows a letter."""

from __future__ import annotations

from pathlib import Path

from bot import flow
from bot.campaign import Campaign, load_campaign
from bot.store import Store
from bot.supporters.desks import Desks, DraftingRouter, LettersRouter
from bot.supporters.drafting import Drafting
from bot.supporters.editing import (
    CAMPAIGN_GONE,
    NO_ANSWERS,
    SENT,
    Closed,
    EditorLetter,
    LetterEditor,
    Scored,
    remember_message,
)
from bot.supporters.letter_actions import MAX_LETTER_LENGTH
from bot.supporters.profile import welcome
from tests.support import LIBRARY_CAMPAIGN
from tests.supporters.drive import ANI, ARA, STORY, letter_row, write_letters

OWN = "Dear office,\n\nI am Ani from Glendale, and this letter is mine, word for word.\x07"


def editor_of(drafting: Drafting) -> LetterEditor:
    return LetterEditor(drafting.actions.writer)


def test_the_editor_shows_the_letter_and_scores_what_is_typed(
    tmp_store: Store, drafting: Drafting
) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    editor = editor_of(drafting)
    shown = tmp_store.call(editor.open, ANI, written.id)
    assert isinstance(shown, EditorLetter)
    assert (shown.letter.body, shown.closed, shown.letter.edited) == (written.body, None, False)
    drafted = tmp_store.call(editor.score, ANI, written.id, written.body)
    own = tmp_store.call(editor.score, ANI, written.id, OWN)
    assert isinstance(drafted, Scored) and isinstance(own, Scored)
    assert own.score > drafted.score
    assert own.length == len(OWN) - 1  # the bell is no character of the letter
    assert letter_row(tmp_store, written.id).body == written.body  # scoring changes nothing


def test_a_save_is_the_supporters_version_and_reset_brings_the_draft_back(
    tmp_store: Store, drafting: Drafting
) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    editor = editor_of(drafting)
    saved = tmp_store.call(editor.save, ANI, written.id, OWN)
    assert isinstance(saved, EditorLetter)
    row = letter_row(tmp_store, written.id)
    assert row.body == OWN.removesuffix("\x07") and row.edited
    assert row.score == saved.letter.score > 0
    back = tmp_store.call(editor.reset, ANI, written.id)
    assert isinstance(back, EditorLetter) and not back.letter.edited
    row = letter_row(tmp_store, written.id)
    assert (row.body, row.edited, row.wording) == (written.body, False, 0)
    assert STORY.split("\n")[0] in row.body


def test_reset_keeps_the_wording_the_supporter_picked(tmp_store: Store, drafting: Drafting) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    reworded = tmp_store.call(drafting.actions.reword, ANI, written.id)
    tmp_store.call(editor_of(drafting).save, ANI, written.id, OWN)
    back = tmp_store.call(editor_of(drafting).reset, ANI, written.id)
    assert isinstance(back, EditorLetter) and reworded is not None
    assert back.letter.body == reworded.body != written.body
    assert letter_row(tmp_store, written.id).wording == 1


def test_the_chat_edits_rules_hold(tmp_store: Store, drafting: Drafting) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    editor = editor_of(drafting)
    short = tmp_store.call(editor.save, ANI, written.id, "Too short\x00\x01     ")
    assert isinstance(short, flow.InvalidAnswer) and short.reason == "letter_too_short"
    long = tmp_store.call(editor.save, ANI, written.id, "word " * MAX_LETTER_LENGTH)
    assert isinstance(long, flow.InvalidAnswer) and long.reason == "too_long"
    row = letter_row(tmp_store, written.id)
    assert (row.body, row.edited) == (written.body, False)


def test_someone_elses_letter_does_not_exist_for_them(tmp_store: Store, drafting: Drafting) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(welcome, ARA)
    editor = editor_of(drafting)
    assert tmp_store.call(editor.open, ARA, written.id) is None
    assert tmp_store.call(editor.score, ARA, written.id, OWN) is None
    assert tmp_store.call(editor.save, ARA, written.id, OWN) is None
    assert tmp_store.call(editor.reset, ARA, written.id) is None
    assert tmp_store.call(editor.open, ANI, 10**6) is None
    assert letter_row(tmp_store, written.id).body == written.body


def test_a_sent_letter_is_closed_for_editing(tmp_store: Store, drafting: Drafting) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(drafting.actions.mark_sent, ANI, written.id)
    editor = editor_of(drafting)
    shown = tmp_store.call(editor.open, ANI, written.id)
    assert shown is not None and shown.closed == SENT
    assert tmp_store.call(editor.save, ANI, written.id, OWN) == Closed(SENT)
    assert tmp_store.call(editor.reset, ANI, written.id) == Closed(SENT)
    assert letter_row(tmp_store, written.id).body == written.body


def test_a_letter_whose_answers_are_gone_is_closed(tmp_store: Store, drafting: Drafting) -> None:
    written = write_letters(tmp_store, drafting).letters[0]

    def forget_draft(repo) -> None:  # type: ignore[no-untyped-def]
        letter = repo.letter(repo.supporter(ANI.id).id, written.id)
        letter.draft_id = None
        repo.save_letter(letter)

    tmp_store.call(forget_draft)
    editor = editor_of(drafting)
    assert tmp_store.call(editor.save, ANI, written.id, OWN) == Closed(NO_ANSWERS)
    assert tmp_store.call(editor.reset, ANI, written.id) == Closed(NO_ANSWERS)


def test_a_letter_of_a_campaign_whose_file_is_gone_is_closed_for_its_supporter_only(
    tmp_store: Store, campaign: Campaign, tmp_path: Path
) -> None:
    library = load_campaign(LIBRARY_CAMPAIGN)
    both = Desks.of((campaign, library), campaign)
    tmp_store.call(DraftingRouter(both).start_letter, ANI, None, library.id)
    written = write_letters(tmp_store, DraftingRouter(both)).letters[0]  # type: ignore[arg-type]
    assert isinstance(
        tmp_store.call(LettersRouter(both).open_editor, ANI, written.id), EditorLetter
    )
    gone = LettersRouter(Desks.of((campaign,), campaign))
    tmp_store.call(welcome, ARA)
    for person, expected in ((ANI, Closed(CAMPAIGN_GONE)), (ARA, None)):
        assert tmp_store.call(gone.open_editor, person, written.id) == expected
        assert tmp_store.call(gone.score_edit, person, written.id, OWN) == expected
        assert tmp_store.call(gone.save_edit, person, written.id, OWN) == expected
        assert tmp_store.call(gone.reset_edit, person, written.id) == expected


def test_the_router_sends_each_edit_to_the_letters_campaign(
    tmp_store: Store, campaign: Campaign
) -> None:
    library = load_campaign(LIBRARY_CAMPAIGN)
    desks = Desks.of((campaign, library), campaign)
    tmp_store.call(DraftingRouter(desks).start_letter, ANI, None, library.id)
    written = write_letters(tmp_store, DraftingRouter(desks)).letters[0]  # type: ignore[arg-type]
    letters = LettersRouter(desks)
    saved = tmp_store.call(letters.save_edit, ANI, written.id, OWN)
    assert isinstance(saved, EditorLetter) and saved.letter.campaign_id == library.id
    assert isinstance(tmp_store.call(letters.score_edit, ANI, written.id, OWN), Scored)
    back = tmp_store.call(letters.reset_edit, ANI, written.id)
    assert isinstance(back, EditorLetter) and back.letter.body == written.body


def test_the_message_showing_a_letter_is_remembered_in_its_own_chat_only(
    tmp_store: Store, drafting: Drafting
) -> None:
    written = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(welcome, ARA)
    tmp_store.call(remember_message, ANI.id, written.id, 41)
    tmp_store.call(remember_message, ARA.id, written.id, 99)  # not her letter: ignored
    assert letter_row(tmp_store, written.id).message_id == 41
    tmp_store.call(remember_message, ANI.id, written.id, 42)
    shown = tmp_store.call(editor_of(drafting).open, ANI, written.id)
    assert shown is not None and shown.message_id == 42
