""" "Remind me tomorrow" over HTTP: one reminder per tap, stored, sent through the bot once it is
due (even after a restart), never to someone who blocked the bot or used /stop, and counted."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.reports.stats import campaign_stats
from bot.store import reminders as reminder_queries
from bot.store.models import Reminder, utcnow
from bot.telegram.supporters.reminder_sender import send_due_reminders
from bot.telegram.supporters.use_cases import UseCases
from tests.e2e.conftest import RunningBot, start_bot, stop_bot
from tests.e2e.helpers import (
    assert_clean,
    latest,
    settle,
    started_letters,
    supporter_row,
    wait_answered,
)

REMIND = "⏰ Remind me tomorrow"
TOMORROW_AND_A_BIT = timedelta(days=1, minutes=1)


async def _send_due(bot: RunningBot, later: timedelta = TOMORROW_AND_A_BIT) -> int:
    """Run the reminders job as if `later` had passed, through the bot's own Bot (HTTP)."""
    use = UseCases.of(bot.campaign, bot.store)
    return await send_due_reminders(bot.app.bot, use, now=utcnow() + later)


def _reminders(bot: RunningBot) -> list[Reminder]:
    with bot.store.transaction() as repo:
        return list(repo.session.exec(select(Reminder).order_by(col(Reminder.id))))


async def test_a_reminder_brings_back_the_unsent_letters_and_is_counted(
    running_bot, fake, ani, caplog
) -> None:
    drive = await started_letters(ani)
    first, second = drive.letters
    await ani.tap("I sent it", first)

    query = fake.tap_button(ani.user, second, REMIND)
    assert await wait_answered(fake, query) == (
        "⏰ I will remind you tomorrow of the letters you have not marked sent."
    )
    query = fake.tap_button(ani.user, second, REMIND)  # a double tap: still one reminder
    assert await wait_answered(fake, query) == "⏰ You already have a reminder for tomorrow."
    (stored,) = _reminders(running_bot)
    assert stored.status == "pending"
    assert (
        timedelta(hours=23)
        < stored.due_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
        <= timedelta(days=1)
    )

    assert await _send_due(running_bot, timedelta(hours=1)) == 0  # not due yet
    assert await _send_due(running_bot) == 1
    reminder = latest(ani)
    assert reminder.content.startswith("⏰ A reminder you asked for")
    assert "is not marked sent yet" in reminder.content
    (only_button,) = [label for label, _ in reminder.buttons]
    assert only_button.startswith("📄 ")
    assert await _send_due(running_bot) == 0  # sent once, never again

    shown = await ani.tap(only_button, reminder)
    letter = shown[-1]
    assert letter.content.startswith("✉️")
    await ani.tap("I sent it", letter)
    with running_bot.store.transaction() as repo:
        totals = campaign_stats(repo, running_bot.campaign).totals
    assert (totals.reminders_sent, totals.sent_after_reminder) == (1, 1)
    await assert_clean(running_bot, caplog)


async def test_no_reminder_when_every_letter_is_sent_by_then(running_bot, fake, ani) -> None:
    drive = await started_letters(ani)
    await ani.tap(REMIND, drive.letters[0])
    for letter in drive.letters:
        await ani.tap("I sent it", letter)
    before = fake.version
    assert await _send_due(running_bot) == 0
    assert fake.changed_since(ani.id, before) == []
    assert [r.status for r in _reminders(running_bot)] == ["unneeded"]
    # And a sent letter offers no reminder any more.
    assert REMIND not in str(fake.message(ani.id, drive.letters[0].message_id).buttons)


async def test_stop_cancels_and_a_blocked_supporter_gets_nothing(
    running_bot, fake, ani, make_supporter, caplog
) -> None:
    drive = await started_letters(ani)
    await ani.tap(REMIND, drive.letters[0])
    stopped = await ani.say("/stop")
    assert "no campaign updates, and no reminder" in stopped.content

    # Bob's block reached the bot (Telegram's my_chat_member update): no send is even tried.
    bob = make_supporter(1002, "Bob", None)
    await bob.tap(REMIND, (await started_letters(bob)).letters[0])
    fake.block(bob.id)
    await settle(running_bot)
    # Carol's block is news to the bot: the send's 403 records it.
    carol = make_supporter(1003, "Carol", None)
    await carol.tap(REMIND, (await started_letters(carol)).letters[0])
    fake.block(carol.id, notify=False)

    before = fake.version
    assert await _send_due(running_bot) == 0
    assert [c.describe() for c in fake.errors] == [
        c.describe() for c in fake.errors if c.chat_id == carol.id
    ]
    assert len(fake.errors) == 1 and "403" in fake.errors[0].describe()
    for person in (ani, bob, carol):
        assert fake.changed_since(person.id, before) == []
    assert [r.status for r in _reminders(running_bot)] == ["cancelled", "blocked", "blocked"]
    assert supporter_row(running_bot, carol.id).blocked
    assert await _send_due(running_bot) == 0  # and never tried again
    assert len(fake.errors) == 1


async def test_a_reminder_survives_a_restart(fake, database_url, ani) -> None:
    bot = await start_bot(fake, database_url, _campaign())
    try:
        drive = await started_letters(ani)
        await ani.tap(REMIND, drive.letters[1])
    finally:
        await stop_bot(bot)
    bot = await start_bot(fake, database_url, _campaign())
    try:
        assert await _send_due(bot) == 1
        assert latest(ani).content.startswith("⏰ A reminder you asked for")
        with bot.store.transaction() as repo:
            assert reminder_queries.counts(repo, bot.campaign.id) == (1, 0)
    finally:
        await stop_bot(bot)


def _campaign() -> Campaign:
    return load_campaign(find_campaign(None))
