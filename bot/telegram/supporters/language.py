"""Which language the bot answers a supporter in: the one they picked with /language, else their
Telegram app's, else English; set for each update before any handler renders a word."""

from __future__ import annotations

import time

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.supporters import profile
from bot.supporters.views import Person
from bot.telegram import i18n
from bot.telegram.render import render
from bot.telegram.sending import edit_or_send, person_of, send
from bot.telegram.supporters.callbacks import LANGUAGE_PREFIX, MenuAction, encode
from bot.telegram.supporters.outcomes import Context
from bot.telegram.supporters.use_cases import UseCases

# A supporter's pick is read from the database at most once a minute per instance (user_data
# keeps it), so another instance sees a change within a minute, and a busy chat costs no query.
RECHECK_SECONDS = 60.0
_PICKED = "language"


class LanguageHandlers:
    """The language of every update, and /language with its buttons."""

    def __init__(self, use: UseCases) -> None:
        self.use = use

    async def on_update(self, update: Update, context: Context) -> None:
        """Runs first for every update (group -1): the rest of it is answered in this language."""
        user = update.effective_user
        if user is None:
            return
        picked = await self._picked(update, context)
        i18n.set_language(picked or user.language_code or i18n.DEFAULT)

    async def _picked(self, update: Update, context: Context) -> str | None:
        data = context.user_data
        cached = data.get(_PICKED) if data is not None else None
        if cached is not None and time.monotonic() - cached[1] < RECHECK_SECONDS:
            return cached[0]
        picked = await self.use.store.run(profile.chosen_language, person_of(update))
        if data is not None:
            data[_PICKED] = (picked, time.monotonic())
        return picked

    async def language(self, update: Update, context: Context) -> None:
        text = render("language", languages=i18n.LANGUAGES)
        await send(context.bot, person_of(update).id, text, keyboard(i18n.current()))

    async def on_pick(
        self, context: Context, query: CallbackQuery, person: Person, action: MenuAction
    ) -> None:
        """A language button: remembered, and this very answer is in the new language."""
        language = action.action.removeprefix(LANGUAGE_PREFIX)
        await self.use.store.run(profile.choose_language, person, language)
        if context.user_data is not None:
            context.user_data[_PICKED] = (language, time.monotonic())
        i18n.set_language(language)
        await edit_or_send(context.bot, query, render("language_set"), keyboard(language))


def keyboard(current: str) -> InlineKeyboardMarkup:
    """One button per language, in its own name; the current one ticked."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"✅ {name}" if code == current else name,
                    callback_data=encode(MenuAction(LANGUAGE_PREFIX + code)),
                )
            ]
            for code, name in i18n.LANGUAGES.items()
        ]
    )
