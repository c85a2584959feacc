"""Tests of the fake Telegram Bot API itself.

Each behaviour is checked through a real ``telegram.Bot`` (proving PTB parses the replies and
raises the right exception types) and, where the wire format matters, through raw httpx.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes.telegram_api import (
    NOT_MODIFIED,
    FakeTelegram,
    FakeUser,
    UploadedFile,
    parse_html,
    png_bytes,
    utf16_len,
)

TOKEN = "123456:TEST-token"
VALID_HTML = '<b>x</b> &lt;tag&gt; <a href="https://e.org/?a=1&amp;b=2">l</a>'


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def alice(fake: FakeTelegram) -> FakeUser:
    """A user who has already started the bot, so it may message her."""
    return fake.make_user(1001, "Alice", "Liddell", "alice", started=True)


@pytest.fixture
def api(fake: FakeTelegram) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{fake.base_url}{TOKEN}/", timeout=20) as client:
        yield client


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[PtbBot]:
    ptb = PtbBot(TOKEN, base_url=fake.base_url)
    async with ptb:
        yield ptb


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


# ---- basics ------------------------------------------------------------------------------------


async def test_get_me_is_parsed_by_ptb(fake: FakeTelegram, bot: PtbBot) -> None:
    me = await bot.get_me()
    assert me.id == 123456  # from the token, like Telegram
    assert me.is_bot and me.username == "campaign_test_bot"
    assert me.can_join_groups is True
    assert fake.tokens == [TOKEN] and fake.token == TOKEN


def test_raw_responses_are_telegram_shaped(
    fake: FakeTelegram, api: httpx.Client, alice: FakeUser
) -> None:
    ok = api.post("sendMessage", json={"chat_id": alice.id, "text": "hi"})
    assert ok.status_code == 200
    body = ok.json()
    assert body["ok"] is True
    message = body["result"]
    assert message["text"] == "hi"
    assert message["chat"] == {"id": 1001, "type": "private", "first_name": "Alice",
                               "last_name": "Liddell", "username": "alice"}  # fmt: skip
    assert message["from"]["is_bot"] is True and message["from"]["id"] == 123456
    assert isinstance(message["date"], int) and message["message_id"] >= 1

    unmodelled = api.post("sendPoll", json={})
    assert unmodelled.status_code == 400
    assert "FakeTelegram does not implement sendPoll" in unmodelled.json()["description"]
    wrong_path = httpx.post(f"{fake.base_url[:-4]}/bto{TOKEN}/getMe")
    assert wrong_path.status_code == 404
    assert wrong_path.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    bad = api.post("sendMessage", data={"chat_id": "424242", "text": "x"})
    assert bad.status_code == 400
    assert bad.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }


def test_params_arrive_as_json_form_or_query_and_method_names_ignore_case(
    fake: FakeTelegram, api: httpx.Client, alice: FakeUser
) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    api.post("sendMessage", json={"chat_id": alice.id, "text": "json", "reply_markup": markup})
    api.post(
        "sendmessage",
        data={"chat_id": str(alice.id), "text": "form", "reply_markup": json.dumps(markup)},
    )
    api.get("SENDMESSAGE", params={"chat_id": alice.id, "text": "query"})

    assert [m.text for m in fake.chat(alice.id)] == ["json", "form", "query"]
    assert [c.method for c in fake.calls] == ["sendMessage"] * 3
    assert fake.calls[1].params["chat_id"] == alice.id  # form strings decoded like Telegram
    assert fake.calls[1].params["reply_markup"] == markup
    assert fake.chat(alice.id)[1].buttons == [("A", "a")]


# ---- HTML and lengths -------------------------------------------------------------------------


async def test_valid_html_passes_and_is_parsed_into_entities(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, VALID_HTML, parse_mode=ParseMode.HTML)
    assert sent.text == "x <tag> l"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 1),
        ("text_link", 8, 1),
    ]
    assert sent.entities[1].url == "https://e.org/?a=1&b=2"
    stored = fake.last_message(alice.id)
    assert stored is not None and stored.text == "x <tag> l"
    assert fake.calls_to("sendMessage")[-1].params["text"] == VALID_HTML


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("Hello there <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 12'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b>x</i>",
            'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        ),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("price <5 today", 'Unsupported start tag "5" at byte offset 6'),
        ("price <5", "Unclosed start tag at byte offset 6"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>s</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
    ],
)
async def test_bad_html_raises_bad_request(
    fake: FakeTelegram,
    bot: PtbBot,
    api: httpx.Client,
    alice: FakeUser,
    html: str,
    description: str,
) -> None:
    params = {"chat_id": alice.id, "text": html, "parse_mode": "HTML"}
    raw = await asyncio.to_thread(api.post, "sendMessage", json=params)
    assert raw.status_code == 400
    assert raw.json()["description"].startswith(f"Bad Request: can't parse entities: {description}")
    with pytest.raises(BadRequest, match=r"^Can't parse entities: ") as caught:
        await bot.send_message(alice.id, html, parse_mode=ParseMode.HTML)
    assert description.lower() in caught.value.message.lower()
    assert fake.chat(alice.id) == []


def test_html_offsets_are_bytes_and_lengths_utf16() -> None:
    with pytest.raises(ValueError, match='Unsupported start tag "br" at byte offset 13'):
        parse_html("привет <br>")
    text, entities = parse_html("<b>😀</b> <pre><code class='language-py'>x</code></pre>")
    assert text == "😀 x"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "pre", "offset": 3, "length": 1, "language": "py"},
    ]


def test_real_telegram_ampersand_mode_keeps_a_bare_ampersand() -> None:
    assert parse_html("Tom & Jerry &nbsp;") == ("Tom & Jerry &nbsp;", [])


async def test_text_length_is_counted_after_parsing_in_utf16(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    # 4096 visible characters pass even though the HTML source is longer.
    ok = await bot.send_message(alice.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert ok.text is not None and len(ok.text) == 4096
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(alice.id, "a" * 4097)
    # 2049 emoji are 4098 UTF-16 code units although Python counts 2049 characters.
    assert utf16_len("😀" * 2049) == 4098
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(alice.id, "😀" * 2049)
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(alice.id, " <b> </b>\n", parse_mode="HTML")
    assert len(fake.chat(alice.id)) == 1
    assert [e.error for e in fake.errors] == [
        "Bad Request: message is too long",
        "Bad Request: message is too long",
        "Bad Request: message text is empty",
    ]


async def test_only_html_and_plain_text_are_modelled(bot: PtbBot, alice: FakeUser) -> None:
    for mode in (ParseMode.MARKDOWN_V2, ParseMode.MARKDOWN):
        with pytest.raises(BadRequest, match=r"(?i)models parse_mode html and plain text only"):
            await bot.send_message(alice.id, "*Done*", parse_mode=mode)
    assert (await bot.send_message(alice.id, "*Done*")).text == "*Done*"


# ---- keyboards -----------------------------------------------------------------------------------


async def test_callback_data_over_64_bytes_is_rejected_everywhere(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "ok", reply_markup=keyboard(("A", "x" * 64)))
    assert sent.reply_markup == keyboard(("A", "x" * 64))
    for data in ("x" * 65, "é" * 33, ""):  # bytes, not characters, are counted
        with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
            await bot.send_message(alice.id, "no", reply_markup=keyboard(("A", data)))
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.edit_message_reply_markup(
            alice.id, sent.message_id, reply_markup=keyboard(("B", "y" * 65))
        )
    assert [m.text for m in fake.chat(alice.id)] == ["ok"]
    assert {e.error for e in fake.errors} == {"Bad Request: BUTTON_DATA_INVALID"}


# ---- editing -----------------------------------------------------------------------------------


async def test_edit_not_modified_and_not_found(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    markup = keyboard(("Yes", "y"))
    sent = await bot.send_message(alice.id, "<b>Q</b>", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text(
            "<strong>Q</strong>",  # same entities as <b>
            chat_id=alice.id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=markup)
    assert fake.errors[-1].error == NOT_MODIFIED

    edited = await bot.edit_message_text(
        "Q", chat_id=alice.id, message_id=sent.message_id, reply_markup=markup
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    # Like Telegram, an edit without reply_markup drops the keyboard.
    await bot.edit_message_text("Q2", chat_id=alice.id, message_id=sent.message_id)
    current = fake.message(alice.id, sent.message_id)
    assert current is not None and current.text == "Q2" and current.buttons == []
    assert current.edits == 2

    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=9999)


# ---- recipients ------------------------------------------------------------------------------


async def test_blocked_user_gives_forbidden_and_my_chat_member(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "before")
    fake.block(alice.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(alice.id, "after")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.edit_message_text("edit", chat_id=alice.id, message_id=sent.message_id)

    updates = await bot.get_updates(timeout=0)
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    assert [m.text for m in fake.chat(alice.id)] == ["before"]

    fake.unblock(alice.id)
    assert (await bot.send_message(alice.id, "again")).text == "again"


async def test_unknown_chat_and_user_who_never_wrote(fake: FakeTelegram, bot: PtbBot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(424242, "hello?")
    silent = fake.make_user(2002, "Silent")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(silent.id, "hello?")
    fake.send_text(silent, "hi bot")
    assert (await bot.send_message(silent.id, "hello!")).text == "hello!"


# ---- flood control -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_raises_retry_after() -> None:
    with FakeTelegram(rate_limit=3) as fake:
        user = fake.make_user(7, "Flo", started=True)
        async with PtbBot(TOKEN, base_url=fake.base_url) as bot:
            for i in range(3):
                await bot.send_message(user.id, f"m{i}")
            await bot.get_me()  # not a chat post: never limited
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(user.id, "one too many")
        retry_after = caught.value.retry_after
        seconds = (
            retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
        )
        assert seconds >= 1
        last = fake.errors[-1]
        assert last.status == 429 and last.error is not None
        assert last.error == f"Too Many Requests: retry after {int(seconds)}"
        assert len(fake.chat(user.id)) == 3


def test_rate_limit_raw_body_has_retry_after_parameter() -> None:
    with FakeTelegram(rate_limit=1) as fake, httpx.Client(timeout=10) as client:
        user = fake.make_user(8, "Raw", started=True)
        url = f"{fake.base_url}{TOKEN}/sendMessage"
        assert client.post(url, json={"chat_id": user.id, "text": "1"}).status_code == 200
        limited = client.post(url, json={"chat_id": user.id, "text": "2"})
        assert limited.status_code == 429
        body = limited.json()
        assert body["ok"] is False and body["error_code"] == 429
        assert body["parameters"]["retry_after"] >= 1
        assert body["description"] == (
            f"Too Many Requests: retry after {body['parameters']['retry_after']}"
        )


# ---- updates -----------------------------------------------------------------------------------


async def test_long_poll_returns_injected_update_promptly(fake: FakeTelegram, bot: PtbBot) -> None:
    carol = fake.make_user(3003, "Carol")
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    await fake.wait_for(lambda f: f.pending_polls == 1, what="the long poll to arrive")
    update_id = fake.send_text(carol, "/start campaign-42")

    # The poll asked for 60 s; it must come back as soon as the update exists.
    updates = await asyncio.wait_for(poll, timeout=15)
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.text == "/start campaign-42"
    assert message.from_user is not None and message.from_user.first_name == "Carol"
    entity = message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)

    # Offset confirms: the same update is not delivered again.
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert fake.pending_updates() == []


async def test_second_poller_terminates_the_first_with_conflict(
    fake: FakeTelegram, bot: PtbBot, api: httpx.Client
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=60))
    await fake.wait_for(lambda f: f.pending_polls == 1, what="the first poll")
    second = await asyncio.to_thread(api.post, "getUpdates", json={"timeout": 0})
    assert second.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=15)


async def test_webhook_blocks_get_updates(fake: FakeTelegram, bot: PtbBot) -> None:
    assert await bot.set_webhook("https://example.org/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook" and fake.webhook_url == info.url
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_other_user_messages_are_parsed(fake: FakeTelegram, bot: PtbBot) -> None:
    dave = fake.make_user(4004, "Dave")
    fake.send_sticker(dave)
    fake.send_photo(dave, caption="look")
    fake.send_empty(dave, "contact")
    fake.send_empty(dave, "location")
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates]
    assert all(m is not None and m.text is None for m in messages)
    assert messages[0] is not None and messages[0].sticker is not None
    assert messages[1] is not None and messages[1].caption == "look" and messages[1].photo
    assert messages[2] is not None and messages[2].contact is not None
    assert messages[3] is not None and messages[3].location is not None
    assert messages[1].photo[-1].width == 64 and messages[1].photo[-1].height == 48


# ---- callbacks ---------------------------------------------------------------------------------


async def test_tap_carries_current_message_and_answers_once(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "Pick", reply_markup=keyboard(("One", "1")))
    await bot.edit_message_text(
        "Pick again",
        chat_id=alice.id,
        message_id=sent.message_id,
        reply_markup=keyboard(("Two", "2")),
    )
    with pytest.raises(AssertionError, match="no button with callback_data '1'"):
        fake.tap(alice, sent.message_id, "1")  # that button is gone
    query_id = fake.tap_button(alice, sent.message_id, "Two")

    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.id == query_id and query.data == "2"
    assert isinstance(query.message, Message) and query.message.text == "Pick again"
    assert [c.id for c in fake.unanswered_callbacks()] == [query_id]

    assert await bot.answer_callback_query(query_id, text="Saved")
    assert fake.unanswered_callbacks() == []
    assert fake.callback(query_id).answer_text == "Saved"
    with pytest.raises(BadRequest, match=r"^Query is too old and response timeout expired"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("no-such-query")


# ---- files -------------------------------------------------------------------------------------


async def test_send_document_multipart_round_trip(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    payload = "Dear Senator,\nПисьмо ✉️\n".encode() + bytes(range(256))
    sent = await bot.send_document(
        alice.id,
        document=payload,
        filename="letter.txt",
        caption="<b>Your letter</b>",
        parse_mode="HTML",
        reply_markup=keyboard(("Done", "done")),
    )
    assert sent.document is not None
    assert sent.document.file_name == "letter.txt"
    assert sent.document.file_size == len(payload)
    assert sent.caption == "Your letter" and sent.caption_entities[0].type == "bold"
    assert sent.reply_markup == keyboard(("Done", "done"))

    call = fake.calls_to("sendDocument")[-1]
    upload = call.params["document"]
    assert isinstance(upload, UploadedFile) and upload.content == payload
    assert call.params["reply_markup"] == keyboard(("Done", "done")).to_dict()

    stored = fake.last_message(alice.id)
    assert stored is not None and stored.document is not None
    assert (stored.document.filename, stored.document.content) == ("letter.txt", payload)
    assert stored.buttons == [("Done", "done")]

    resent = await bot.send_document(alice.id, sent.document.file_id)
    assert resent.document is not None and resent.document.file_name == "letter.txt"
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_document(alice.id, payload, filename="x.txt", caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"^File must be non-empty$"):
        await bot.send_document(alice.id, b"", filename="empty.txt")


async def test_send_photo_checks_the_image(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    sent = await bot.send_photo(alice.id, png_bytes(200, 100), caption="chart")
    assert sent.photo and sent.photo[-1].width == 200 and sent.photo[-1].height == 100
    with pytest.raises(BadRequest, match=r"^Image_process_failed$"):
        await bot.send_photo(alice.id, b"not an image at all")


# ---- commands & misc ---------------------------------------------------------------------------


async def test_set_my_commands_scopes(fake: FakeTelegram, bot: PtbBot, alice: FakeUser) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.set_my_commands([BotCommand("start", "Begin")], scope=BotCommandScopeChat(987654))
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])

    assert await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    chat_scope = BotCommandScopeChat(alice.id)
    assert await bot.set_my_commands([BotCommand("admin", "Admin")], scope=chat_scope)
    assert fake.commands() == [("start", "Begin"), ("help", "Help")]
    assert fake.commands(chat_scope) == [("admin", "Admin")]
    assert await bot.set_my_commands([], scope=chat_scope)
    assert fake.commands(chat_scope) == []


async def test_injected_errors_reach_ptb(fake: FakeTelegram, bot: PtbBot, alice: FakeUser) -> None:
    fake.inject_error("sendMessage", error_code=502, description="Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(alice.id, "lost")
    assert (await bot.send_message(alice.id, "ok")).text == "ok"


# ---- waiting & a real Application --------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    await update.effective_message.reply_html(
        f"<b>Welcome</b> ({payload})", reply_markup=keyboard(("Write", "write"))
    )


async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"You chose {query.data}")


async def test_application_flow_with_wait_for_reply(fake: FakeTelegram) -> None:
    app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_tap))
    erin = fake.make_user(5005, "Erin")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
        try:
            mark = fake.version
            fake.send_text(erin, "/start spring")
            welcome = await fake.wait_for_reply(erin.id, since=mark)
            assert welcome.text == "Welcome (spring)"
            assert welcome.buttons == [("Write", "write")]

            mark = fake.version
            query_id = fake.tap_button(erin, welcome, "Write")
            edited = await fake.wait_for_reply(erin.id, since=mark)
            assert edited.message_id == welcome.message_id
            assert edited.text == "You chose write" and edited.buttons == []
            await fake.wait_for(lambda f: f.callback(query_id).answered, what="the answer")
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.pending_updates() == []  # PTB confirmed everything it processed
    # The long poll PTB cancelled on stop is ended with a 409 nobody reads: not an error.
    assert fake.errors == []


async def test_wait_for_reports_what_happened_on_timeout(
    fake: FakeTelegram, bot: PtbBot, alice: FakeUser
) -> None:
    await bot.send_message(alice.id, "only message")
    with pytest.raises(AssertionError) as caught:
        await fake.wait_for_reply(alice.id, since=fake.version, timeout=0.2)
    report = str(caught.value)
    assert "waiting for a bot reply in chat 1001" in report
    assert "sendMessage chat=1001 text='only message' -> 200" in report
    assert "bot: only message" in report

    with pytest.raises(AssertionError, match="waiting for nothing"):
        await asyncio.to_thread(fake.wait_for_sync, lambda f: False, 0.2, what="nothing")
