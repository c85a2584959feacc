"""The bot's own texts in English, Armenian and Russian: gettext catalogues in
`bot/locale/<language>/LC_MESSAGES/messages.po` (extracted with Babel, see README), compiled in
memory when first used, and the language of the supporter being answered.

The language is a context variable: the update's handler sets it once (`use`), and every
`render`, `label` and `toast` below reads it, so no call site passes it around.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# Each language as its speakers name it, in the order /language offers them.
LANGUAGES = {"en": "English", "hy": "Հայերեն", "ru": "Русский"}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def supported(code: str | None) -> str:
    """The bot's language for a client's code: "hy-AM" is "hy", anything unknown English."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT


@cache
def translations(language: str) -> stdlib_gettext.NullTranslations:
    """The compiled catalogue of a language (English, the source language, needs none)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not po.is_file():
        return stdlib_gettext.NullTranslations()
    with po.open("rb") as file:
        catalog = read_po(file, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current() -> str:
    return _current.get()


def set_language(language: str) -> None:
    """Answer in `language` for the rest of this update (this task's context)."""
    _current.set(supported(language))


@contextmanager
def use(language: str | None) -> Iterator[str]:
    """Answer in `language` inside the block (a background send to one supporter)."""
    chosen = supported(language)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)
