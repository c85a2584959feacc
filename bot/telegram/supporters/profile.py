"""The supporter's own matters: the campaign's demands, help and privacy, /me with updates and
the invite link, /cancel, /forget, and Telegram's notices that the bot was blocked."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus
from telegram.error import Forbidden, TelegramError

from bot.supporters import engagement, profile
from bot.supporters.views import Person
from bot.telegram.render import render
from bot.telegram.sending import chat_id_of, edit_or_send, invite_link, person_of, send
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.callbacks import CampaignAction, MenuAction
from bot.telegram.supporters.outcomes import Context
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import toast

log = logging.getLogger(__name__)


class ProfileHandlers:
    """Commands and menu buttons about the campaign and the supporter's own data."""

    def __init__(self, use: UseCases) -> None:
        self.use = use

    async def demands(self, update: Update, context: Context) -> None:
        person = person_of(update)
        await self.send_demands(context, person, person.id)

    async def send_demands(self, context: Context, person: Person, chat_id: int) -> None:
        """What the supporter's current campaign asks."""
        campaign = await self.use.current(person)
        text = render("demands", campaign=self.use.local_campaign(campaign.id))
        await send(context.bot, chat_id, text, keyboards.write_keyboard())

    async def help(self, update: Update, context: Context) -> None:
        await self._send_help(context, person_of(update), unknown=False)

    async def unknown_command(self, update: Update, context: Context) -> None:
        await self._send_help(context, person_of(update), unknown=True)

    async def _send_help(self, context: Context, person: Person, *, unknown: bool) -> None:
        campaign = await self.use.current(person)
        text = render("help", campaign=self.use.local_campaign(campaign.id), unknown=unknown)
        await send(context.bot, person.id, text)

    async def privacy(self, update: Update, context: Context) -> None:
        await send(context.bot, person_of(update).id, render("privacy"))

    async def forget(self, update: Update, context: Context) -> None:
        markup = keyboards.forget_keyboard()
        await send(context.bot, person_of(update).id, render("forget_confirm"), markup)

    async def cancel(self, update: Update, context: Context) -> None:
        person = person_of(update)
        cancelled = await self.use.store.run(self.use.drafting.cancel, person)
        await send(context.bot, person.id, render("cancelled", cancelled=cancelled))

    async def me(self, update: Update, context: Context) -> None:
        person = person_of(update)
        # /me may come before /start
        await self.use.store.run(profile.welcome, person, None, None, self.use.campaign.id)
        await self._send_me(context, person)

    async def _send_me(
        self, context: Context, person: Person, query: CallbackQuery | None = None
    ) -> None:
        campaign = await self.use.current(person)
        impact = await self.use.store.run(engagement.impact, campaign.id, person)
        if impact is None:
            return
        link = invite_link(context.bot, self.use.invite_payload(campaign.id, impact.invite_code))
        text = render("me", impact=impact, link=link)
        markup = keyboards.me_keyboard(impact.opted_in, has_place=impact.place is not None)
        if query is not None:
            await edit_or_send(context.bot, query, text, markup)
        else:
            await send(context.bot, person.id, text, markup)

    async def stop(self, update: Update, context: Context) -> None:
        person = person_of(update)
        await self.use.store.run(engagement.stop_all_updates, person)
        cancelled = await self.use.store.run(self.use.reminders.cancel, person)
        text = render("updates", on=False, reminders_cancelled=cancelled)
        await send(context.bot, person.id, text)

    async def on_updates_offer(
        self, context: Context, query: CallbackQuery, person: Person, action: CampaignAction
    ) -> str | None:
        """The updates offer under the thanks for a sent letter: that letter's campaign."""
        on = action.action == "updates_yes"
        if not await self.use.store.run(engagement.set_updates, person, on, action.campaign_id):
            return toast("start_first")
        await edit_or_send(context.bot, query, render("updates", on=on))
        return None

    async def on_menu_button(
        self, context: Context, query: CallbackQuery, person: Person, action: MenuAction
    ) -> str | None:
        """The menu buttons other than a new or resumed letter; the toast to answer with."""
        run = self.use.store.run
        if action.action == "demands":
            await self.send_demands(context, person, chat_id_of(query))
        elif action.action in ("updates_on", "updates_off", "offer_yes", "offer_no"):
            # /me's switch, about the campaign it shows (and an offer's button from before
            # offers named their campaign)
            on = action.action in ("updates_on", "offer_yes")
            campaign = await self.use.current(person)
            if not await run(engagement.set_updates, person, on, campaign.id):
                return toast("start_first")
            if action.action.startswith("updates"):
                chat = Person(chat_id_of(query))
                await self._send_me(context, chat, query)  # the toggle lives on /me: redraw it
            else:
                await edit_or_send(context.bot, query, render("updates", on=on))
        elif action.action == "place_reset":
            await run(profile.forget_place, person)
            await edit_or_send(context.bot, query, render("place_reset"))
        elif action.action == "forget_yes":
            deleted = await run(profile.forget, person)
            await edit_or_send(context.bot, query, render("forgotten", deleted=deleted))
        elif action.action == "forget_no":
            await edit_or_send(context.bot, query, render("forget_kept"))
        return None

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """Telegram tells the bot when a user blocks (kicked) or unblocks (member) it."""
        change = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
        await self.use.store.run(profile.set_blocked, Person(change.from_user.id), blocked)

    async def on_error(self, update: object, context: Context) -> None:
        """A Forbidden means the user blocked the bot; anything else is logged and apologized
        for."""
        error = context.error
        if isinstance(error, Forbidden):
            user = update.effective_user if isinstance(update, Update) else None
            chat = update.effective_chat if isinstance(update, Update) else None
            log.info("a user blocked the bot, or a group removed it: %s", error.message)
            if user is not None and chat is not None and chat.type == "private":
                await self.use.store.run(profile.set_blocked, Person(user.id), True)
            return
        log.error("error while handling an update", exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, render("error"))
            except TelegramError as send_error:
                log.warning("could not tell the user about the error: %s", send_error)
