"""Tests of the fake Telegram Bot API's group chats, driven through a real ``telegram.Bot``.

They pin what the bot's group features will rely on: the updates Telegram sends when the bot is
added or removed and when members write (under privacy mode), sends and edits in a group, taps
on group messages, url buttons and their deep links, the 20-a-minute group limit, the 403 when
the bot is not a member, and getChatMember/getChatAdministrators.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Bot as PtbBot
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter

from tests.fakes.telegram_api import FakeGroup, FakeTelegram, FakeUser

TOKEN = "123456:TEST-token"
BOT_ID = 123456
LINK = "https://t.me/campaign_test_bot?start=party-7"

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[PtbBot]:
    async with PtbBot(TOKEN, base_url=fake.base_url) as ptb:
        yield ptb


@pytest.fixture
def people(fake: FakeTelegram) -> dict[str, FakeUser]:
    return {
        "olga": fake.make_user(11, "Olga"),
        "anna": fake.make_user(12, "Anna"),
        "ben": fake.make_user(13, "Ben"),
        "zoe": fake.make_user(14, "Zoe"),
    }


@pytest.fixture
def group(fake: FakeTelegram, people: dict[str, FakeUser]) -> FakeGroup:
    """A supergroup Olga created, Anna administers and Ben is in; Zoe is not."""
    return fake.make_group(
        "Letter party", members=[people["ben"]], admins=[people["olga"], people["anna"]]
    )


def party_card(url: str = LINK) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Write yours", url=url)],
            [InlineKeyboardButton("Count", callback_data="count")],
        ]
    )


async def updates(bot: PtbBot) -> list[Update]:
    """Everything queued, confirmed at once (the next call starts after these)."""
    got = await bot.get_updates(timeout=0)
    if got:
        await bot.get_updates(offset=got[-1].update_id + 1, timeout=0)
    return list(got)


def seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---- membership ----------------------------------------------------------------------------------


async def test_bot_not_in_group_gets_403_until_added(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    assert group.id < -1_000_000_000_000 and str(group.id).startswith("-100")
    with pytest.raises(Forbidden, match=r"^Forbidden: bot is not a member of the supergroup chat$"):
        await bot.send_message(group.id, "hello?")
    assert fake.send_group_text(people["ben"], group, "/party") is None  # the bot isn't there

    fake.add_bot_to_group(group, by=people["olga"])
    joined, service = await updates(bot)
    assert joined.my_chat_member is not None
    change = joined.my_chat_member
    assert change.chat.id == group.id and change.chat.type == "supergroup"
    assert change.chat.title == "Letter party" and change.from_user.id == people["olga"].id
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("left", "member")
    assert change.new_chat_member.user.id == BOT_ID
    assert service.message is not None and service.message.new_chat_members[0].id == BOT_ID

    sent = await bot.send_message(group.id, "Hello, party!")
    assert sent.chat.type == "supergroup" and sent.chat.title == "Letter party"
    assert [m.text for m in fake.chat(group.id)] == ["Hello, party!"]

    fake.remove_bot_from_group(group, by=people["anna"])
    (removed,) = await updates(bot)
    assert removed.my_chat_member is not None
    assert removed.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was kicked from the supergroup chat$"):
        await bot.send_message(group.id, "still here?")
    with pytest.raises(Forbidden, match="kicked"):
        await bot.edit_message_text("edited", chat_id=group.id, message_id=sent.message_id)


async def test_basic_group_and_the_bot_leaving(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser]
) -> None:
    small = fake.make_group("Small", admins=[people["olga"]], chat_type="group")
    assert -1_000_000_000_000 < small.id < 0
    fake.add_bot_to_group(small, by=people["olga"])
    assert (await bot.send_message(small.id, "hi")).chat.type == "group"
    fake.remove_bot_from_group(small)  # the bot leaves by itself
    left = (await updates(bot))[-1].my_chat_member
    assert left is not None and left.new_chat_member.status == "left"
    assert left.from_user.id == BOT_ID
    with pytest.raises(Forbidden, match=r"^Forbidden: bot is not a member of the group chat$"):
        await bot.send_message(small.id, "hi again")
    with pytest.raises(ValueError, match="chat_type"):
        fake.make_group("Channel", chat_type="channel")
    public = fake.make_group("Public", admins=[people["olga"]], username="letters_public")
    fake.add_bot_to_group(public, by=people["olga"])
    assert (await bot.send_message("@letters_public", "hi")).chat.id == public.id


async def test_get_chat_member_and_administrators(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    with pytest.raises(Forbidden, match="not a member"):
        await bot.get_chat_administrators(group.id)
    fake.add_bot_to_group(group, by=people["olga"])
    statuses = {
        name: (await bot.get_chat_member(group.id, user.id)).status for name, user in people.items()
    }
    assert statuses == {"olga": "creator", "anna": "administrator", "ben": "member", "zoe": "left"}
    assert (await bot.get_chat_member(group.id, BOT_ID)).status == "member"
    with pytest.raises(BadRequest, match=r"^User not found$"):
        await bot.get_chat_member(group.id, 999)

    admins = await bot.get_chat_administrators(group.id)
    assert [(a.user.id, a.status) for a in admins] == [(11, "creator"), (12, "administrator")]

    fake.set_member_status(group, people["ben"], "administrator")
    fake.set_member_status(group, people["anna"], "left")
    assert (await bot.get_chat_member(group.id, people["ben"].id)).status == "administrator"
    assert fake.member_status(group, people["anna"].id) == "left"
    fake.add_bot_to_group(group, by=people["olga"], admin=True)
    admins = await bot.get_chat_administrators(group.id)
    assert [a.user.id for a in admins] == [11, 13, BOT_ID]


# ---- members writing --------------------------------------------------------------------------


async def test_members_commands_reach_the_bot_under_privacy_mode(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    fake.add_bot_to_group(group, by=people["olga"])
    await updates(bot)
    assert (await bot.get_me()).can_read_all_group_messages is False
    ben, anna = people["ben"], people["anna"]
    assert fake.send_group_text(anna, group, "/party Spring letters") is not None
    assert fake.send_group_text(ben, group, "/party@campaign_test_bot end") is not None
    assert fake.send_group_text(ben, group, "/party@other_bot") is None
    assert fake.send_group_text(ben, group, "just chatting") is None
    with pytest.raises(AssertionError, match="not in group"):
        fake.send_group_text(people["zoe"], group, "/party")

    first, second = await updates(bot)
    assert first.message is not None and second.message is not None
    assert first.message.chat.type == "supergroup" and first.message.chat.id == group.id
    assert first.message.from_user is not None and first.message.from_user.id == anna.id
    assert first.message.text == "/party Spring letters"
    assert [(e.type, e.offset, e.length) for e in first.message.entities] == [("bot_command", 0, 6)]
    assert second.message.entities[0].length == len("/party@campaign_test_bot")

    card = await bot.send_message(group.id, "Party!")
    assert fake.send_group_text(ben, group, "count me in", reply_to=fake.chat(group.id)[0])
    (reply,) = await updates(bot)
    assert reply.message is not None and reply.message.reply_to_message is not None
    assert reply.message.reply_to_message.message_id == card.message_id
    assert "Ben: just chatting" in fake.transcript(group.id)


async def test_without_privacy_or_as_admin_the_bot_sees_everything() -> None:
    with FakeTelegram(group_privacy=False) as fake:
        olga = fake.make_user(11, "Olga")
        chat = fake.make_group("Open", admins=[olga])
        fake.add_bot_to_group(chat, by=olga)
        assert fake.send_group_text(olga, chat, "hello all") is not None
    with FakeTelegram() as fake:
        olga = fake.make_user(11, "Olga")
        chat = fake.make_group("Admin bot", admins=[olga])
        fake.add_bot_to_group(chat, by=olga, admin=True)
        assert fake.send_group_text(olga, chat, "hello all") is not None


# ---- the bot's group messages -----------------------------------------------------------------


async def test_edits_taps_and_answers_on_a_group_message(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    fake.add_bot_to_group(group, by=people["olga"])
    await updates(bot)
    card = await bot.send_message(group.id, "0 letters", reply_markup=party_card())
    mark = fake.version
    edited = await bot.edit_message_text("3 letters", chat_id=group.id, message_id=card.message_id)
    assert isinstance(edited, Message) and edited.chat.id == group.id
    reply = await fake.wait_for_reply(group.id, since=mark)
    assert reply.text == "3 letters" and reply.edits == 1 and reply.version > mark
    await bot.edit_message_reply_markup(
        chat_id=group.id, message_id=card.message_id, reply_markup=party_card(LINK + "b")
    )
    current = fake.message(group.id, card.message_id)
    assert current is not None and current.edits == 2
    assert current.buttons == [("Write yours", LINK + "b"), ("Count", "count")]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "3 letters",
            chat_id=group.id,
            message_id=card.message_id,
            reply_markup=party_card(LINK + "b"),
        )

    query_id = fake.tap_button(people["ben"], current, "Count")
    (tap,) = await updates(bot)
    assert tap.callback_query is not None and tap.callback_query.data == "count"
    assert tap.callback_query.from_user.id == people["ben"].id
    assert tap.callback_query.message is not None
    assert tap.callback_query.message.chat.id == group.id
    assert await bot.answer_callback_query(query_id, "Thanks!")
    assert fake.callback(query_id).answered and fake.callback(query_id).answer_text == "Thanks!"
    assert fake.unanswered_callbacks() == []
    with pytest.raises(AssertionError, match="not in group"):
        fake.tap_button(people["zoe"], current, "Count")
    posts = fake.group_posts(group)
    assert [p.method for p in posts] == ["sendMessage", "editMessageText", "editMessageReplyMarkup"]


async def test_url_buttons_are_checked_and_deep_links_followed(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    fake.add_bot_to_group(group, by=people["olga"])
    await updates(bot)
    for url, error in [
        ("ftp://example.com/x", "(?i)unsupported url protocol"),
        ("not a url", "(?i)wrong http url"),
        ("https://", "(?i)wrong http url"),
    ]:
        with pytest.raises(BadRequest, match=error):
            await bot.send_message(group.id, "card", reply_markup=party_card(url))
    both = InlineKeyboardButton("Write yours", url=LINK, callback_data="write")
    with pytest.raises(BadRequest, match="several actions"):
        await bot.send_message(group.id, "card", reply_markup=InlineKeyboardMarkup([[both]]))
    assert fake.chat(group.id) == []

    card = await bot.send_message(group.id, "card", reply_markup=party_card())
    raw = fake.calls_to("sendMessage")[-1].result["reply_markup"]["inline_keyboard"][0][0]
    assert raw == {"text": "Write yours", "url": LINK}  # no callback_data on a url button
    with pytest.raises(AssertionError, match="callback_data"):
        fake.tap(people["ben"], fake.chat(group.id)[0], LINK)
    update_id = fake.follow_button(people["zoe"], fake.chat(group.id)[0], "Write yours")
    message = fake.update(update_id)["message"]
    assert message["chat"] == {"id": 14, "type": "private", "first_name": "Zoe"}
    assert message["text"] == "/start party-7"
    assert card.reply_markup is not None
    with pytest.raises(AssertionError, match="invalid start parameter"):
        fake.follow_link(people["zoe"], "https://t.me/campaign_test_bot?start=bad%20one")
    with pytest.raises(AssertionError, match="not to @campaign_test_bot"):
        fake.follow_link(people["zoe"], "https://t.me/other_bot?start=x")


# ---- flood control ----------------------------------------------------------------------------


async def test_twenty_posts_a_minute_per_group_sends_and_edits_alike(
    fake: FakeTelegram, bot: PtbBot, people: dict[str, FakeUser], group: FakeGroup
) -> None:
    other = fake.make_group("Other", admins=[people["ben"]])
    for chat in (group, other):
        fake.add_bot_to_group(chat, by=people["ben"] if chat is other else people["olga"])
    first = await bot.send_message(group.id, "m0")
    for i in range(1, 19):
        await bot.send_message(group.id, f"m{i}")
    with pytest.raises(BadRequest, match="not modified"):  # a failed edit does not count
        await bot.edit_message_text("m0", chat_id=group.id, message_id=first.message_id)
    await bot.edit_message_text("m0 edited", chat_id=group.id, message_id=first.message_id)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group.id, "one too many")
    assert 55 <= seconds(caught.value.retry_after) <= 60
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("again", chat_id=group.id, message_id=first.message_id)
    await bot.send_message(other.id, "another group has its own minute")
    fake.make_user(15, "Priv", started=True)
    await bot.send_message(15, "private chats are not limited per minute")
    assert len(fake.chat(group.id)) == 19 and len(fake.group_posts(group)) == 20
    limited = [call for call in fake.errors if call.status == 429]
    assert [call.method for call in limited] == ["sendMessage", "editMessageText"]
    assert (
        limited[0].error
        == f"Too Many Requests: retry after {int(seconds(caught.value.retry_after))}"
    )


async def test_group_window_is_injectable_and_global_limit_still_applies() -> None:
    with FakeTelegram(group_rate_limit=2, group_rate_window=0.5, rate_limit=3) as fake:
        olga = fake.make_user(11, "Olga")
        chat = fake.make_group("Fast", admins=[olga])
        fake.add_bot_to_group(chat, by=olga)
        async with PtbBot(TOKEN, base_url=fake.base_url) as bot:
            await bot.send_message(chat.id, "1")
            await bot.send_message(chat.id, "2")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(chat.id, "3")
            assert seconds(caught.value.retry_after) == 1
            await asyncio.sleep(1.1)
            await bot.send_message(chat.id, "after the window")
            fake.state.group_flood.limit = None
            await bot.send_message(chat.id, "a")
            await bot.send_message(chat.id, "b")
            with pytest.raises(RetryAfter):  # 30/s across chats, here 3/s
                for i in range(3):
                    await bot.send_message(chat.id, f"burst {i}")
