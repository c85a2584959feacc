"""Due reminders, sent by a job every minute through the bot's rate limiter (the same budget
as every other message), each at most once, never to a supporter who blocked the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.store.models import utcnow
from bot.store.reminders import ReminderStatus
from bot.supporters import profile
from bot.supporters.reminders import DueReminder
from bot.telegram import i18n
from bot.telegram.render import render
from bot.telegram.sending import send
from bot.telegram.supporters.keyboards import reminder_keyboard
from bot.telegram.supporters.use_cases import UseCases

log = logging.getLogger(__name__)

SEND_REMINDERS_EVERY = timedelta(minutes=1)
BATCH = 100  # due reminders read at a time; the job goes on until none is due


async def send_due_reminders(
    bot: Bot,
    use: UseCases,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Send every reminder due by `now` (default: now); how many were delivered."""
    run = use.store.run
    delivered = 0
    while not should_stop():
        due_ids = await run(use.reminders.due, now or utcnow(), BATCH)
        for reminder_id in due_ids:
            if should_stop():
                break
            due = await run(use.reminders.take, reminder_id)
            if due is None:
                continue  # another instance took it, or nothing was left to remind of
            status = await _deliver(bot, due)
            if status is None:
                await run(use.reminders.release, reminder_id)
                return delivered  # flood control: the next run tries again
            await run(use.reminders.finish, reminder_id, status, utcnow())
            if status is ReminderStatus.BLOCKED:
                await run(profile.set_blocked, due.person, True)
            delivered += status is ReminderStatus.SENT
        if len(due_ids) < BATCH:
            break
    return delivered


async def _deliver(bot: Bot, due: DueReminder) -> ReminderStatus | None:
    """How the send ended; None when Telegram refused it for now (flood control)."""
    with i18n.use(due.person.language):  # theirs, not the language of whoever ran the job
        text = render("reminder", letters=due.letters)
        markup = reminder_keyboard(due.letters)
    try:
        await send(bot, due.person.id, text, markup)
    except Forbidden:
        return ReminderStatus.BLOCKED
    except RetryAfter as error:
        log.warning("reminder %d: flood control (%s); trying again later", due.reminder_id, error)
        return None
    except TelegramError as error:
        log.warning("reminder %d could not be sent: %s", due.reminder_id, error)
        return ReminderStatus.FAILED
    return ReminderStatus.SENT
