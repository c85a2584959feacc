"""Old buttons, doctored buttons and other people's buttons: answered, polite, and harmless."""

from __future__ import annotations

from tests.e2e.helpers import (
    active_draft,
    assert_clean,
    drive_to_letters,
    error_records,
    latest,
    letter_id_of,
    letter_row,
    letter_rows,
    settle,
    started_letters,
    step_of,
    supporter_row,
    wait_answered,
)


async def to_story_step(s) -> None:
    await s.say("/start")  # the welcome asks the first question
    await s.tap("Continue")
    await s.tap("Sign as")
    await s.say("91203")
    assert step_of(latest(s)) == "story"


async def test_old_prompt_button_changes_nothing(running_bot, fake, ani, caplog) -> None:
    await to_story_step(ani)
    place_prompt = next(m for m in fake.chat(ani.id) if step_of(m) == "place")
    assert place_prompt.buttons  # the place question's Skip is still on screen
    draft = active_draft(running_bot, ani.id)

    query = fake.tap_button(ani.user, place_prompt, "Skip")
    toast = await wait_answered(fake, query)
    assert toast == "That button is out of date."
    after = active_draft(running_bot, ani.id)
    assert (after.id, after.revision, after.state) == (draft.id, draft.revision, draft.state)
    assert after.state["place"]["zip"] == "91203"  # the skip did not wipe the answered place
    # The old question loses its buttons; the current one (the story) is the latest message.
    assert fake.message(ani.id, place_prompt.message_id).buttons == []
    assert step_of(fake.last_message(ani.id)) == "story"

    # The draft carries on normally afterwards.
    await ani.say("My grandmother was born in Shushi.")
    await fake.wait_for(lambda f: len(ani.letters()) == 2)
    await assert_clean(running_bot, caplog)


async def test_button_of_a_finished_draft_leads_back(running_bot, fake, ani, caplog) -> None:
    drive = await started_letters(ani)
    story_prompt = next(m for m in fake.chat(ani.id) if step_of(m) == "story")
    rows = letter_rows(running_bot, ani.id)

    changed = await ani.tap("Skip", story_prompt)
    (notice,) = [m for m in changed if m.message_id != story_prompt.message_id]
    assert "finished or was cancelled" in notice.content
    assert "Write a letter" in str(notice.buttons)
    assert [(r.id, r.body, r.sent_at) for r in letter_rows(running_bot, ani.id)] == [
        (r.id, r.body, r.sent_at) for r in rows
    ]
    assert len(ani.letters()) == len(drive.letters)
    await assert_clean(running_bot, caplog)


async def test_double_tap_on_continue_moves_one_step(running_bot, fake, ani, caplog) -> None:
    await ani.say("/letter")
    prompt = latest(ani)
    revision = active_draft(running_bot, ani.id).revision
    first = fake.tap_button(ani.user, prompt, "Continue")
    second = fake.tap_button(ani.user, prompt, "Continue")
    toasts = [await wait_answered(fake, first), await wait_answered(fake, second)]
    # One tap moves the draft; the other finds its revision used up and is told so.
    assert sorted(toasts, key=lambda t: t or "") == [
        None,
        "That button is out of date.",
    ]
    assert active_draft(running_bot, ani.id).revision == revision + 1
    assert step_of(fake.message(ani.id, prompt.message_id)) == "name"
    # The losing tap re-renders the same prompt into the same message: a 400 "not modified"
    # (see test_double_tap_on_a_prompt_makes_no_failed_edit).
    await assert_clean(running_bot, caplog, allow_not_modified=True)


TAMPERED = [
    "d|999|1|ok",
    "d|999|1|t|president",
    "d|1|0|t",  # a toggle without a choice
    "d|1|0|a",  # an ask's toggle without a choice
    "d|999|1|a|aid",
    "d|1|0|ok|extra",
    "d|x|y|ok",
    "l|abc|sent",
    "l|1|burn",
    "l|0|sent",
    "l|-1|again",
    "l|1.5|edit",
    "m|nope",
    "m|letter|extra",
    "x",
    "|",
    "||||",
    "\u0000",
    "é" * 32,  # 64 bytes of UTF-8
    "Z" * 64,  # exactly the 64-byte limit
    "🙂" * 16,  # 64 bytes of 4-byte characters
]


async def test_tampered_callback_data_is_answered_politely(running_bot, fake, ani, caplog) -> None:
    # Straight into a draft: each tampered tap below may cost a send, and the whole test must
    # stay under Telegram's 30 sends a second.
    await ani.say("/letter")
    prompt = latest(ani)
    draft = active_draft(running_bot, ani.id)

    for data in TAMPERED:
        mark = fake.version
        query = await ani.tap_data(prompt, data)
        record = fake.callback(query)
        said = [m.content for m in fake.changed_since(ani.id, mark)]
        assert record.answer_text or said, f"{data!r} got a silent answer"
        for text in [record.answer_text or "", *said]:
            assert "wrong" not in text, f"{data!r}: {text}"  # not the error message
        after = active_draft(running_bot, ani.id)
        assert (after.id, after.revision, after.state) == (draft.id, draft.revision, draft.state)

    # The real buttons still work, from where the draft was.
    assert step_of(fake.message(ani.id, prompt.message_id)) == "targets"
    await ani.tap("Continue", fake.message(ani.id, prompt.message_id))
    assert step_of(fake.message(ani.id, prompt.message_id)) == "name"
    assert active_draft(running_bot, ani.id).revision == draft.revision + 1
    assert supporter_row(running_bot, ani.id).editing_letter_id is None
    # "d|999|..." is stale: the bot redraws the current prompt over itself, a 400 "not modified"
    # (see test_stale_tap_on_the_current_prompt_makes_no_failed_edit).
    await assert_clean(running_bot, caplog, allow_not_modified=True)


async def test_tampered_letter_buttons_without_any_data(
    running_bot, make_supporter, caplog
) -> None:
    """A person the bot has never seen taps doctored letter and draft buttons."""
    fake = running_bot.fake
    eve = make_supporter(6666, "Eve", None)
    await eve.say("/help")
    message = latest(eve)
    for data in ("l|1|sent", "l|1|again", "l|1|edit", "d|1|1|ok", "m|resume", "m|forget_yes"):
        query = await eve.tap_data(message, data)
        assert fake.callback(query).answered
    assert supporter_row(running_bot, eve.id) is None or not letter_rows(running_bot, eve.id)
    await assert_clean(running_bot, caplog)


async def test_someone_elses_letter_id_does_nothing(
    running_bot, fake, ani, make_supporter, caplog
) -> None:
    eve = make_supporter(1666, "Eve", "Mallory")
    drive = await started_letters(ani, unselect=("The Secretary of State",), letters=1)
    ani_letter_id = letter_id_of(drive.letters[0])
    ani_draft_id = letter_row(running_bot, ani_letter_id).draft_id
    before = letter_row(running_bot, ani_letter_id)

    await eve.say("/start")
    await eve.say("/letter")
    eve_prompt = latest(eve)
    eve_draft = active_draft(running_bot, eve.id)
    for action in ("sent", "again", "edit"):
        query = await eve.tap_data(eve_prompt, f"l|{ani_letter_id}|{action}")
        assert fake.callback(query).answer_text == "This letter is no longer available."
    # Ani's draft is done; Eve replays a button of it with its real id and revision.
    await eve.tap_data(eve_prompt, f"d|{ani_draft_id}|5|skip")

    after = letter_row(running_bot, ani_letter_id)
    assert after.sent_at is None, "Eve marked Ani's letter as sent"
    assert (after.body, after.variant, after.wording) == (
        before.body,
        before.variant,
        before.wording,
    )
    assert supporter_row(running_bot, eve.id).editing_letter_id is None
    after_draft = active_draft(running_bot, eve.id)
    assert (after_draft.revision, after_draft.state) == (eve_draft.revision, eve_draft.state)
    # Nothing of Ani's letter was shown to Eve.
    assert not any("Shushi" in m.content for m in fake.chat(eve.id))
    # Eve typing text now is not an edit of Ani's letter.
    await eve.say("This is Eve's text, long enough to pass as a whole letter.")
    assert letter_row(running_bot, ani_letter_id).body == before.body
    await assert_clean(running_bot, caplog, allow_not_modified=True)  # the replayed draft button


async def test_letter_id_too_large_for_the_database_is_harmless(
    running_bot, fake, ani, caplog
) -> None:
    drive = await started_letters(ani, unselect=("The Secretary of State",), letters=1)
    data = "l|" + "9" * 57 + "|sent"
    assert len(data.encode()) == 64
    mark = fake.version
    query = await ani.tap_data(drive.letters[0], data)
    await settle(running_bot)
    assert not error_records(caplog), [r.getMessage() for r in error_records(caplog)]
    assert not any("went wrong" in m.content for m in fake.changed_since(ani.id, mark))
    assert fake.callback(query).answered
    assert letter_rows(running_bot, ani.id)[0].sent_at is None


async def test_stale_tap_on_the_current_prompt_makes_no_failed_edit(
    running_bot, ani, caplog
) -> None:
    await ani.say("/letter")
    prompt = latest(ani)
    draft = active_draft(running_bot, ani.id)
    query = await ani.tap_data(prompt, f"d|{draft.id}|{draft.revision - 1}|ok")
    assert running_bot.fake.callback(query).answer_text.startswith("That button is out of date")
    await assert_clean(running_bot, caplog)


async def test_double_tap_on_a_prompt_makes_no_failed_edit(running_bot, fake, ani, caplog) -> None:
    await ani.say("/letter")
    prompt = latest(ani)
    first = fake.tap_button(ani.user, prompt, "Continue")
    second = fake.tap_button(ani.user, prompt, "Continue")
    await wait_answered(fake, first)
    await wait_answered(fake, second)
    await assert_clean(running_bot, caplog)


async def test_continue_my_letter_after_the_draft_is_finished(running_bot, ani, caplog) -> None:
    await ani.say("/letter")
    welcome = await ani.say("/start")
    await ani.tap("Continue my letter", welcome)
    await drive_to_letters(ani, start=None)
    changed = await ani.tap("Continue my letter", welcome)
    (reply,) = [m for m in changed if m.message_id != welcome.message_id]
    assert "not expecting a message" not in reply.content
    assert "finished or was cancelled" in reply.content
