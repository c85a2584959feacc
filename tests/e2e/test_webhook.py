"""Webhook mode end to end: the fake Bot API POSTs each update to the bot's Starlette server, as
Telegram does once setWebhook is called, and the bot answers through the fake as usual."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.config import ConfigError, Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.webhook import (
    ALLOWED_UPDATES,
    HEALTH_PATH,
    WEBHOOK_PATH,
    listen,
    run_webhook,
    serve_webhook,
)
from tests.e2e.conftest import TEST_TOKEN, RunningBot, Supporter
from tests.e2e.helpers import assert_clean, drive_to_letters, settle, step_of, supporter_row
from tests.fakes.telegram_api import BotMessage, FakeTelegram, FakeUser

SECRET = "e2e_webhook-secret-0123456789"
BUNDLED = load_campaign(find_campaign(None))


def webhook_settings(fake: FakeTelegram, database_url: str, port: int) -> Settings:
    return Settings(
        token=TEST_TOKEN,
        base_url=fake.base_url,
        database_url=database_url,
        webhook_url=f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        webhook_secret=SECRET,
    )


@asynccontextmanager
async def webhook_bot(
    fake: FakeTelegram, database_url: str, campaign: Campaign = BUNDLED
) -> AsyncIterator[RunningBot]:
    """The bot served by `serve_webhook` on a free local port, stopped on the way out."""
    sock = listen("127.0.0.1", 0)
    settings = webhook_settings(fake, database_url, sock.getsockname()[1])
    store = Store.from_url(database_url)
    app = build_application(settings, campaign, store)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_webhook(app, settings, stop, sock=sock))
    try:
        await fake.wait_for(
            lambda f: f.webhook_url == settings.webhook_url or serving.done(),
            what="the bot's setWebhook",
        )
        assert not serving.done(), serving.exception()
        yield RunningBot(app, store, campaign, fake, database_url)
    finally:
        stop.set()
        await serving
        store.close()


@pytest.fixture
async def bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[RunningBot]:
    async with webhook_bot(fake, database_url) as running:
        yield running


def message_update(user: FakeUser, text: str, update_id: int) -> dict[str, Any]:
    """A message update built by hand, to POST to the webhook outside the fake's queue."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "from": user.to_api(),
            "chat": user.chat_api(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


def offers_to_write(message: BotMessage) -> bool:
    """A welcome that asks a letter's first question, or offers to start one."""
    asks = step_of(message) == "targets"
    return asks or any("Write a letter" in label for label, _ in message.buttons)


async def test_start_registers_the_webhook_and_never_polls(bot: RunningBot) -> None:
    [call] = bot.fake.calls_to("setWebhook")
    assert call.ok
    assert call.params["url"] == bot.fake.webhook_url
    assert call.params["url"].endswith(WEBHOOK_PATH)
    assert call.params["secret_token"] == SECRET == bot.fake.webhook_secret
    assert call.params["allowed_updates"] == list(ALLOWED_UPDATES)
    assert call.params["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    assert not call.params.get("drop_pending_updates")
    assert bot.fake.calls_to("setMyCommands"), "post_init did not run"
    assert bot.fake.calls_to("getUpdates") == []
    assert bot.app.running


async def test_a_whole_conversation_arrives_through_the_webhook(
    bot: RunningBot, make_supporter: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ani: Supporter = make_supporter()
    welcome = await ani.say("/start")
    assert offers_to_write(welcome)
    drive = await drive_to_letters(ani)
    assert len(drive.letters) == 2
    assert supporter_row(bot, ani.id) is not None

    await assert_clean(bot, caplog)
    deliveries = bot.fake.webhook_deliveries
    assert deliveries and all(d.status == 200 for d in deliveries)
    assert len({d.update_id for d in deliveries}) == len(deliveries)  # none sent twice
    assert bot.fake.calls_to("getUpdates") == []


@pytest.mark.parametrize("secret", ["wrong", None, SECRET + "x"], ids=["wrong", "none", "longer"])
async def test_a_post_without_the_secret_is_refused_and_never_handled(
    bot: RunningBot, make_supporter: Any, secret: str | None
) -> None:
    intruder: Supporter = make_supporter(2002, "Eve", None)
    update = message_update(intruder.user, "/start", 990001)
    status = await asyncio.to_thread(bot.fake.post_to_webhook, update, secret=secret)
    assert status == 403

    # The bot is still serving: someone else's /start is answered, and then nothing is left.
    ani: Supporter = make_supporter()
    await ani.say("/start")
    await settle(bot)
    assert bot.fake.chat(intruder.id) == []
    assert [c for c in bot.fake.calls if c.chat_id in (intruder.id, str(intruder.id))] == []
    assert supporter_row(bot, intruder.id) is None


async def test_a_post_with_the_secret_is_handled(bot: RunningBot, make_supporter: Any) -> None:
    """The same hand-built update as above, with the secret: the refusal was the secret's."""
    ani: Supporter = make_supporter()
    await ani.say("/start")  # through the fake first: it lets the bot write only to such chats
    since = bot.fake.version
    update = message_update(ani.user, "/start", 990002)
    assert await asyncio.to_thread(bot.fake.post_to_webhook, update) == 200
    welcome = await bot.fake.wait_for_reply(ani.id, since)
    assert offers_to_write(welcome)


async def test_an_update_delivered_twice_is_handled_once(
    bot: RunningBot, make_supporter: Any
) -> None:
    """Telegram redelivers an update it thinks was lost (a slow answer, a restart): the bot
    answers it once, however many times and however close together it arrives."""
    ani: Supporter = make_supporter()
    await ani.say("/start")
    await settle(bot)
    before = len(bot.fake.chat(ani.id))
    update = message_update(ani.user, "/demands", 990010)
    statuses = await asyncio.gather(
        *(asyncio.to_thread(bot.fake.post_to_webhook, update) for _ in range(3))
    )
    assert statuses == [200, 200, 200]
    await settle(bot)
    assert await asyncio.to_thread(bot.fake.post_to_webhook, update) == 200  # and later on
    await settle(bot)
    assert len(bot.fake.chat(ani.id)) == before + 1, bot.fake.transcript(ani.id)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"update_id": 990003, "message": "not a message"}'],
    ids=["not-json", "not-an-object", "not-an-update"],
)
async def test_a_malformed_body_is_400(
    bot: RunningBot, make_supporter: Any, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    assert await asyncio.to_thread(bot.fake.post_to_webhook, body) == 400
    ani: Supporter = make_supporter()
    await ani.say("/start")  # and the bot goes on serving
    await assert_clean(bot, caplog)


async def test_health_check(bot: RunningBot) -> None:
    url = bot.fake.webhook_url.removesuffix(WEBHOOK_PATH) + HEALTH_PATH
    async with httpx.AsyncClient(trust_env=False) as client:  # no proxy for 127.0.0.1
        response = await client.get(url)
    assert response.status_code == 200
    assert response.text == "ok"


async def test_stopping_leaves_the_webhook_for_the_next_instance(
    fake: FakeTelegram, database_url: str, make_supporter: Any
) -> None:
    ani: Supporter = make_supporter()
    async with webhook_bot(fake, database_url):
        await ani.say("/start")
    assert fake.webhook_url, "the webhook was deleted on stop"
    assert fake.calls_to("deleteWebhook") == []

    # Written while no instance runs: Telegram keeps it, and the next instance gets it.
    since = fake.version
    fake.send_text(ani.user, "/start")
    async with webhook_bot(fake, database_url):
        reply = await fake.wait_for_reply(ani.id, since)
    assert "Welcome back" in reply.content and offers_to_write(reply)
    assert len(fake.calls_to("setWebhook")) == 2
    assert not fake.pending_updates()


async def test_a_url_telegram_refuses_is_one_line_and_a_clean_stop(
    fake: FakeTelegram, database_url: str
) -> None:
    refusal = "Bad Request: bad webhook: HTTPS url must be provided for webhook"
    fake.inject_error("setWebhook", error_code=400, description=refusal)
    sock = listen("127.0.0.1", 0)
    settings = webhook_settings(fake, database_url, sock.getsockname()[1])
    store = Store.from_url(database_url)
    app = build_application(settings, BUNDLED, store)
    try:
        with pytest.raises(ConfigError) as info:
            await serve_webhook(app, settings, asyncio.Event(), sock=sock)
    finally:
        store.close()
    message = str(info.value)
    assert "\n" not in message
    assert "WEBHOOK_URL" in message and "https url must be provided" in message.lower()
    assert not app.running
    assert sock.fileno() == -1  # closed


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_webhook_stops_cleanly_on_a_signal(
    fake: FakeTelegram, database_url: str, sig: signal.Signals
) -> None:
    """`run_webhook` blocks like `run_polling` and ends on SIGINT/SIGTERM with every hook run."""
    sock = listen("127.0.0.1", 0)  # only to find a free port for the URL
    port = sock.getsockname()[1]
    sock.close()
    settings = webhook_settings(fake, database_url, port)
    store = Store.from_url(database_url)
    app = build_application(settings, BUNDLED, store)
    hooks: list[str] = []

    async def post_stop(_app: Any) -> None:
        hooks.append("post_stop")

    async def post_shutdown(_app: Any) -> None:
        hooks.append("post_shutdown")

    app.post_stop = post_stop
    app.post_shutdown = post_shutdown

    def signal_once_serving() -> None:
        # Only once setWebhook is seen: by then run_webhook handles the signal.
        fake.wait_for_sync(lambda f: f.webhook_url, what="the bot's setWebhook")
        os.kill(os.getpid(), sig)

    sender = threading.Thread(target=signal_once_serving, daemon=True)
    sender.start()
    try:
        run_webhook(app, settings)
    finally:
        sender.join()
        store.close()
    assert hooks == ["post_stop", "post_shutdown"]
    assert not app.running
    assert fake.calls_to("setMyCommands"), "post_init did not run"
    assert fake.calls_to("deleteWebhook") == []
