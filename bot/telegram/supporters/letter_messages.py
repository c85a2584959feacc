"""A letter as Telegram shows it: one message with its buttons, or, too long for a message, a
.txt document with a caption that says how to send it when the caption has room."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from bot.supporters.editing import remember_message
from bot.supporters.views import LetterView
from bot.telegram import i18n
from bot.telegram.render import MAX_CAPTION, fits_message, render, visible_length
from bot.telegram.sending import is_not_modified, send, try_edit
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import file_name

log = logging.getLogger(__name__)


def on_screen(letter: LetterView) -> LetterView:
    """The letter as the supporter reads about it: its office and channels named in their
    language where the campaign translates them; the letter's own text stays English."""
    return replace(letter, target=letter.target.in_language(i18n.current()))


def letter_text(letter: LetterView) -> str:
    return render("letter", letter=on_screen(letter), full=True, brief=False)


def letter_caption(letter: LetterView, brief: bool = False) -> str:
    """The caption of a letter sent as a file: with its channels when they fit (1,024)."""
    caption = render("letter", letter=on_screen(letter), full=False, brief=brief)
    if brief or visible_length(caption) <= MAX_CAPTION:
        return caption
    return letter_caption(letter, brief=True)


def letter_filename(letter: LetterView, extension: str = "txt") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", letter.target.label.lower()).strip("-")
    return file_name("letter", slug=slug or file_name("unnamed_office"), extension=extension)


def fits_one_message(letter: LetterView) -> bool:
    return fits_message(letter_text(letter))


async def send_letter(
    bot: Bot,
    chat_id: int,
    letter: LetterView,
    replace: Message | None = None,
    web_url: str | None = None,
) -> Message:
    """One message per letter (in place of `replace` if it can be); too long for a message, it
    goes as a .txt document. Returns the message that shows the letter (with its buttons)."""
    text = letter_text(letter)
    markup = keyboards.letter_keyboard(letter, web_url)
    if fits_message(text):
        if replace is not None and await try_edit(replace, text, markup):
            return replace
        return await send(bot, chat_id, text, markup)
    document = InputFile(letter.body.encode("utf-8"), filename=letter_filename(letter))
    caption = letter_caption(letter)
    shown = await bot.send_document(chat_id, document, caption=caption, reply_markup=markup)
    if caption == letter_caption(letter, brief=True):  # no room for how to send it
        await send(bot, chat_id, render("channels", letter=on_screen(letter)))
    return shown


async def show_letter(
    use: UseCases, bot: Bot, chat_id: int, letter: LetterView, replace: Message | None = None
) -> Message:
    """`send_letter`, remembering which message shows the letter when the letter editor is on
    (WEB_URL): it updates that message after a change. Without it, nothing is written."""
    shown = await send_letter(bot, chat_id, letter, replace, use.web_url)
    if use.web_url is not None:
        await use.store.run(remember_message, chat_id, letter.id, shown.message_id)
    return shown


async def refresh_letter(
    use: UseCases, bot: Bot, chat_id: int, letter: LetterView, message_id: int | None
) -> None:
    """After a change made outside the chat (the letter editor): the letter's message shows it
    now, or, when that message cannot be edited (gone, a document, the letter too long now for
    a message), the letter is sent anew and the old message loses its buttons."""
    text = letter_text(letter)
    if message_id is not None and fits_message(text):
        markup = keyboards.letter_keyboard(letter, use.web_url)
        try:
            await bot.edit_message_text(text, chat_id, message_id, reply_markup=markup)
            return
        except BadRequest as error:
            if is_not_modified(error):
                return
            log.info("letter %s: its message cannot be edited (%s)", letter.id, error.message)
    if message_id is not None:
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except BadRequest as error:
            log.info("letter %s: old buttons stay (%s)", letter.id, error.message)
    await show_letter(use, bot, chat_id, letter)


async def update_letter_message(
    message: Message | None, letter: LetterView, web_url: str | None = None
) -> None:
    """Show a letter's new state (sent) on its own message, text or document."""
    markup = keyboards.letter_keyboard(letter, web_url)
    if message is None:
        return
    try:
        if message.text is not None:
            await message.edit_text(letter_text(letter), reply_markup=markup)
        else:
            await message.edit_caption(letter_caption(letter), reply_markup=markup)
    except BadRequest as error:
        if not is_not_modified(error):
            raise
