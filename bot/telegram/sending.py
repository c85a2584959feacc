"""Sending and editing on Telegram, the way every supporter handler does it: long texts split
into several messages, a button's own message edited in place when it can be, and failures that
only mean "nothing to change" or "that message is gone" taken calmly."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.supporters.views import Person
from bot.telegram.render import plain, split_message

log = logging.getLogger(__name__)


def person_of(update: Update) -> Person:
    """The supporter an update comes from: Telegram's user id is their id."""
    user = update.effective_user
    if user is None:
        raise ValueError("update without a user")
    return Person(user.id, user.full_name, user.language_code)


def is_not_modified(error: BadRequest) -> bool:
    """Telegram's 400 for an edit that changes nothing: the message already shows it."""
    return "not modified" in error.message.lower()


async def send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """Send `text`, split into several messages if needed; the buttons go on the last one."""
    *first, last = split_message(text)
    for part in first:
        await bot.send_message(chat_id, part)
    return await bot.send_message(chat_id, last, reply_markup=markup)


async def try_edit(message: Message | None, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Edit a text message in place; False when it cannot be (gone, too old, not text)."""
    if message is None or message.text is None:
        return False
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if not is_not_modified(error):
            log.info("edit failed (%s); sending a new message", error.message)
            return False
    return True


async def edit_or_send(
    bot: Bot, query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the button's own message; identical content is fine, a lost message is re-sent."""
    if not await try_edit(tapped(query), text, markup):
        await send(bot, chat_id_of(query), text, markup)


async def try_edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(markup)
    except BadRequest as error:
        log.info("could not clear an old keyboard: %s", error.message)


async def answer_query(query: CallbackQuery, toast: str | None, alert: bool = False) -> None:
    """Answer a button's callback query (each exactly once), with a toast or without."""
    try:
        await query.answer(plain(toast) if toast else None, show_alert=alert)
    except BadRequest as error:
        # An old query (e.g. after a restart) cannot be answered any more; nothing to do.
        log.info("callback answer failed: %s", error.message)


def tapped(query: CallbackQuery | None) -> Message | None:
    """The message a button was tapped on, if Telegram still has it."""
    if query is None or not isinstance(query.message, Message):
        return None
    return query.message


def chat_id_of(query: CallbackQuery) -> int:
    if query.message is not None:
        return query.message.chat.id
    return query.from_user.id


def invite_link(bot: Bot, code: str) -> str:
    return f"https://t.me/{bot.username}?start={code}"
