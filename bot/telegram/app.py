"""Builds the PTB Application: HTML defaults, rate limiter, command menu, base_url from settings."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.campaign import Campaign
from bot.config import Settings
from bot.service import LetterService
from bot.store import Store
from bot.telegram.admin import AdminGate, AdminHandlers
from bot.telegram.handlers import SUPPORTER_COMMANDS, Handlers

log = logging.getLogger(__name__)

# Updates handled at once. Per-user order is kept by the database: every update is one
# transaction on a single writer thread, and buttons carry the draft revision they were made for.
CONCURRENT_UPDATES = 64


# Telegram allows a bot about 30 messages per second across all chats. A leaky bucket of one
# token refilled 29 times a second never puts more than 30 sends in any one-second window
# (PTB's default, 30 tokens refilled at 30/s, lets up to 60 through in a burst). Timer
# lateness makes the sustained rate a little lower: about 28/s measured (bench/).
SENDS_PER_SECOND = 29


def file_url_for(base_url: str) -> str:
    """PTB's file URL beside a custom base URL: https://host/bot -> https://host/file/bot."""
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    return base_url


def build_application(
    settings: Settings,
    campaign: Campaign,
    store: Store,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.require_token())
        .base_url(settings.base_url)
        .base_file_url(file_url_for(settings.base_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if rate_limiter:
        builder = builder.rate_limiter(
            AIORateLimiter(
                overall_max_rate=1, overall_time_period=1 / SENDS_PER_SECOND, max_retries=3
            )
        )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    gate = AdminGate(settings.admin_ids, SUPPORTER_COMMANDS)
    admin = AdminHandlers(campaign, store, gate)

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Menus and interrupted broadcasts; a failure here must never stop the bot starting."""
        try:
            await app.bot.set_my_commands([BotCommand(c, d) for c, d in SUPPORTER_COMMANDS])
        except TelegramError as error:
            log.warning("could not set the command menu: %s", error)
        await gate.set_menus(app)
        await admin.resume(app)

    builder = builder.post_init(post_init)
    app = builder.build()
    admin.register(app)  # first: its callback pattern must win over the supporters' handler
    Handlers(campaign, store, LetterService(campaign), gate).register(app)
    return app
