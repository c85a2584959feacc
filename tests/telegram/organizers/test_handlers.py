"""The organizers' handlers as registered: every command and button behind `admin_only`, and
their short texts (menu, buttons, toasts) from templates/messages."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.organizers.access import ADMIN_COMMANDS, ADMIN_PREFIX, button_label, toast
from bot.telegram.render import render

TOKEN = "123456:TEST-token-for-admin-handlers-0123456789"


def test_every_admin_command_and_button_is_gated(tmp_store: Store) -> None:
    settings = Settings(token=TOKEN, admin_ids=frozenset({42}))
    app = build_application(settings, load_campaign(find_campaign(None)), tmp_store)
    handlers = [handler for group in app.handlers.values() for handler in group]
    commands = [
        h for h in handlers if isinstance(h, CommandHandler) and h.commands & {*ADMIN_COMMANDS}
    ]
    buttons = [
        h
        for h in handlers
        if isinstance(h, CallbackQueryHandler)
        and getattr(h.pattern, "pattern", "").startswith(f"^{ADMIN_PREFIX}\\|")
    ]
    assert {c for h in commands for c in h.commands} == set(ADMIN_COMMANDS)
    assert len(buttons) == 3  # /export's, /broadcast's, and the out-of-date rest
    for handler in [*commands, *buttons]:
        assert getattr(handler.callback, "admin_only", False), handler.callback


@pytest.mark.parametrize(
    "key", ["not_available", "out_of_date", "failed", "already_ended", "already_started", "sending"]
)
def test_toasts_come_from_the_template(key: str) -> None:
    assert toast(key) and "\n" not in toast(key)


def test_texts_come_from_templates_and_a_typo_fails_loudly() -> None:
    assert button_label("send", recipients=12_345) == "📣 Send to 12,345"
    assert render("admin_command", command="export").startswith("Spreadsheet")
    with pytest.raises(UndefinedError, match="unknown_key"):
        toast("no such toast")
