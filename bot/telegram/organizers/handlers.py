"""The organizers' commands and buttons (/stats, /dashboard, /export, /broadcast, /reload),
registered in one place. Every handler here is gated by `admin_only`
(bot/telegram/organizers/access.py)."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.telegram.broadcasting.sender import LOCAL_HOLDER
from bot.telegram.organizers import broadcast, export, stats
from bot.telegram.organizers.access import (
    ADMIN_PREFIX,
    AdminCommand,
    AdminGate,
    Context,
    admin_button,
    toast,
)
from bot.telegram.organizers.broadcast import BroadcastCommand
from bot.telegram.organizers.dashboard import DashboardCommand
from bot.telegram.organizers.export import ExportCommand
from bot.telegram.organizers.reload import ReloadCommand
from bot.telegram.organizers.stats import StatsCommand
from bot.telegram.reloading import Reloader
from bot.telegram.supporters.use_cases import UseCases

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class AdminHandlers(AdminCommand):
    """/stats, /dashboard, /export, /broadcast and /reload with their buttons, for organizers
    only."""

    def __init__(
        self,
        use: UseCases,
        gate: AdminGate,
        *,
        reloader: Reloader,
        paid_broadcasts: bool = False,
        holder: str = LOCAL_HOLDER,
        web_url: str | None = None,
    ) -> None:
        super().__init__(use, gate)
        self.reload = ReloadCommand(use, gate, reloader=reloader)
        self.stats = StatsCommand(use, gate)
        self.export = ExportCommand(use, gate)
        self.dashboard = DashboardCommand(use, gate, web_url=web_url)
        self.broadcast = BroadcastCommand(use, gate, paid=paid_broadcasts, holder=holder)

    def register(self, app: AnyApplication) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler("stats", self.stats.stats, filters=private))
        app.add_handler(CommandHandler("export", self.export.export, filters=private))
        app.add_handler(CommandHandler("dashboard", self.dashboard.dashboard, filters=private))
        app.add_handler(CommandHandler("broadcast", self.broadcast.broadcast, filters=private))
        app.add_handler(CommandHandler("reload", self.reload.reload, filters=private))
        for prefix, on_button in [
            (export.BUTTONS, self.export.on_button),
            (broadcast.BUTTONS, self.broadcast.on_button),
        ]:
            pattern = rf"^{ADMIN_PREFIX}\|{prefix}\|"
            app.add_handler(CallbackQueryHandler(on_button, pattern=pattern))
        app.add_handler(CallbackQueryHandler(self.other_button, pattern=rf"^{ADMIN_PREFIX}\|"))

    @admin_button
    async def other_button(
        self, context: Context, query: CallbackQuery, parts: list[str]
    ) -> str | None:
        """Any other admin button: the /stats campaign picker's, or one this version no
        longer has."""
        if parts and parts[0] == stats.BUTTONS:
            return await self.stats.picked(context, query, parts)
        return toast("out_of_date")

    async def resume(self, app: AnyApplication) -> None:
        """At start-up: finish broadcasts a restart interrupted, reporting where they began."""
        await self.broadcast.resume(app)

    async def join(self, app: AnyApplication) -> None:
        """Every few seconds: help send broadcasts other instances started, and take over
        the recipients of an instance that died (once their claims' lease expires)."""
        await self.broadcast.resume(app, at_start=False)
