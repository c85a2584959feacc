"""Odd and hostile input: oversized text, template and HTML syntax, other scripts, non-text
messages. Every case must end with zero Bot API errors and the supporter's words intact."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import (
    active_draft,
    assert_clean,
    body_in_message,
    drive_to_letters,
    latest,
    letter_rows,
    settle,
    started_letters,
    step_of,
)


async def to_step(s, step: str) -> None:
    """From nothing to the given question, with all defaults."""
    await s.say("/start")  # the welcome asks the first question (who, and what to ask)
    answers = {
        "targets": None,
        "name": ("Continue",),
        "place": ("Continue", "Sign as"),
        "story": ("Continue", "Sign as", "91203"),
    }[step]
    for answer in answers or ():
        if answer.isdigit():
            await s.say(answer)
        else:
            await s.tap(answer, latest(s))
    assert step_of(latest(s)) == step, s.fake.transcript(s.id)


async def test_story_over_the_limit_is_refused_clearly(running_bot, ani, caplog) -> None:
    await to_step(ani, "story")
    draft = active_draft(running_bot, ani.id)

    reply = await ani.say("A" * 2990 + " the end")  # 2,998 characters
    assert "That is 2,998 characters; the limit here is 1,200." in reply.content
    assert step_of(reply) == "story"  # the question is asked again
    after = active_draft(running_bot, ani.id)
    assert after.state["story"] is None and after.revision == draft.revision
    assert letter_rows(running_bot, ani.id) == []

    story = "B" * 1190 + " the end."  # 1,199 characters: fits
    await ani.say(story)
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 2)
    for row in letter_rows(running_bot, ani.id):
        assert story in row.body and "A" * 100 not in row.body
    await assert_clean(running_bot, caplog)


async def test_five_thousand_character_story(running_bot, ani, caplog) -> None:
    await to_step(ani, "story")
    # Telegram's apps send a 5,000-character text as two messages: 4,096 and 904 characters.
    reply = await ani.say("x" * 4096)
    assert "4,096 characters" in reply.content and "1,200" in reply.content
    tail = await ani.say("y" * 904)
    assert "the rest of the long text" in tail.content  # the tail does not pass for a story
    assert active_draft(running_bot, ani.id).state["story"] is None
    assert letter_rows(running_bot, ani.id) == []
    # A person then writes a shorter story; they take longer than the tail window to do so.
    with running_bot.store.transaction() as repo:
        supporter = repo.supporter(ani.id)
        assert supporter is not None and supporter.overflow_until is None  # the tail cleared it
    await ani.say("Shorter now: my grandmother was born in Shushi.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 2)
    assert "my grandmother was born in Shushi" in letter_rows(running_bot, ani.id)[0].body
    await assert_clean(running_bot, caplog)


async def test_name_longer_than_the_limit(running_bot, ani, caplog) -> None:
    await to_step(ani, "name")
    reply = await ani.say("N" * 81)
    assert "That is 81 characters; the limit here is 80." in reply.content
    assert step_of(reply) == "name"
    await assert_clean(running_bot, caplog)


TEMPLATE_AND_HTML = "{{ 7*7 }} <b>Ani</b> </pre> & {% raw %} ${7*7} &amp; <script>"


async def test_template_and_html_syntax_stays_literal(running_bot, ani, caplog) -> None:
    await ani.say("/start")
    story = (
        "{{ 7*7 }} is not math here. {% for i in range(3) %}loop{% endfor %} "
        "<i>not italic</i> </pre></code> & &lt; {{ config }} {{ ''.__class__ }}"
    )
    drive = await drive_to_letters(
        ani, name=TEMPLATE_AND_HTML, place="<b>Town</b>, </pre>", story=story, letters=2
    )
    for message, row in zip(drive.letters, letter_rows(running_bot, ani.id), strict=True):
        assert body_in_message(message) == row.body  # shown exactly as stored
        for text in (TEMPLATE_AND_HTML, story, "<b>Town</b>, </pre>"):
            assert text in row.body
        assert "49" not in row.body and "looploop" not in row.body
        assert "Config" not in row.body and "<class" not in row.body
        # In the chat, the markup is text, not formatting: nothing inside the letter's block.
        (pre,) = [e for e in message.entities if e["type"] == "pre"]
        inside = [
            e
            for e in message.entities
            if e is not pre and pre["offset"] <= e["offset"] < pre["offset"] + pre["length"]
        ]
        assert inside == []
    await assert_clean(running_bot, caplog)


async def test_hostile_telegram_name_is_shown_literally(
    running_bot, make_supporter, caplog
) -> None:
    ani = make_supporter(1001, "<b>{{ 7*7 }}", "& </pre>")
    welcome = await ani.say("/start")
    assert "Welcome, <b>{{ 7*7 }} & </pre>!" in welcome.content
    await ani.tap("Continue", welcome)
    name_prompt = latest(ani)
    assert "sign as <b>{{ 7*7 }} & </pre>," in name_prompt.content
    assert "✍️ Sign as <b>{{ 7*7 }} & </pre>" in str(name_prompt.buttons)
    await ani.tap("Sign as", name_prompt)
    await ani.tap("Skip", latest(ani))
    await ani.tap("Skip", latest(ani))
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 2)
    for row in letter_rows(running_bot, ani.id):
        assert "<b>{{ 7*7 }} & </pre>" in row.body and "49" not in row.body
    await assert_clean(running_bot, caplog)


ARMENIAN_STORY = (
    "Իմ տատիկը ծնվել է Շուշիում։ Մենք երբեք չենք մոռանա Արցախը։ "
    "Ես գրում եմ այս նամակը, որովհետև մեր ընտանիքը դեռ սպասում է արդարության։"
)
RTL_STORY = "جدتي ولدت في شوشي. סבתא שלי נולדה בשושי. 1915 — 2023."
EMOJI_STORY = "🇦🇲 My family 🙏🏽 ❤️ 🕊️ never forgets. 👵🏻"


@pytest.mark.parametrize(
    ("first", "last", "typed_name", "story"),
    [
        ("Անի", "Հակոբյան", None, ARMENIAN_STORY),
        ("Ani", None, "Անի Հակոբյան", ARMENIAN_STORY + "\n\n" + EMOJI_STORY),
        ("سارة", "حداد", None, RTL_STORY),
        ("Dana", None, "דנה כהן", RTL_STORY + " " + EMOJI_STORY),
        ("Ani", None, "Ani 🌸 Hakobyan 🇦🇲", EMOJI_STORY),
    ],
    ids=["armenian-telegram-name", "armenian-typed", "arabic", "hebrew", "emoji"],
)
async def test_other_scripts_and_emoji_survive(
    running_bot, make_supporter, caplog, first, last, typed_name, story
) -> None:
    ani = make_supporter(1001, first, last)
    drive = await started_letters(
        ani, name=typed_name, story=story, unselect=("The Secretary of State",), letters=1
    )
    expected_name = typed_name or " ".join(p for p in (first, last) if p)
    (row,) = letter_rows(running_bot, ani.id)
    assert story in row.body and expected_name in row.body
    assert body_in_message(drive.letters[0]) == row.body
    assert row.score > 0  # the story counts as the supporter's own words
    await assert_clean(running_bot, caplog)


async def test_joiners_in_a_story_survive(running_bot, ani, caplog) -> None:
    story = "Our family 👨‍👩‍👧 and 🏳️‍🌈 friends. می‌خواهم برگردم."
    await started_letters(ani, story=story, unselect=("The Secretary of State",), letters=1)
    (row,) = letter_rows(running_bot, ani.id)
    assert story in row.body


async def test_joiners_in_a_name_survive(running_bot, ani, caplog) -> None:
    name = "Zahra Mohammadi\u200czadeh 👩‍💻"
    await started_letters(ani, name=name, unselect=("The Secretary of State",), letters=1)
    (row,) = letter_rows(running_bot, ani.id)
    assert name in row.body


@pytest.mark.parametrize("kind", ["sticker", "photo", "contact", "location"])
async def test_non_text_where_text_is_expected(running_bot, ani, caplog, kind) -> None:
    await to_step(ani, "story")
    draft = active_draft(running_bot, ani.id)
    reply = await ani.send(kind)
    assert "I can only read text here. Please type your answer." in reply.content
    assert step_of(reply) == "story"
    after = active_draft(running_bot, ani.id)
    assert (after.revision, after.state) == (draft.revision, draft.state)
    # The same at the name step, via a fresh draft, and at a button step.
    await ani.say("My grandmother was born in Shushi.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 2)
    await assert_clean(running_bot, caplog)


@pytest.mark.parametrize("kind", ["sticker", "photo", "contact", "location"])
async def test_non_text_at_a_button_step_and_with_no_draft(running_bot, ani, caplog, kind) -> None:
    idle = await ani.send(kind)  # no draft at all yet
    assert "not expecting a message" in idle.content
    assert "Write a letter" in str(idle.buttons)
    await to_step(ani, "targets")
    revision = active_draft(running_bot, ani.id).revision
    reply = await ani.send(kind)
    assert "Please use the buttons under the question." in reply.content
    assert step_of(reply) == "targets" and reply.buttons
    assert active_draft(running_bot, ani.id).revision == revision
    await assert_clean(running_bot, caplog)


async def test_typed_answer_at_a_button_step(running_bot, ani, caplog) -> None:
    await to_step(ani, "targets")
    draft = active_draft(running_bot, ani.id)
    for typed in ("The President", "continue", "1", "✅"):
        reply = await ani.say(typed)
        assert "Please use the buttons under the question." in reply.content
        assert step_of(reply) == "targets"
    after = active_draft(running_bot, ani.id)
    assert (after.revision, after.state) == (draft.revision, draft.state)
    # The freshly sent question's buttons work.
    await ani.tap("Continue", latest(ani))
    assert step_of(latest(ani)) == "name"
    await assert_clean(running_bot, caplog)


async def test_blank_looking_answers(running_bot, ani, caplog) -> None:
    await to_step(ani, "name")
    for blank in ("\u200b", "\u200b \u200b", "\u0007\u0008"):
        reply = await ani.say(blank)
        assert "I couldn't find any words in that." in reply.content
        assert step_of(reply) == "name"
    assert active_draft(running_bot, ani.id).state["name"] is None
    await ani.tap("Sign as", ani.message_with("Sign as"))
    reply = await ani.say("Atlantis")
    assert "I couldn't tell where “Atlantis” is" in reply.content
    assert step_of(reply) == "place"
    await assert_clean(running_bot, caplog)


@pytest.mark.parametrize("typed", ["Coeur d'Alene", "<b>Nowhere</b>", "Smith & Sons"])
async def test_unrecognised_place_is_quoted_as_typed(running_bot, ani, caplog, typed) -> None:
    await to_step(ani, "place")
    reply = await ani.say(typed)
    assert step_of(reply) == "place"
    assert f"I couldn't tell where “{typed}”" in reply.content


@pytest.mark.parametrize(
    "command", ["/foo", "/sanctions", "/start_over", "/admin", "/stats", "/broadcast hi"]
)
async def test_unknown_commands_get_help(running_bot, ani, caplog, command) -> None:
    await to_step(ani, "story")
    draft = active_draft(running_bot, ani.id)
    reply = await ani.say(command)
    assert "/letter" in reply.content and "/help" in reply.content
    after = active_draft(running_bot, ani.id)
    assert (after.revision, after.state) == (draft.revision, draft.state)
    assert after.state["story"] is None  # a command is never taken as the story
    await assert_clean(running_bot, caplog)


async def test_editing_an_earlier_answer_does_not_answer_the_current_question(
    running_bot, fake, ani, caplog
) -> None:
    await to_step(ani, "name")
    since = fake.version
    update_id = fake.send_text(ani.user, "Ani H.")
    await fake.wait_for_reply(ani.id, since)
    await ani.say("91203")
    assert step_of(latest(ani)) == "story"

    typed = fake.update(update_id)["message"]
    fake.inject_update({"edited_message": {**typed, "text": "Ani Hakobyan", "edit_date": 1}})
    await settle(running_bot)
    draft = active_draft(running_bot, ani.id)
    assert draft is not None and draft.state["story"] is None
    assert letter_rows(running_bot, ani.id) == []
