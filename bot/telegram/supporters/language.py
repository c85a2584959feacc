"""Which language the bot answers a supporter in: the one they picked with /language, else their
Telegram app's, else English; set for each update before any handler renders a word."""

from __future__ import annotations

import asyncio
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

# The picks of every supporter who made one are read together, at most every RELOAD_SECONDS per
# instance: no update waits for a query of its own (a burst of newcomers stays as cheap as
# before), and another instance sees a change within that time.
RELOAD_SECONDS = 30.0


class LanguageHandlers:
    """The language of every update, and /language with its buttons."""

    def __init__(self, use: UseCases) -> None:
        self.use = use
        self._picked: dict[int, str] = {}
        self._loaded_at = -RELOAD_SECONDS
        self._loading = asyncio.Lock()

    async def on_update(self, update: Update, context: Context) -> None:
        """Runs first for every update (group -1): the rest of it is answered in this language."""
        user = update.effective_user
        if user is None:
            return
        picked = (await self._picks()).get(user.id)
        i18n.set_language(picked or user.language_code or i18n.DEFAULT)

    async def _picks(self) -> dict[int, str]:
        if time.monotonic() - self._loaded_at >= RELOAD_SECONDS:
            async with self._loading:  # one read for everyone waiting
                if time.monotonic() - self._loaded_at >= RELOAD_SECONDS:
                    self._picked = await self.use.store.run(profile.chosen_languages)
                    self._loaded_at = time.monotonic()
        return self._picked

    async def language(self, update: Update, context: Context) -> None:
        text = render("language", languages=i18n.LANGUAGES)
        await send(context.bot, person_of(update).id, text, keyboard(i18n.current()))

    async def on_pick(
        self, context: Context, query: CallbackQuery, person: Person, action: MenuAction
    ) -> None:
        """A language button: remembered, and this very answer is in the new language."""
        language = action.action.removeprefix(LANGUAGE_PREFIX)
        await self.use.store.run(profile.choose_language, person, language)
        self._picked[person.id] = language
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
