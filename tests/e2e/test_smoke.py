"""A whole conversation through the fake Bot API: /start to a stored, sent letter."""

from __future__ import annotations

from sqlmodel import select

from bot.store import Letter
from bot.store.models import Participation


async def test_new_supporter_gets_a_personal_letter(running_bot, ani) -> None:
    welcome = await ani.say("/start ig_story")
    assert "Welcome" in welcome.content
    assert "Who should get your letter" in welcome.content  # the first question, at once
    await ani.tap("The Secretary of State")  # unselect: one letter, to the President
    await ani.tap("Continue")
    await ani.tap("Sign as")
    await ani.say("91203")
    reply = await ani.say("My grandmother was born in Shushi.")
    letters = ani.letters()
    assert len(letters) == 1, ani.fake.transcript(ani.id)
    letter = letters[0]
    assert "Dear Mr. President" in letter.content
    assert "My grandmother was born in Shushi." in letter.content
    assert "Ani Hakobyan" in letter.content and "Glendale, CA" in letter.content
    assert reply.message_id == letter.message_id

    await ani.tap("I sent it", letter)
    await ani.tap("Sent", ani.fake.message(ani.id, letter.message_id))  # double tap
    with running_bot.store.transaction() as repo:
        rows = repo.session.exec(select(Letter)).all()
        joined = repo.session.exec(select(Participation)).one()
    assert len(rows) == 1 and rows[0].sent_at is not None
    assert rows[0].message_id is None  # no letter editor (WEB_URL): no message id is written
    assert (joined.campaign_id, joined.source) == (rows[0].campaign_id, "ig_story")
    assert running_bot.fake.errors == []
    assert running_bot.fake.unanswered_callbacks() == []
