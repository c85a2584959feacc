"""Letter-writing parties in group chats: /party [title] posts a card with a "Write yours" link
to a private chat, a job edits its count at most every 10 seconds, /party end thanks everyone.
In a group the bot only ever posts counts and the title; supporter commands sent there are
answered with a link to continue in private."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, filters

from bot import parties
from bot.parties import PARTY_PREFIX, PartyCard
from bot.store.models import utcnow
from bot.telegram import i18n
from bot.telegram.organizers.access import AdminGate
from bot.telegram.render import render
from bot.telegram.sending import send
from bot.telegram.supporters.outcomes import Context
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import label, supporter_commands

log = logging.getLogger(__name__)

GROUPS = filters.ChatType.GROUPS
_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def write_link(bot: Bot, code: str | None) -> str:
    """The deep link to a private chat: at the party whose `code` it is, when there is one."""
    payload = f"{PARTY_PREFIX}{code}" if code else "group"
    return f"https://t.me/{bot.username}?start={payload}"


def _card_markup(bot: Bot, card: PartyCard) -> InlineKeyboardMarkup | None:
    """The card's one button, in the card's language; none once the party ended."""
    if not card.open:
        return None
    with i18n.use(card.language):
        button = InlineKeyboardButton(label("write_yours"), url=write_link(bot, card.code))
    return InlineKeyboardMarkup([[button]])


class PartyHandlers:
    """/party in groups, the card's refresh job, and supporter commands sent in a group."""

    def __init__(self, use: UseCases, gate: AdminGate) -> None:
        self.use = use
        self.gate = gate

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(CommandHandler("party", self.party, filters=GROUPS))
        names = [name for name, _ in supporter_commands()] + ["start"]
        app.add_handler(CommandHandler(names, self.in_private_please, filters=GROUPS))
        if app.job_queue is not None:
            every = parties.CARD_EVERY.total_seconds()
            app.job_queue.run_repeating(self.refresh_cards, interval=every, first=every)

    async def party(self, update: Update, context: Context) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        if not await self._may_host(update, context):
            await send(context.bot, chat.id, render("party_not_allowed"))
            return
        words = context.args or []
        run = self.use.store.run
        if words[:1] == ["end"]:
            await self._end(context, chat.id)
            return
        campaign = self.use.campaign
        named = self.use.desks.get(words[0]) if words else None
        if named is not None and named.campaign.is_open(utcnow()):  # /party <campaign> [title]
            campaign, words = named.campaign, words[1:]
        title = " ".join(words) or None
        opened = await run(parties.open_party, chat.id, campaign.id, title, user.id, i18n.current())
        card = opened[0]
        markup = _card_markup(context.bot, card)
        sent = await send(context.bot, chat.id, self._card_text(card), markup)
        await run(parties.card_posted, card, sent.message_id, utcnow())

    async def _end(self, context: Context, chat_id: int) -> None:
        card = await self.use.store.run(parties.end_party, chat_id)
        if card is None:
            await send(context.bot, chat_id, render("party_none"))
            return
        if card.message_id is not None:
            try:
                await context.bot.edit_message_text(
                    self._card_text(card), chat_id=chat_id, message_id=card.message_id
                )
            except TelegramError as error:  # gone or too old: the summary below says it all
                log.info("party %d: final card not edited: %s", card.party_id, error)
        await send(context.bot, chat_id, render("party_ended", card=card))

    async def _may_host(self, update: Update, context: Context) -> bool:
        """Organizers, and the group's administrators (as Telegram says now)."""
        if self.gate.is_admin(update):
            return True
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return False
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as error:
            log.info("could not check who may open a party: %s", error)
            return False
        return member.status in _ADMINS

    async def in_private_please(self, update: Update, context: Context) -> None:
        """A supporter command sent in a group: letters are written in private."""
        chat = update.effective_chat
        if chat is None:
            return
        code = await self.use.store.run(parties.open_code, chat.id)
        button = InlineKeyboardButton(label("continue_private"), url=write_link(context.bot, code))
        await send(context.bot, chat.id, render("group_private"), InlineKeyboardMarkup([[button]]))

    async def refresh_cards(self, context: Context, now: datetime | None = None) -> None:
        """The job: each open party's card shows its count, edited at most every 10 seconds."""
        now = now or utcnow()
        for card in await self.use.store.run(parties.cards_to_refresh, now):
            if card.message_id is None:
                continue
            try:
                await context.bot.edit_message_text(
                    self._card_text(card),
                    chat_id=card.chat_id,
                    message_id=card.message_id,
                    reply_markup=_card_markup(context.bot, card),
                )
            except TelegramError as error:
                log.info("party %d: card not refreshed: %s", card.party_id, error)
            await self.use.store.run(parties.card_shown, card, now)

    def _card_text(self, card: PartyCard) -> str:
        with i18n.use(card.language):
            campaign = self.use.local_campaign(card.campaign_id)
            return render("party_card", card=card, campaign=campaign)
