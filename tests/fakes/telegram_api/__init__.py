"""A fake Telegram Bot API server for end-to-end tests, keeping what the bot uses.

The bot under test talks to it over real HTTP through python-telegram-bot's ``base_url``, so
the whole stack (PTB's request layer, de_json, error mapping, the Application's polling loop or
webhook) runs as in production. The fake reproduces the Telegram behaviours that break bots in
practice, for the methods the bot calls: HTML entity parsing with Telegram's error wording,
length limits counted after parsing in UTF-16 code units, 64-byte callback_data, "message is not
modified", blocked users and chats never started (403), flood control (429 + retry_after),
stale button taps, long polling and webhook delivery. A method it does not model answers a 400
that says so.

Standard library only: a ``ThreadingHTTPServer`` runs in a background thread; all state is
guarded by one lock so tests can inject updates and inspect calls from any thread or event loop.

Typical use::

    with FakeTelegram() as fake:
        app = Application.builder().token("123:abc").base_url(fake.base_url).build()
        alice = fake.make_user(1001, "Alice")
        mark = fake.version
        fake.send_text(alice, "/start")
        reply = await fake.wait_for_reply(alice.id, since=mark)
        assert "Welcome" in reply.text

Group chats: ``make_group`` (members, admins), ``add_bot_to_group``/``remove_bot_from_group``
(my_chat_member updates; sends where the bot is not a member get Telegram's 403),
``send_group_text`` (under privacy mode), ``tap_button`` on group messages, ``follow_button`` for
url deep links, getChatMember/getChatAdministrators, and the 20-posts-a-minute group limit.

Modules: ``fake`` (FakeTelegram), ``server`` (HTTP), ``methods`` (the Bot API methods),
``state`` (chats, files, calls), ``html`` (parse mode), ``content`` (limits, keyboards, images),
``flood`` (429s), ``updates`` (the queue and getUpdates), ``webhook`` (delivery), ``users`` and
``observe`` (what a test does and reads), ``records`` (the types a test sees), ``groups``,
``group_api`` and ``group_users`` (group chats: state, membership methods, what a test does).
"""

from .content import png_bytes
from .fake import FakeTelegram
from .groups import FakeGroup
from .html import parse_html, utf16_len
from .records import NOT_MODIFIED, ApiCall, BotMessage, FakeUser, UploadedFile

__all__ = [
    "NOT_MODIFIED",
    "ApiCall",
    "BotMessage",
    "FakeGroup",
    "FakeTelegram",
    "FakeUser",
    "UploadedFile",
    "parse_html",
    "png_bytes",
    "utf16_len",
]
