"""The texts catalogue: every key the handlers ask for is in it, labels fit a button whole, and
the command menu is one Telegram accepts."""

from __future__ import annotations

import re

from bot.paths import TEMPLATES_DIR
from bot.telegram import texts
from bot.telegram.render import MAX_CALLBACK_ANSWER
from bot.telegram.supporters.keyboards import BUTTON_LABEL_LIMIT

TELEGRAM_SOURCES = TEMPLATES_DIR.parent / "bot" / "telegram"
_ASKED = re.compile(r'\b(toast|label|file_name)\("(\w+)"')


def asked_keys() -> set[tuple[str, str]]:
    """(kind, key) for every literal key the Telegram adapter asks the catalogue for."""
    found = set()
    for path in TELEGRAM_SOURCES.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "from bot.telegram.texts import" in source:
            found |= set(_ASKED.findall(source))
    return found


def test_every_key_the_handlers_ask_for_is_in_the_catalogue() -> None:
    asked = asked_keys()
    assert ("toast", "letter_gone") in asked
    assert ("label", "write_letter") in asked
    for kind, key in asked:
        if kind == "toast":
            assert texts.toast(key).strip()
        elif kind == "label":
            assert texts.label(key, name="Ani", label="President").strip()
        else:
            assert texts.file_name(key, slug="president", extension="pdf").strip()


def test_labels_fit_a_button_and_toasts_a_callback_answer() -> None:
    for kind, key in asked_keys():
        if kind == "label":
            assert len(texts.label(key, name="Ani Hakobyan", label="President")) <= (
                BUTTON_LABEL_LIMIT
            ), key
        elif kind == "toast":
            assert len(texts.toast(key)) <= MAX_CALLBACK_ANSWER, key


def test_the_command_menu_is_one_telegram_accepts() -> None:
    commands = texts.supporter_commands()
    assert [name for name, _ in commands][:3] == ["letter", "campaigns", "demands"]
    for name, description in commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 3 <= len(description) <= 256
