"""Organizer flow with PAID_BROADCASTS on, and errors in /broadcast shown in organizer words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import broadcast_lifecycle
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application
from tests.e2e.conftest import TEST_TOKEN, RunningBot, Supporter, stop_bot
from tests.e2e.test_broadcast import GENERIC_ERROR, ORGANIZER, add_supporters, api_errors
from tests.fakes.telegram_api import FakeTelegram


async def start_paid_bot(fake: FakeTelegram, database_url: str) -> RunningBot:
    settings = Settings(
        token=TEST_TOKEN,
        base_url=fake.base_url,
        database_url=database_url,
        admin_ids=frozenset({ORGANIZER}),
        paid_broadcasts=True,
    )
    store = Store.from_url(database_url)
    campaign = load_campaign(find_campaign(None))
    app = build_application(settings, campaign, store)
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
    await app.start()
    return RunningBot(app, store, campaign, fake, database_url)


@pytest.fixture
async def paid_bot(database_url: str) -> AsyncIterator[RunningBot]:
    with FakeTelegram(rate_limit=None) as fake:
        bot = await start_paid_bot(fake, database_url)
        try:
            yield bot
        finally:
            await stop_bot(bot)


async def test_paid_preview_tells_the_cost_and_every_send_asks_to_pay(paid_bot) -> None:
    fake = paid_bot.fake
    people = range(8300, 8340)
    add_supporters(paid_bot.store, fake, people)
    organizer = Supporter(fake, fake.make_user(ORGANIZER, "Org"))
    preview = await organizer.say("/broadcast Vote on Thursday!")
    assert "It will go to 40 supporters" in preview.content
    assert "costs up to 4 Stars (0.1 Stars per message)" in preview.content
    fake.tap_button(organizer.user, preview, "Send to 40")
    await fake.wait_for(
        lambda f: "Broadcast finished" in f.message(ORGANIZER, preview.message_id).content
    )
    sends = [c for c in fake.calls_to("sendMessage") if c.chat_id in people]
    assert len(sends) == 40
    assert {c.params.get("allow_paid_broadcast") for c in sends} == {True}
    assert api_errors(fake) == []


async def test_an_unexpected_error_tells_the_organizer_not_the_supporters_message(
    paid_bot, monkeypatch
) -> None:
    fake = paid_bot.fake

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(broadcast_lifecycle, "create", broken)
    organizer = Supporter(fake, fake.make_user(ORGANIZER, "Org"))
    reply = await organizer.say("/broadcast Vote on Thursday!")
    assert "Nothing was sent: try /broadcast again" in reply.content
    assert not any(GENERIC_ERROR in m.content for m in fake.chat(ORGANIZER))
