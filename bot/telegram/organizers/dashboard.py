"""/dashboard for organizers: a button that opens the dashboard Mini App (bot/web/dashboard.py)
inside Telegram, which is where its initData comes from. Without WEB_URL the bot serves no
pages, so /dashboard says how to set it. The button's page carries the organizer's language in
the bot (`?lang=`), so the dashboard speaks it too. Sending the button also starts computing the
default campaign's numbers, so they are likely ready by the time the organizer taps it."""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from bot.telegram import i18n
from bot.telegram.organizers.access import AdminCommand, AdminGate, Context, admin_only, chat_of
from bot.telegram.render import render
from bot.telegram.supporters.use_cases import UseCases
from bot.web.context import WEB, WebContext

PAGE = "/app/dashboard"


class DashboardCommand(AdminCommand):
    """/dashboard: the web_app button, or how to turn the Mini Apps on."""

    def __init__(self, use: UseCases, gate: AdminGate, *, web_url: str | None) -> None:
        super().__init__(use, gate)
        self.web_url = web_url

    @admin_only
    async def dashboard(self, update: Update, context: Context) -> None:
        chat_id = chat_of(update)
        if not self.web_url:
            await context.bot.send_message(chat_id, render("admin_dashboard", what="no_web_url"))
            return
        page = f"{self.web_url}{PAGE}?{urlencode({'lang': i18n.current()})}"
        button = InlineKeyboardButton(
            render("admin_dashboard", what="button"), web_app=WebAppInfo(page)
        )
        await context.bot.send_message(
            chat_id,
            render("admin_dashboard", what="open"),
            reply_markup=InlineKeyboardMarkup([[button]]),
        )
        web = context.bot_data.get(WEB)
        if isinstance(web, WebContext) and web.dashboard is not None:
            web.dashboard.warm(self.campaign)
