"""Shared steps for the end-to-end tests: drive a whole draft, read the database, check cleanliness.

Kept out of conftest.py (which another suite edits) so these tests only depend on its public
fixtures (`fake`, `running_bot`, `make_supporter`) and on `start_bot` / `stop_bot`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.campaign import Campaign, load_campaign
from bot.store import DraftRow, Letter
from bot.store import Supporter as SupporterRow
from bot.store.models import Participation
from bot.store.participation import participation
from tests.e2e.conftest import RunningBot, Supporter, start_bot, stop_bot
from tests.fakes.telegram_api import BotMessage, FakeTelegram, UploadedFile

# The question each prompt asks, as the supporter reads it (templates/messages/prompt.html.j2).
QUESTIONS = {
    "Who should get your letter, and what should it ask for?": "targets",  # demands beside
    "Who should get your letter?": "targets",
    "What should your letter ask for?": "demands",
    "How should your letter be signed?": "name",
    "Where do you live?": "place",
    "What is your ZIP code?": "zip",
    "Why does this matter to you?": "story",
}


def step_of(message: BotMessage) -> str | None:
    """Which drafting question a bot message asks, or None if it is not a prompt."""
    return next((step for q, step in QUESTIONS.items() if q in message.content), None)


def latest(s: Supporter) -> BotMessage:
    """The bot message in this chat that was sent or edited last."""
    messages = s.fake.chat(s.id)
    assert messages, f"no bot messages for {s.id}"
    return max(messages, key=lambda m: m.version)


async def wait_answered(fake: FakeTelegram, query_id: str) -> str | None:
    """Wait until the bot answered a tap; return its toast text."""
    await fake.wait_for(lambda f: f.callback(query_id).answered, what=f"answer to {query_id}")
    return fake.callback(query_id).answer_text


@dataclass
class Drive:
    """What it took to get from the start of a draft to its letters."""

    answers: int = 0
    steps: list[str] = field(default_factory=list)
    letters: list[BotMessage] = field(default_factory=list)


@dataclass(frozen=True)
class Answers:
    """What a supporter answers to each drafting question (None: the button that passes)."""

    unselect: tuple[str, ...] = ()
    name: str | None = None
    place: str | None = "91203"
    zip: str | None = None
    story: str | None = "My grandmother was born in Shushi and I want her town remembered."

    async def give(self, s: Supporter, prompt: BotMessage, step: str) -> int:
        """Answer the question `prompt` asks; returns how many answers that took."""
        if step == "targets":
            for label in self.unselect:
                await s.tap(label, prompt)
            await s.tap("Continue", prompt)
            return len(self.unselect) + 1
        if step == "demands":
            await s.tap("Continue", prompt)
            return 1
        typed = {"name": self.name, "place": self.place, "zip": self.zip, "story": self.story}
        if typed[step] is None:
            await s.tap("Sign as" if step == "name" else "Skip", prompt)
        else:
            await s.say(str(typed[step]))
        return 1


async def drive_to_letters(
    s: Supporter,
    *,
    start: str | None = "Write a letter",
    letters: int = 2,
    max_answers: int = 15,
    **answers: Any,
) -> Drive:
    """Answer whatever the bot asks until the letters arrive, counting every answer given.

    `start` is the button that opens the draft (counted as an answer), tapped unless the latest
    message already asks a question (as the welcome does); None if the draft is already open.
    `answers` are the fields of `Answers`: `name=None` taps "Sign as <Telegram name>";
    `place=None` / `zip=None` / `story=None` tap Skip.
    """
    given = Answers(**answers)
    before = len(s.letters())
    drive = Drive()
    if start is not None and step_of(latest(s)) is None:
        await s.tap(start)
        drive.answers += 1
    while len(s.letters()) == before:
        assert drive.answers < max_answers, s.fake.transcript(s.id)
        prompt = latest(s)
        step = step_of(prompt)
        assert step is not None, f"expected a question:\n{s.fake.transcript(s.id)}"
        drive.steps.append(step)
        drive.answers += await given.give(s, prompt, step)
    await s.fake.wait_for(
        lambda f: len(s.letters()) >= before + letters,
        user_id=s.id,
        what=f"{letters} letters",
    )
    drive.letters = s.letters()[before:]
    return drive


async def started_letters(s: Supporter, **drive: Any) -> Drive:
    """/start, then answer until the letters arrive (`drive` as for `drive_to_letters`)."""
    await s.say("/start")
    return await drive_to_letters(s, **drive)


# Database reads (each in its own short transaction; rows stay readable after it closes).
def supporter_row(bot: RunningBot, telegram_id: int) -> SupporterRow | None:
    with bot.store.transaction() as repo:
        return repo.supporter(telegram_id)


def participation_row(
    bot: RunningBot, telegram_id: int, campaign_id: str | None = None
) -> Participation | None:
    """The supporter's part in a campaign (the bot's own unless named)."""
    with bot.store.transaction() as repo:
        supporter = repo.supporter(telegram_id)
        assert supporter is not None and supporter.id is not None
        return participation(repo, supporter.id, campaign_id or bot.campaign.id)


def source_of(bot: RunningBot, telegram_id: int, campaign_id: str | None = None) -> str | None:
    """Where the supporter came from into the campaign (the bot's own unless named)."""
    joined = participation_row(bot, telegram_id, campaign_id)
    return joined.source if joined is not None else None


def letter_rows(bot: RunningBot, telegram_id: int | None = None) -> list[Letter]:
    with bot.store.transaction() as repo:
        query = select(Letter).order_by(col(Letter.id))
        if telegram_id is not None:
            supporter = repo.supporter(telegram_id)
            assert supporter is not None
            query = query.where(Letter.supporter_id == supporter.id)
        return list(repo.session.exec(query).all())


def letter_row(bot: RunningBot, letter_id: int) -> Letter:
    with bot.store.transaction() as repo:
        row = repo.session.get(Letter, letter_id)
        assert row is not None
        return row


def draft_rows(bot: RunningBot, telegram_id: int) -> list[DraftRow]:
    with bot.store.transaction() as repo:
        supporter = repo.supporter(telegram_id)
        assert supporter is not None
        query = (
            select(DraftRow).where(DraftRow.supporter_id == supporter.id).order_by(col(DraftRow.id))
        )
        return list(repo.session.exec(query).all())


def active_draft(bot: RunningBot, telegram_id: int) -> DraftRow | None:
    active = [d for d in draft_rows(bot, telegram_id) if d.status == "active"]
    assert len(active) <= 1
    return active[0] if active else None


def letter_id_of(message: BotMessage) -> int:
    """The letter id carried by a letter message's "I sent it" button."""
    datas = [d for _label, d in message.buttons if d and d.startswith("l|") and d.endswith("|sent")]
    assert len(datas) == 1, message.buttons
    return int(datas[0].split("|")[1])


def body_in_message(message: BotMessage) -> str:
    """The letter text shown in a letter message (the <pre> block)."""
    pre = [e for e in message.entities if e["type"] == "pre"]
    assert len(pre) == 1, message.entities
    units = message.content.encode("utf-16-le")
    start, length = pre[0]["offset"] * 2, pre[0]["length"] * 2
    return units[start : start + length].decode("utf-16-le")


# Cleanliness
def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


async def settle(bot: RunningBot) -> None:
    """Wait until the bot has fetched every update and finished handling it (error handler too)."""
    await bot.fake.wait_for(lambda f: not f.pending_updates(), what="the bot to fetch all updates")
    await asyncio.wait_for(bot.app.update_queue.join(), timeout=10)


NOT_MODIFIED = "message is not modified"


async def assert_clean(
    bot: RunningBot,
    caplog: pytest.LogCaptureFixture | None = None,
    *,
    allow_not_modified: bool = False,
) -> None:
    """Once the bot is idle: no Bot API errors, every tap answered, nothing logged at ERROR.

    `allow_not_modified` tolerates the 400 "message is not modified" a stale tap on the current
    prompt draws today (a known bot bug, pinned by xfail tests in test_stale_buttons.py).
    """
    await settle(bot)
    errors = bot.fake.errors
    if allow_not_modified:
        errors = [c for c in errors if NOT_MODIFIED not in (c.error or "")]
    assert errors == [], [c.describe() for c in errors]
    assert bot.fake.unanswered_callbacks() == []
    if caplog is not None:
        assert error_records(caplog) == [], [r.getMessage() for r in error_records(caplog)]


@asynccontextmanager
async def bot_with(fake: FakeTelegram, database_url: str, campaign: Campaign | Path) -> Any:
    """A bot running another campaign (a Campaign or a path to its TOML file)."""
    if isinstance(campaign, Path):
        campaign = load_campaign(campaign)
    bot = await start_bot(fake, database_url, campaign)
    try:
        yield bot
    finally:
        await stop_bot(bot)


def texts(fake: FakeTelegram, user_id: int | None = None) -> Iterator[str]:
    """Every text the bot sent (to one person): messages, edits, captions, files, labels, toasts."""
    for call in fake.calls:
        if not call.ok or (user_id is not None and call.chat_id not in (user_id, str(user_id))):
            continue
        for key in ("text", "caption"):
            if call.params.get(key):
                yield str(call.params[key])
        document = call.params.get("document")
        if isinstance(document, UploadedFile):
            yield document.content.decode("utf-8")
        markup = call.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                yield str(button.get("text", ""))


async def assert_clean_but_menu(bot: RunningBot, caplog: Any) -> None:
    """`assert_clean`, but for the one expected Bot API error: an organizer's menu set at
    start-up, before they ever wrote to the bot ("chat not found")."""
    await settle(bot)
    errors = [
        c.describe()
        for c in bot.fake.errors
        if not (c.method == "setMyCommands" and "chat not found" in (c.error or ""))
    ]
    assert errors == []
    assert bot.fake.unanswered_callbacks() == []
    assert not error_records(caplog)
