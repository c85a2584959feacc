"""/reload for organizers: the campaign files loaded again in every instance, or, when any file
has an error, each problem listed and the running campaign kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update

from bot.campaign.catalogue import Catalogue
from bot.telegram.organizers.access import AdminCommand, Context, admin_only, chat_of
from bot.telegram.reloading import Reloader
from bot.telegram.render import render
from bot.telegram.sending import send


@dataclass
class ReloadCommand(AdminCommand):
    reloader: Reloader = field(kw_only=True)

    @admin_only
    async def reload(self, update: Update, context: Context) -> None:
        outcome = await self.reloader.request()
        if isinstance(outcome, Catalogue):
            text = render("reloaded", count=len(outcome.campaigns), title=outcome.default.title)
        else:
            text = render("reload_failed", errors=str(outcome))
        await send(context.bot, chat_of(update), text)
