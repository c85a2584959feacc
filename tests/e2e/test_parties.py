"""Letter-writing parties over HTTP in a group chat: an administrator opens one, people write
through the card's link in private, the card's count follows, /party end thanks everyone, and
the group never sees a name, a place or a letter."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlmodel import select

from bot.parties import CARD_EVERY, PARTY_PREFIX
from bot.reports.stats import campaign_stats
from bot.store.models import Letter, Party, utcnow
from bot.telegram.organizers.access import AdminGate
from bot.telegram.parties import PartyHandlers
from bot.telegram.supporters.use_cases import UseCases
from tests.e2e.conftest import RunningBot
from tests.e2e.helpers import assert_clean, drive_to_letters, settle
from tests.fakes.telegram_api import BotMessage, FakeGroup

STORY = "My grandmother Siranush was born in Shushi, and I want her town remembered."


async def _in_group(bot: RunningBot, group: FakeGroup, user: Any, text: str) -> BotMessage:
    """Say `text` in the group; the bot's newest message there once it has answered."""
    since = bot.fake.version
    bot.fake.send_group_text(user, group, text)
    await bot.fake.wait_for_reply(group.id, since)
    await settle(bot)
    return bot.fake.chat(group.id)[-1]


async def _refresh(bot: RunningBot, later: timedelta) -> None:
    """Run the card job once as if `later` had passed (the job queue runs it every 10 s)."""
    handlers = PartyHandlers(UseCases.of(bot.campaign, bot.store), AdminGate(frozenset()))
    await handlers.refresh_cards(SimpleNamespace(bot=bot.app.bot), utcnow() + later)


def _party(bot: RunningBot) -> Party:
    with bot.store.transaction() as repo:
        (party,) = repo.session.exec(select(Party)).all()
        return party


async def test_a_party_from_card_to_thank_you(running_bot, fake, make_supporter, caplog) -> None:
    host, guest = make_supporter(3001, "Nare", None), make_supporter(3002, "Aram", "Petrosyan")
    group = fake.make_group("Glendale church hall", members=[guest.user], admins=[host.user])
    fake.add_bot_to_group(group, by=host.user)
    await settle(running_bot)

    refused = await _in_group(running_bot, group, guest.user, "/party")
    assert "Only the group's administrators" in refused.content
    card = await _in_group(running_bot, group, host.user, "/party Glendale write-in")
    assert card.content.startswith("🎉 Glendale write-in")
    assert "Letters written here: 0" in card.content
    ((label, _),) = card.buttons
    code = _party(running_bot).code
    assert label == "✍️ Write yours"
    assert card.inline_keyboard[0][0]["url"].endswith(f"?start={PARTY_PREFIX}{code}")

    # A supporter command in the group: a way to private, never an answer in public.
    nudge = await _in_group(running_bot, group, guest.user, "/letter")
    assert "private chat" in nudge.content
    assert nudge.inline_keyboard[0][0]["url"].endswith(f"?start={PARTY_PREFIX}{code}")

    since = fake.version
    fake.follow_button(guest.user, card, "✍️ Write yours")
    await fake.wait_for_reply(guest.id, since)
    drive = await drive_to_letters(guest, start=None, place="Glendale, CA 91206", story=STORY)
    await guest.tap("I sent it", drive.letters[0])
    with running_bot.store.transaction() as repo:
        party_letters = repo.session.exec(select(Letter).where(Letter.party_id.is_not(None))).all()
    assert len(party_letters) == len(drive.letters) == 2

    posts = len(fake.group_posts(group))
    await _refresh(running_bot, timedelta(seconds=5))  # too soon after the card was posted
    assert len(fake.group_posts(group)) == posts
    await _refresh(running_bot, CARD_EVERY)
    shown = fake.message(group.id, card.message_id)
    assert "Letters written here: 2" in shown.content and "Sent: 1" in shown.content
    await _refresh(running_bot, 2 * CARD_EVERY)  # the count did not move: no edit
    assert len(fake.group_posts(group)) == posts + 1

    thanks = await _in_group(running_bot, group, host.user, "/party end")
    assert "Thank you, everyone" in thanks.content and "People who wrote: 1" in thanks.content
    final = fake.message(group.id, card.message_id)
    assert "This party has ended" in final.content and final.buttons == []
    again = await _in_group(running_bot, group, host.user, "/party end")
    assert "no party going on" in again.content

    in_group = " ".join(str(c.params) for c in fake.group_posts(group))
    for private in ("Aram", "Petrosyan", "Glendale, CA", "91206", "Siranush", "Dear"):
        assert private not in in_group
    with running_bot.store.transaction() as repo:
        stats = campaign_stats(repo, running_bot.campaign)
    assert [(t.label, t.drafted, t.sent) for t in stats.by_party] == [("Glendale write-in", 2, 1)]
    await assert_clean(running_bot, caplog)
