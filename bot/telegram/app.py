"""Builds the PTB Application: HTML defaults, rate limiter, command menu, base_url from settings."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    Defaults,
)
from telegram.request import BaseRequest

from bot.campaign import Campaign
from bot.campaign.catalogue import Catalogue
from bot.config import Settings
from bot.store import Store
from bot.store.leases import prune
from bot.store.models import utcnow
from bot.telegram import i18n
from bot.telegram.ordering import FloodGuard, OneAtATime
from bot.telegram.organizers.access import AdminGate
from bot.telegram.organizers.handlers import AdminHandlers
from bot.telegram.ratelimit import BotRateLimiter, LocalClock, SharedClock
from bot.telegram.reloading import Reloader
from bot.telegram.render import render
from bot.telegram.supporters.handlers import SupporterHandlers
from bot.telegram.supporters.use_cases import UseCases
from bot.telegram.texts import group_commands, supporter_commands
from bot.web.context import WEB, WebContext
from bot.web.server import MiniAppServer

log = logging.getLogger(__name__)
WEB_SERVER = "web_server"  # bot_data key of the Mini Apps' own server (polling mode)

# Updates of different supporters handled at once; one supporter's run one at a time, in order
# (bot/telegram/ordering.py), and buttons carry the draft revision they were made for.
CONCURRENT_UPDATES = 64
PRUNE_EVERY = timedelta(hours=1)
KEEP_HANDLED_UPDATES = timedelta(days=1)  # Telegram redelivers within hours, not days
# How often an instance looks for broadcasts that others started or left (several instances).
JOIN_BROADCASTS_EVERY = timedelta(seconds=5)


def file_url_for(base_url: str) -> str:
    """PTB's file URL beside a custom base URL: https://host/bot -> https://host/file/bot."""
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    return base_url


async def _slow_down(update: Update) -> None:
    """The one notice a flooding supporter gets (private chats only; never fails the bot)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    try:
        await chat.send_message(render("flood"))
    except TelegramError as error:
        log.info("could not send the flood notice: %s", error)


async def _prune(context: CallbackContext[Any, Any, Any, Any]) -> None:
    store = context.job.data if context.job else None
    if isinstance(store, Store):
        await store.run(prune, utcnow() - KEEP_HANDLED_UPDATES)


def build_application(
    settings: Settings,
    campaign: Campaign | Catalogue,
    store: Store,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
    flood: FloodGuard | None = None,
    instance: str = "polling",
    shared_send_budget: bool = False,
    web_server: bool = False,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application. `instance` names this process among the bot's instances on this
    machine (e.g. its webhook port): a restarted instance takes back its own supporter leases
    and broadcast claims. With `shared_send_budget` (several instances) they share one send
    budget and all work on running broadcasts. With WEB_URL set the Mini Apps are served: by a
    server of their own on WEB_PORT with `web_server` (polling), else by the webhook's."""
    holder = f"{socket.gethostname()}/{instance}"
    builder = _builder(settings, store, flood or FloodGuard(), holder)
    if rate_limiter:
        # Several instances (webhooks) share one send budget in the database; one polling
        # process (the only kind there can be one of) keeps its own.
        clock = SharedClock(store) if shared_send_budget else LocalClock()
        builder = builder.rate_limiter(BotRateLimiter(clock))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    gate = AdminGate(settings.admin_ids)
    use = UseCases(campaign, store, web_url=settings.web_url)
    reloader = Reloader(settings, use)
    admin = AdminHandlers(
        use,
        gate,
        reloader=reloader,
        paid_broadcasts=settings.paid_broadcasts,
        holder=holder,
        web_url=settings.web_url,
    )
    builder = builder.post_init(_post_init(store, gate, admin, shared_send_budget, reloader))
    if settings.web_url and web_server:
        web = MiniAppServer(settings)
        builder = builder.post_shutdown(web.stop)
    app = builder.build()
    if settings.web_url:
        app.bot_data[WEB] = WebContext(use, gate.admin_ids, settings.require_token(), app.bot)
        if web_server:
            app.bot_data[WEB_SERVER] = web
    admin.register(app)  # first: its callback pattern must win over the supporters' handler
    SupporterHandlers(use, gate).register(app)
    return app


def _builder(
    settings: Settings, store: Store, flood: FloodGuard, holder: str
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """Token and Bot API address, HTML by default, and one supporter's updates at a time."""
    return (
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
        .concurrent_updates(
            OneAtATime(
                store,
                workers=CONCURRENT_UPDATES,
                flood=flood,
                on_flood=_slow_down,
                holder=holder,
            )
        )
    )


async def _set_menus(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The supporters' command menu in each language (English for every other app language)."""
    for language in i18n.LANGUAGES:
        with i18n.use(language):
            commands = [BotCommand(c, d) for c, d in supporter_commands()]
            in_groups = [BotCommand(c, d) for c, d in group_commands()]
        code = None if language == i18n.DEFAULT else language
        await app.bot.set_my_commands(commands, language_code=code)
        await app.bot.set_my_commands(
            in_groups, scope=BotCommandScopeAllGroupChats(), language_code=code
        )


def _post_init(
    store: Store,
    gate: AdminGate,
    admin: AdminHandlers,
    shared_send_budget: bool,
    reloader: Reloader,
) -> Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]:
    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Menus and interrupted broadcasts; a failure here must never stop the bot starting."""
        try:
            await _set_menus(app)
        except TelegramError as error:
            log.warning("could not set the command menu: %s", error)
        await gate.set_menus(app)
        server = app.bot_data.get(WEB_SERVER)
        if server is not None:
            await server.start(app)
        web = app.bot_data.get(WEB)
        if web is not None and web.dashboard is not None:
            # The default campaign's numbers, computed in the background now, so the first
            # dashboard opened is served at once (at 1,000,000 letters they take seconds).
            web.dashboard.warm(web.use.campaign)
        await admin.resume(app)
        reloader.install(app)
        if app.job_queue is not None:
            app.job_queue.run_repeating(_prune, interval=PRUNE_EVERY, first=60, data=store)
            if shared_send_budget:

                async def join(context: CallbackContext[Any, Any, Any, Any]) -> None:
                    await admin.join(context.application)

                app.job_queue.run_repeating(join, interval=JOIN_BROADCASTS_EVERY, first=1)

    return post_init
