"""The fake Bot API checks web_app buttons as Telegram does: https pages only (plain http for
this machine, as the bot's WEB_URL check allows, so the tests can open their own server), and
in private chats only."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api.content import validated_markup
from tests.fakes.telegram_api.records import ApiError


def markup(url: str) -> dict[str, object]:
    return {"inline_keyboard": [[{"text": "Open", "web_app": {"url": url}}]]}


@pytest.mark.parametrize(
    "url", ["https://bot.example.org/app/dashboard", "http://127.0.0.1:8081/app/dashboard"]
)
def test_https_or_this_machine_is_taken(url: str) -> None:
    assert validated_markup(markup(url)) == markup(url)


@pytest.mark.parametrize("url", ["http://bot.example.org/app", "ftp://127.0.0.1/app", ""])
def test_other_pages_are_refused(url: str) -> None:
    with pytest.raises(ApiError):
        validated_markup(markup(url))


def test_not_in_a_group() -> None:
    with pytest.raises(ApiError, match="BUTTON_TYPE_INVALID"):
        validated_markup(markup("https://bot.example.org/app"), private=False)
