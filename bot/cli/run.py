"""`campaign-bot run`: the bot's campaign and database checked, then long polling or a webhook
until stopped; Telegram refusing the bot, or out of reach, ends in one line with the token
redacted."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.campaign import Campaign
from bot.campaign.catalogue import load_catalogue
from bot.campaign.freshness import directory_age, stale_items
from bot.cli.database import one_line, open_store, safe_url
from bot.config import DEFAULT_BASE_URL, ConfigError, Settings
from bot.logsetup import RedactingFilter, install_excepthooks, setup_logging
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.webhook import ALLOWED_UPDATES, run_webhook

log = logging.getLogger("bot")

# How many times PTB's bootstrap (`bootstrap_retries`) tries again while Telegram cannot be
# reached at start-up. It waits 1.5 s, then 1.5 times longer each time (capped at 30 s; no wait
# after a timeout, which has waited already): 8 retries wait about 75 s in all. That rides out a
# network that comes up after the bot (a reboot, a container, Wi-Fi reconnecting), yet an
# organizer at a terminal learns of a dead connection or a wrong TELEGRAM_BASE_URL within a
# minute or two. Not -1 (forever): a bot retrying unseen looks as if it runs; retrying forever is
# a service manager's job (systemd Restart=, Docker restart policies). A rejected token is never
# retried: PTB gives up on InvalidToken at once.
STARTUP_RETRIES = 8

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    secrets = [token, settings.webhook_secret or ""]
    install_excepthooks(secrets)  # before anything can fail with the token in its message
    setup_logging(logging.DEBUG if args.verbose else logging.INFO, secrets=secrets)
    if args.webhook:
        settings.require_webhook()
    app, store = _build(settings, webhook=args.webhook)
    try:
        with _telegram_errors(settings):
            if args.webhook:
                run_webhook(app, settings, retries=STARTUP_RETRIES)
            else:
                app.run_polling(
                    allowed_updates=list(ALLOWED_UPDATES), bootstrap_retries=STARTUP_RETRIES
                )
    finally:
        store.close()
    return 0


def _build(settings: Settings, webhook: bool) -> tuple[AnyApplication, Store]:
    """The bot with its campaign and database, checked before Telegram is contacted.

    With webhooks, several instances may share the database: each is named by its port (so a
    restarted one takes back its own supporter leases) and they share one send budget.
    """
    # Every campaign file (and its letter templates) must load, or the bot does not start: a
    # broken file fails now, not at a supporter's last step.
    catalogue = load_catalogue(settings.campaigns_dir, settings.campaign)
    store = open_store(settings.database_url)
    try:
        app = build_application(
            settings,
            catalogue,
            store,
            instance=f"webhook-{settings.webhook_port}" if webhook else "polling",
            shared_send_budget=webhook,
            web_server=not webhook,  # with webhooks, the webhook's server serves the Mini Apps
        )
        log.info(
            "campaigns %s loaded (default %s); database %s",
            ", ".join(catalogue.ids),
            catalogue.default.id,
            safe_url(settings.database_url),
        )
        for campaign in catalogue.open_campaigns(datetime.now(UTC)) or [catalogue.default]:
            _warn_stale(campaign, store)
    except BaseException:
        store.close()
        raise
    return app, store


def _warn_stale(campaign: Campaign, store: Store) -> None:
    """At start-up, one warning per stale date: old data is seen where the bot is watched."""
    today = datetime.now(UTC).date()
    for item in stale_items(campaign, today):
        log.warning("stale: %s", item.line)
    if campaign.lookups:
        for problem in store.query(directory_age, campaign.stale_after_days, today).problems():
            log.warning("officials directory: %s", problem)


@contextmanager
def _telegram_errors(settings: Settings) -> Iterator[None]:
    """Telegram refusing the bot, or out of reach, ends in one line on what to fix; PTB's
    messages name the token (InvalidToken), so the line is redacted too."""
    try:
        yield
    except TelegramError as error:
        advice = _telegram_advice(error, settings.base_url)
        raise ConfigError(RedactingFilter([settings.token or ""]).redact(advice)) from None


def _telegram_advice(error: TelegramError, base_url: str) -> str:
    custom = base_url != DEFAULT_BASE_URL
    if isinstance(error, InvalidToken):
        return _rejected_advice(error, base_url if custom else None)
    reason = one_line(str(error))
    if isinstance(error, NetworkError):
        url_too = ", and TELEGRAM_BASE_URL" if custom else ""
        return (
            f"cannot reach Telegram at {base_url} ({reason}): check the internet connection, "
            f"a proxy or firewall{url_too}; then start again."
        )
    return f"Telegram refused to start the bot: {reason}."


def _rejected_advice(error: InvalidToken, custom_url: str | None) -> str:
    """PTB raises InvalidToken for 401 and 404 alike; the server's description is its cause."""
    if "Not Found" not in str(error.__cause__):
        return (
            "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): it was revoked or "
            "mistyped; get a new token from @BotFather and set TELEGRAM_BOT_TOKEN."
        )
    if custom_url:  # a wrong URL answers 404 before any token is looked at
        return (
            f"TELEGRAM_BASE_URL {custom_url} answered 404 Not Found, so the token was not "
            f"checked: fix TELEGRAM_BASE_URL (Telegram's is {DEFAULT_BASE_URL})."
        )
    return (
        "Telegram does not know TELEGRAM_BOT_TOKEN (404 Not Found): copy it again from @BotFather."
    )
