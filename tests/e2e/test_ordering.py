"""Over HTTP: answers typed in quick succession, double taps and floods, on SQLite and PostgreSQL.

On PostgreSQL the bot used to handle one supporter's updates on several threads at once: a
place answer followed at once by the story was rejected as "an unrecognised place", and a
double tap on "Write a letter" ended in the generic error.
"""

from __future__ import annotations

import asyncio

from tests.e2e.helpers import assert_clean, draft_rows, latest, letter_rows, step_of

ERROR_WORDS = "Sorry, something went wrong"


async def test_place_and_story_sent_at_once_are_taken_in_order(
    running_bot, fake, make_supporter, caplog
) -> None:
    for n in range(5):  # several supporters, so the race has chances to show
        ani = make_supporter(3001 + n, f"Ani{n}")
        await ani.say("/start")
        await ani.tap("Continue", latest(ani))  # offices and demands
        await ani.tap("Sign as", latest(ani))
        assert step_of(latest(ani)) == "place"
        fake.send_text(ani.user, "91203")
        fake.send_text(ani.user, "My family fled in 2023 and I want them to be heard.")
        await fake.wait_for(lambda f, a=ani: len(a.letters()) >= 2, what="letters")
        transcript = fake.transcript(ani.id)
        assert "recognise" not in transcript and ERROR_WORDS not in transcript, transcript
        rows = letter_rows(running_bot, ani.id)
        assert rows and all("want them to be heard" in row.body for row in rows)
    await assert_clean(running_bot, caplog, allow_not_modified=True)


async def test_a_double_tap_on_write_a_letter_opens_one_draft(
    running_bot, fake, ani, caplog
) -> None:
    await ani.say("/demands")  # the summary ends with the button
    summary = ani.message_with("Write a letter")
    first = fake.tap_button(ani.user, summary, "Write a letter")
    second = fake.tap_button(ani.user, summary, "Write a letter")
    for query in (first, second):
        await fake.wait_for(lambda f, q=query: f.callback(q).answered, what="both answers")
    assert ERROR_WORDS not in fake.transcript(ani.id)
    assert len([d for d in draft_rows(running_bot, ani.id) if d.status == "active"]) == 1
    await assert_clean(running_bot, caplog, allow_not_modified=True)


async def test_a_flood_from_one_supporter_gets_one_notice_and_others_are_answered(
    running_bot, fake, make_supporter
) -> None:
    ani, bob = make_supporter(4001, "Ani"), make_supporter(4002, "Bob")
    await ani.say("/start")
    for n in range(150):
        fake.send_text(ani.user, f"spam {n}")
    reply = await bob.say("/start")
    assert "Welcome" in reply.content and step_of(reply) == "targets"
    await fake.wait_for(lambda f: not f.pending_updates(), what="all updates fetched")
    await asyncio.wait_for(running_bot.app.update_queue.join(), timeout=30)
    notices = [m for m in fake.chat(ani.id) if "faster than I can read" in m.content]
    assert len(notices) == 1
    assert len(fake.chat(ani.id)) <= 31 + 1  # the limit's worth of answers, the notice, /start
