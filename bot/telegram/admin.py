"""Organizer access: who is an admin, their own command menu, and the gate on every admin
handler and callback. Anyone else gets the same neutral reply as an unknown command."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import wraps
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.telegram.render import render

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Any, Update, Context], Awaitable[None]]

ADMIN_COMMANDS = [
    ("stats", "Campaign numbers and a chart"),
    ("export", "Spreadsheet of the campaign (add 'personal' for names)"),
    ("broadcast", "Message everyone who asked for updates"),
]
_MENUS_SET = "admin_menus_set"


class AdminGate:
    """The organizers' ids, checked on every admin update, and their command menus."""

    def __init__(self, admin_ids: Iterable[int], supporter_commands: list[tuple[str, str]]):
        self.admin_ids = frozenset(admin_ids)
        self._commands = [BotCommand(c, d) for c, d in [*supporter_commands, *ADMIN_COMMANDS]]

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    async def set_menus(self, context_or_app: Any) -> None:
        """Give each organizer the admin menu. An organizer who never opened the bot makes
        Telegram answer "chat not found": that is expected, and retried when they write."""
        for admin_id in self.admin_ids:
            await self.ensure_menu(context_or_app, admin_id)

    async def ensure_menu(self, context_or_app: Any, admin_id: int) -> None:
        done: set[int] = context_or_app.bot_data.setdefault(_MENUS_SET, set())
        if admin_id in done:
            return
        try:
            await context_or_app.bot.set_my_commands(
                self._commands, scope=BotCommandScopeChat(admin_id)
            )
        except (BadRequest, Forbidden) as error:
            log.info("admin menu for %s not set yet: %s", admin_id, error.message)
            return
        done.add(admin_id)


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for organizers only; others get the unknown-command reply, nothing more.

    For callback queries the refusal is a neutral toast, so every query is still answered.
    """

    @wraps(handler)
    async def gated(self: Any, update: Update, context: Context) -> None:
        gate: AdminGate = self.gate
        if gate.is_admin(update):
            user = update.effective_user
            if user is not None:
                await gate.ensure_menu(context, user.id)
            await handler(self, update, context)
            return
        log.warning(
            "refused an admin action from user %s",
            update.effective_user.id if update.effective_user else "?",
        )
        if update.callback_query is not None:
            await update.callback_query.answer("That button is not available.")
        elif update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, render("help", campaign=self.campaign, unknown=True)
            )

    return gated
