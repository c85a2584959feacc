"""The buttons under a letter: "I sent it" (there or under the kit), another wording, edit,
the printable kit with its one question (a street for the signature), "remind me tomorrow",
and a reminder's buttons that show a letter again."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, CallbackQuery, Message

from bot.store.models import utcnow
from bot.supporters import engagement
from bot.supporters.kits import StreetWanted
from bot.supporters.reminders import AllSent, ReminderSet
from bot.supporters.views import Person
from bot.telegram.render import render
from bot.telegram.sending import chat_id_of, invite_link, send, tapped, try_edit_markup
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.callbacks import LetterAction
from bot.telegram.supporters.kit_messages import KitMessages
from bot.telegram.supporters.letter_messages import (
    fits_one_message,
    show_letter,
    update_letter_message,
)
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import toast


@dataclass(frozen=True)
class Tap:
    """A tap on a letter's button: by whom, on which message, and what for."""

    bot: Bot
    query: CallbackQuery
    person: Person
    action: LetterAction

    @property
    def chat_id(self) -> int:
        return chat_id_of(self.query)

    @property
    def message(self) -> Message | None:
        return tapped(self.query)

    @property
    def letter_id(self) -> int:
        return self.action.letter_id


class LetterButtons:
    """Each method handles one `LetterAction` and returns the toast to answer the tap with."""

    def __init__(self, use: UseCases, kits: KitMessages) -> None:
        self.use = use
        self.kits = kits

    async def on_button(
        self, bot: Bot, query: CallbackQuery, person: Person, action: LetterAction
    ) -> str | None:
        """Handles one `LetterAction`; returns the toast to answer the tap with."""
        handlers = {
            "sent": self.sent,
            "kit_sent": self.sent,
            "again": self.again,
            "kit": self.kit,
            "nostreet": self.no_street,
            "edit": self.edit,
            "remind": self.remind,
            "show": self.show,
        }
        return await handlers[action.action](Tap(bot, query, person, action))

    async def sent(self, tap: Tap) -> str | None:
        run = self.use.store.run
        letter, changed = await run(self.use.actions.mark_sent, tap.person, tap.letter_id)
        if letter is None:
            return toast("letter_gone")
        if not changed:
            return toast("already_recorded")
        message = tap.message
        if tap.action.action == "sent":
            await update_letter_message(message, letter, self.use.web_url)
        elif message is not None:
            await try_edit_markup(message, None)  # the kit's button has done its job
        after = await run(engagement.after_send, tap.person, letter.campaign_id)
        if after is not None:
            payload = self.use.invite_payload(letter.campaign_id, after.invite_code)
            link = invite_link(tap.bot, payload)
            text = render("after_send", link=link, offer=after.offer_updates)
            markup = (
                keyboards.updates_offer_keyboard(letter.campaign_id)
                if after.offer_updates
                else None
            )
            await send(tap.bot, tap.person.id, text, markup)
        return toast("recorded")

    async def again(self, tap: Tap) -> str | None:
        letter = await self.use.store.run(self.use.actions.reword, tap.person, tap.letter_id)
        if letter is None:
            return toast("letter_gone")
        await show_letter(self.use, tap.bot, tap.chat_id, letter, replace=tap.message)
        return toast("another_wording")

    async def kit(self, tap: Tap) -> str | None:
        """The kit, after asking once for a street to print under the signature."""
        found = await self.use.store.run(self.use.kits.request, tap.person, tap.letter_id)
        if found is None:
            return toast("letter_gone")
        if isinstance(found, StreetWanted):
            text = render("street_prompt", letter=found.letter)
            await send(tap.bot, tap.chat_id, text, keyboards.street_keyboard(found.letter))
        else:
            await self.kits.send_kit(tap.bot, tap.chat_id, found)
        return None

    async def no_street(self, tap: Tap) -> str | None:
        kit = await self.use.store.run(self.use.kits.skip, tap.person, tap.letter_id)
        if kit is None:
            return toast("letter_gone")
        if tap.message is not None:
            await try_edit_markup(tap.message, None)
        await self.kits.send_kit(tap.bot, tap.chat_id, kit)
        return None

    async def edit(self, tap: Tap) -> str | None:
        letter = await self.use.store.run(self.use.actions.begin_edit, tap.person, tap.letter_id)
        if letter is None:
            return toast("letter_gone")
        text = render("edit_prompt", letter=letter, as_file=not fits_one_message(letter))
        await send(tap.bot, tap.chat_id, text)
        return None

    async def remind(self, tap: Tap) -> str | None:
        """One reminder per draft, a day from now; a second tap says it is already set."""
        run = self.use.store.run
        found = await run(self.use.actions.remind, tap.person, tap.letter_id, utcnow())
        match found:
            case None:
                return toast("letter_gone")
            case AllSent():
                return toast("reminder_all_sent")
            case ReminderSet(created=True):
                return toast("reminder_set")
            case _:
                return toast("reminder_already")

    async def show(self, tap: Tap) -> str | None:
        """A letter again, with its buttons (from a reminder)."""
        letter = await self.use.store.run(self.use.actions.letter, tap.person, tap.letter_id)
        if letter is None:
            return toast("letter_gone")
        await show_letter(self.use, tap.bot, tap.chat_id, letter)
        return None
