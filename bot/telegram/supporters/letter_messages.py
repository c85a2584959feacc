"""A letter as Telegram shows it: one message with its buttons, or, too long for a message, a
.txt document with a caption that says how to send it when the caption has room."""

from __future__ import annotations

import re
from dataclasses import replace

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest

from bot.supporters.views import LetterView
from bot.telegram import i18n
from bot.telegram.render import MAX_CAPTION, fits_message, render, visible_length
from bot.telegram.sending import is_not_modified, send, try_edit
from bot.telegram.supporters import keyboards
from bot.telegram.texts import file_name


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
    bot: Bot, chat_id: int, letter: LetterView, replace: Message | None = None
) -> None:
    """One message per letter (in place of `replace` if it can be); too long for a message, it
    goes as a .txt document."""
    text = letter_text(letter)
    markup = keyboards.letter_keyboard(letter)
    if fits_message(text):
        if not await try_edit(replace, text, markup):
            await send(bot, chat_id, text, markup)
        return
    document = InputFile(letter.body.encode("utf-8"), filename=letter_filename(letter))
    caption = letter_caption(letter)
    await bot.send_document(chat_id, document, caption=caption, reply_markup=markup)
    if caption == letter_caption(letter, brief=True):  # no room for how to send it
        await send(bot, chat_id, render("channels", letter=on_screen(letter)))


async def update_letter_message(message: Message | None, letter: LetterView) -> None:
    """Show a letter's new state (sent) on its own message, text or document."""
    markup = keyboards.letter_keyboard(letter)
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
