"""The buttons under a letter and the commands around it, checked against the database."""

from __future__ import annotations

from bot.store import Letter
from tests.e2e.conftest import Supporter
from tests.e2e.helpers import (
    active_draft,
    assert_clean,
    body_in_message,
    draft_rows,
    drive_to_letters,
    latest,
    letter_id_of,
    letter_row,
    letter_rows,
    source_of,
    started_letters,
    step_of,
    supporter_row,
    wait_answered,
)
from tests.fakes.telegram_api import BotMessage


async def one_letter(s: Supporter) -> tuple[int, BotMessage]:
    """/start and a one-letter draft to the President; (letter id, its message)."""
    drive = await started_letters(s, unselect=("The Secretary of State",), letters=1)
    (message,) = drive.letters
    return letter_id_of(message), message


async def test_i_sent_it_records_once_even_on_a_double_tap(running_bot, fake, ani, caplog) -> None:
    letter_id, message = await one_letter(ani)
    assert letter_row(running_bot, letter_id).sent_at is None

    # Two taps land before the bot has handled either (an impatient thumb).
    first = fake.tap_button(ani.user, message, "I sent it")
    second = fake.tap_button(ani.user, message, "I sent it")
    toasts = sorted(
        [await wait_answered(fake, first) or "", await wait_answered(fake, second) or ""]
    )
    assert toasts == ["Already recorded. Thank you!", "Recorded. Thank you for sending it!"]

    row = letter_row(running_bot, letter_id)
    assert row.sent_at is not None and row.outcome == "sent"
    shown = fake.message(ani.id, message.message_id)
    assert "Recorded as sent" in shown.content and "✅ Sent: thank you!" in str(shown.buttons)

    # The changed button says so, and tapping it again changes nothing.
    again = fake.tap_button(ani.user, shown, "Sent: thank you!")
    assert await wait_answered(fake, again) == "Already recorded. Thank you!"
    assert letter_row(running_bot, letter_id).sent_at == row.sent_at
    assert len(letter_rows(running_bot, ani.id)) == 1
    await assert_clean(running_bot, caplog)


async def test_another_wording_rewrites_the_letter_in_place(running_bot, ani, caplog) -> None:
    letter_id, message = await one_letter(ani)
    before = letter_row(running_bot, letter_id)
    assert body_in_message(message) == before.body

    seen_variants = {before.variant}
    bodies = {before.body}
    for wording in (1, 2):
        changed = await ani.tap("Another wording", ani.fake.message(ani.id, message.message_id))
        assert [m.message_id for m in changed] == [message.message_id]  # edited, not resent
        row = letter_row(running_bot, letter_id)
        assert row.wording == wording and row.variant not in seen_variants
        assert row.body not in bodies
        shown = ani.fake.message(ani.id, message.message_id)
        assert body_in_message(shown) == row.body
        # Still the supporter's letter: their story, name and place survive the rewording.
        for own in ("My grandmother was born in Shushi", "Ani Hakobyan", "Glendale, CA"):
            assert own in row.body
        seen_variants.add(row.variant)
        bodies.add(row.body)
    toast = ani.fake.calls_to("answerCallbackQuery")[-1].params.get("text")
    assert toast == "Here is another wording."
    assert len(ani.letters()) == 1 and len(letter_rows(running_bot, ani.id)) == 1
    await assert_clean(running_bot, caplog)


async def test_edit_replaces_the_stored_letter(running_bot, ani, caplog) -> None:
    letter_id, message = await one_letter(ani)
    original = letter_row(running_bot, letter_id)

    changed = await ani.tap("Edit", message)
    (prompt,) = changed
    assert "Edit your letter to The President" in prompt.content
    assert supporter_row(running_bot, ani.id).editing_letter_id == letter_id

    # Too short to be a letter: refused, nothing changes, still editing.
    refusal = await ani.say("Dear sir, no.")
    assert "too short to be a whole letter" in refusal.content
    assert "You are editing your letter to" in refusal.content
    assert letter_row(running_bot, letter_id).body == original.body

    mine = (
        "Dear Mr. President,\n\n"
        "I rewrote this myself. Please <b>act</b> on the Lachin Corridor & on aid.\n\n\n\n"
        "Ani   \n"
    )
    shown = await ani.say(mine)
    row = letter_row(running_bot, letter_id)
    expected = (
        "Dear Mr. President,\n\n"
        "I rewrote this myself. Please <b>act</b> on the Lachin Corridor & on aid.\n\nAni"
    )
    assert row.body == expected and row.edited
    assert row.variant == original.variant
    assert 0 < row.score <= 1
    assert shown.message_id != message.message_id  # the edited letter comes as a new message
    assert body_in_message(shown) == expected
    assert "Edited by you." in shown.content
    assert "🔄 New wording (drops my edit)" in [label for label, _ in shown.buttons]
    assert supporter_row(running_bot, ani.id).editing_letter_id is None

    # Editing is over: the next text is not taken as a letter.
    after = await ani.say("Thanks!")
    assert "not expecting a message" in after.content
    assert letter_row(running_bot, letter_id).body == expected
    # The edited letter's buttons still work.
    await ani.tap("I sent it", shown)
    assert letter_row(running_bot, letter_id).sent_at is not None
    await assert_clean(running_bot, caplog)


async def test_cancel_during_an_edit_keeps_the_letter(running_bot, ani, caplog) -> None:
    letter_id, message = await one_letter(ani)
    body = letter_row(running_bot, letter_id).body
    await ani.say("/letter")  # a new draft is under way while the old letter is edited
    await ani.tap("Edit", message)
    stopped = await ani.say("/cancel")
    assert "your letter stays as it was" in stopped.content
    assert active_draft(running_bot, ani.id) is not None  # /cancel stopped the edit only
    await ani.say("This long text arrives after the cancel and must not become the letter.")
    assert letter_row(running_bot, letter_id).body == body
    await assert_clean(running_bot, caplog)


async def test_start_over_begins_a_new_draft(running_bot, ani, caplog) -> None:
    _letter_id, message = await one_letter(ani)
    assert active_draft(running_bot, ani.id) is None

    changed = await ani.tap("Start over", message)
    prompt = latest(ani)
    assert prompt in changed and prompt.message_id != message.message_id
    assert step_of(prompt) == "targets"
    drafts = draft_rows(running_bot, ani.id)
    assert [d.status for d in drafts] == ["done", "active"]
    assert set(drafts[1].state["prefilled"]) == {"name", "place"}
    # Name and place are known now, so fewer steps remain (the demands share this screen).
    assert "Step 1 of 2" in prompt.content
    # The letter message is untouched.
    assert ani.fake.message(ani.id, message.message_id).content == message.content
    await assert_clean(running_bot, caplog)


async def test_nothing_selected_is_refused_with_an_alert(running_bot, fake, ani, caplog) -> None:
    await ani.say("/letter")
    await ani.tap("The President")
    await ani.tap("The Secretary of State")
    prompt = latest(ani)
    assert [label for label, _ in prompt.buttons][:2] == [
        "⬜ The President",
        "⬜ The Secretary of State",
    ]
    draft = active_draft(running_bot, ani.id)
    query = fake.tap_button(ani.user, prompt, "Continue")
    assert await wait_answered(fake, query) == "⚠️ Please select at least one recipient."
    assert fake.callback(query).show_alert
    after = active_draft(running_bot, ani.id)
    assert (after.revision, after.state) == (draft.revision, draft.state)
    assert step_of(fake.message(ani.id, prompt.message_id)) == "targets"
    # The same for what the letters ask, chosen on the same screen.
    await ani.tap("The Secretary of State", latest(ani))
    for title in [d.title for d in running_bot.campaign.demands]:
        await ani.tap(title, latest(ani))
    draft = active_draft(running_bot, ani.id)
    query = fake.tap_button(ani.user, latest(ani), "Continue")
    assert await wait_answered(fake, query) == "⚠️ Please select at least one thing to ask for."
    assert fake.callback(query).show_alert
    after = active_draft(running_bot, ani.id)
    assert (after.revision, after.state) == (draft.revision, draft.state)
    # Choosing one again lets the draft go on.
    await ani.tap("No US military aid", latest(ani))
    await ani.tap("Continue", latest(ani))
    assert step_of(latest(ani)) == "name"
    state = active_draft(running_bot, ani.id).state
    assert (state["targets"], state["demands"]) == (["secstate"], ["aid"])
    await assert_clean(running_bot, caplog)


async def test_cancel_stops_the_draft(running_bot, ani, caplog) -> None:
    await ani.say("/letter")
    await ani.tap("The President")
    draft_id = active_draft(running_bot, ani.id).id

    stopped = await ani.say("/cancel")
    assert "Stopped. Nothing more will be asked." in stopped.content
    assert active_draft(running_bot, ani.id) is None
    assert [d.status for d in draft_rows(running_bot, ani.id)] == ["cancelled"]

    # Text is no longer taken as an answer, and the old prompt's buttons lead back politely.
    reply = await ani.say("Ani")
    assert "not expecting a message" in reply.content
    prompt = ani.message_with("Continue")
    changed = await ani.tap("Continue", prompt)
    assert any("finished or was cancelled" in m.content for m in changed)
    assert [d.id for d in draft_rows(running_bot, ani.id)] == [draft_id]

    nothing = await ani.say("/cancel")
    assert "There was nothing to cancel" in nothing.content
    assert letter_rows(running_bot, ani.id) == []
    await assert_clean(running_bot, caplog)


async def test_help_and_privacy_answer(running_bot, ani, caplog) -> None:
    help_text = (await ani.say("/help")).content
    for command in ("/letter", "/demands", "/cancel", "/privacy", "/forget", "/help"):
        assert command in help_text
    assert running_bot.campaign.title in help_text

    privacy = (await ani.say("/privacy")).content
    assert "What I store" in privacy and "/forget" in privacy
    assert "never send your letter" in privacy
    # The command menu offers the same commands.
    menu = [name for name, _ in running_bot.fake.commands()]
    assert {"letter", "demands", "cancel", "privacy", "forget", "help"} <= set(menu)
    await assert_clean(running_bot, caplog)


async def test_forget_asks_first_then_deletes(
    running_bot, fake, make_supporter, ani, caplog
) -> None:
    bob = make_supporter(1002, "Bob", None)
    await ani.say("/start from_a_friend")
    drive = await drive_to_letters(ani, letters=2)
    first_letter = drive.letters[0]
    letter_ids = [letter_id_of(m) for m in drive.letters]
    await ani.tap("I sent it", first_letter)
    first_letter = fake.message(ani.id, first_letter.message_id)
    await bob.say("/letter")  # someone else's data must survive Ani's /forget
    story_prompt = ani.message_with("Skip")  # an old prompt (the story question)

    confirm = await ani.say("/forget")
    assert "Delete your data?" in confirm.content
    changed = await ani.tap("Keep my data", confirm)
    assert [m.message_id for m in changed] == [confirm.message_id]
    assert "nothing was deleted" in changed[0].content and changed[0].buttons == []
    assert supporter_row(running_bot, ani.id) is not None
    assert all(letter_row(running_bot, i).body for i in letter_ids)

    confirm = await ani.say("/forget")
    changed = await ani.tap("Yes, delete", confirm)
    assert "your data and letters are deleted" in changed[0].content
    assert supporter_row(running_bot, ani.id) is None
    for letter_id in letter_ids:  # only anonymous counts remain
        row: Letter = letter_row(running_bot, letter_id)
        assert row.supporter_id is None and row.body == "" and row.draft_id is None
    assert letter_row(running_bot, letter_ids[0]).sent_at is not None  # still counted as sent
    assert supporter_row(running_bot, bob.id) is not None and active_draft(running_bot, bob.id)

    # Buttons on the old letters get a polite answer, not a crash.
    for label in ("Sent: thank you!", "Another wording", "Edit"):
        query = fake.tap_button(ani.user, first_letter, label)
        assert await wait_answered(fake, query) == "This letter is no longer available."
    query = fake.tap_button(ani.user, drive.letters[1], "Another wording")
    assert await wait_answered(fake, query) == "This letter is no longer available."
    assert fake.message(ani.id, first_letter.message_id).content == first_letter.content
    changed = await ani.tap("Skip", story_prompt)
    assert any("finished or was cancelled" in m.content for m in changed)
    assert supporter_row(running_bot, ani.id) is None  # a stale tap does not recreate her

    # Coming back is a fresh start: a new welcome, a new source, no remembered name.
    welcome = await ani.say("/start second_visit")
    assert "Welcome, Ani Hakobyan!" in welcome.content and "back" not in welcome.content
    assert source_of(running_bot, ani.id) == "second_visit"
    assert supporter_row(running_bot, ani.id).signing_name is None
    await assert_clean(running_bot, caplog)


async def test_forget_without_data(running_bot, ani, caplog) -> None:
    confirm = await ani.say("/forget")
    changed = await ani.tap("Yes, delete", confirm)
    assert "I had no data about you" in changed[0].content
    await assert_clean(running_bot, caplog)
