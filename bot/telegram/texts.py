"""The supporters' short texts (toasts, button labels, file names, the command menu), read from
`templates/messages/texts.toml` in English and translated through the gettext catalogues
(bot/telegram/i18n.py), so a translation touches no Python; messages are templates."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from typing import Any, BinaryIO

from bot.paths import TEMPLATES_DIR
from bot.telegram import i18n

CATALOGUE = TEMPLATES_DIR / "messages" / "texts.toml"


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    with CATALOGUE.open("rb") as file:
        return tomllib.load(file)


def _text(section: str, key: str) -> str:
    return i18n.gettext(_catalogue()[section][key])


def toast(key: str) -> str:
    """A callback answer, e.g. toast("letter_gone")."""
    return _text("toasts", key)


def label(key: str, **values: str) -> str:
    """A button label, e.g. label("sign_as", name="Ani")."""
    return _text("buttons", key).format(**values)


def file_name(key: str, **values: str) -> str:
    return _text("files", key).format(**values)


def supporter_commands() -> list[tuple[str, str]]:
    """The command menu in the current language: (command, description), in the catalogue's
    order."""
    return [(name, i18n.gettext(text)) for name, text in _catalogue()["commands"].items()]


def group_commands() -> list[tuple[str, str]]:
    """The command menu in group chats, in the current language."""
    return [(name, i18n.gettext(text)) for name, text in _catalogue()["group_commands"].items()]


def extract(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extractor for texts.toml (babel.cfg): every value, with its key as a comment
    for translators."""
    lines = fileobj.read().decode("utf-8").splitlines()
    for section, texts in tomllib.loads("\n".join(lines)).items():
        for key, text in texts.items():
            number = next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key} =")), 0)
            yield number, "gettext", text, [f"{section}.{key}"]
