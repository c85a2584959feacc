"""End-to-end fixtures: the real bot Application talking HTTP to a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.campaign.catalogue import Catalogue
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application
from tests.fakes.telegram_api import BotMessage, FakeTelegram, FakeUser

TEST_TOKEN = "123456:TEST-token-for-the-fake-api-0123456789"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(rate_limit=30) as server:
        yield server


@dataclass
class RunningBot:
    """A started Application plus what tests need to reach its database."""

    app: Any
    store: Store
    campaign: Campaign
    fake: FakeTelegram
    database_url: str


async def start_bot(
    fake: FakeTelegram,
    database_url: str,
    campaign: Campaign | Catalogue,
    admin_ids: frozenset[int] = frozenset(),
    **settings_given: Any,
) -> RunningBot:
    """A bot polling the fake; `campaign` may be a whole catalogue (its default is the bot's
    `campaign`)."""
    settings = Settings(
        token=TEST_TOKEN,
        base_url=fake.base_url,
        database_url=database_url,
        admin_ids=admin_ids,
        **settings_given,
    )
    store = Store.from_url(database_url)
    app = build_application(settings, campaign, store, web_server=settings.web_url is not None)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
    await app.start()
    default = campaign.default if isinstance(campaign, Catalogue) else campaign
    return RunningBot(app, store, default, fake, database_url)


async def stop_bot(bot: RunningBot) -> None:
    with contextlib.suppress(RuntimeError):
        await bot.app.updater.stop()
    with contextlib.suppress(RuntimeError):
        await bot.app.stop()
    await bot.app.shutdown()
    if bot.app.post_shutdown:  # the Mini Apps' server, when the bot has one
        await bot.app.post_shutdown(bot.app)
    bot.store.close()


@pytest.fixture
async def running_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[RunningBot]:
    bot = await start_bot(fake, database_url, load_campaign(find_campaign(None)))
    try:
        yield bot
    finally:
        await stop_bot(bot)


@dataclass
class Supporter:
    """A simulated person chatting with the bot through the fake server."""

    fake: FakeTelegram
    user: FakeUser
    seen: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id

    async def say(self, text: str) -> BotMessage:
        """Send text; return the bot's newest new-or-edited message."""
        since = self.fake.version
        self.fake.send_text(self.user, text)
        return await self.fake.wait_for_reply(self.id, since)

    async def send(self, kind: str) -> BotMessage:
        since = self.fake.version
        if kind == "sticker":
            self.fake.send_sticker(self.user)
        elif kind == "photo":
            self.fake.send_photo(self.user)
        else:
            self.fake.send_empty(self.user, kind)
        return await self.fake.wait_for_reply(self.id, since)

    async def tap(self, label: str, message: BotMessage | None = None) -> list[BotMessage]:
        """Tap a button (on `message`, else the newest message that has it); wait for the answer.

        Returns the messages sent or edited since the tap (possibly none: a toast only).
        """
        message = message or self.message_with(label)
        since = self.fake.version
        query_id = self.fake.tap_button(self.user, message, label)
        await self.fake.wait_for(lambda f: f.callback(query_id).answered)
        return self.fake.changed_since(self.id, since)

    async def tap_data(self, message: BotMessage, data: str) -> str:
        """Tap with arbitrary callback data (a stale or tampered client); return the query id."""
        query_id = self.fake.tap(self.user, message, data, check=False)
        await self.fake.wait_for(lambda f: f.callback(query_id).answered)
        return query_id

    def message_with(self, label: str) -> BotMessage:
        for message in reversed(self.fake.chat(self.id)):
            if any(label == text or label in text for text, _ in message.buttons):
                return message
        raise AssertionError(
            f"no message with a {label!r} button:\n{self.fake.transcript(self.id)}"
        )

    def letters(self) -> list[BotMessage]:
        return [m for m in self.fake.chat(self.id) if m.content.startswith("✉️")]


@pytest.fixture
def make_supporter(fake: FakeTelegram) -> Any:
    def make(user_id: int = 1001, first_name: str = "Ani", last_name: str | None = "Hakobyan",
             language_code: str = "en") -> Supporter:  # fmt: skip
        return Supporter(
            fake, fake.make_user(user_id, first_name, last_name, language_code=language_code)
        )

    return make


@pytest.fixture
def ani(make_supporter: Any) -> Supporter:
    """Ani Hakobyan (1001), the supporter most tests follow."""
    return make_supporter()
