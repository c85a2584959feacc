"""The supporters' short texts (toasts, button labels, file names, the command menu), read from
`templates/messages/texts.toml` so a translation touches no Python; messages are templates."""

from __future__ import annotations

import tomllib
from functools import cache

from bot.paths import TEMPLATES_DIR

CATALOGUE = TEMPLATES_DIR / "messages" / "texts.toml"


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    with CATALOGUE.open("rb") as file:
        return tomllib.load(file)


def toast(key: str) -> str:
    """A callback answer, e.g. toast("letter_gone")."""
    return _catalogue()["toasts"][key]


def label(key: str, **values: str) -> str:
    """A button label, e.g. label("sign_as", name="Ani")."""
    return _catalogue()["buttons"][key].format(**values)


def file_name(key: str, **values: str) -> str:
    return _catalogue()["files"][key].format(**values)


def supporter_commands() -> list[tuple[str, str]]:
    """The command menu: (command, description), in the catalogue's order."""
    return list(_catalogue()["commands"].items())
