"""Bot messages from `templates/messages/` with autoescape on, so every variable is HTML-escaped."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.letters.score import MEANING
from bot.paths import TEMPLATES_DIR
from bot.places import US_STATES
from bot.telegram import i18n

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
_TAG = re.compile(r"<[^>]+>")


@cache
def _env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "messages")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Texts in {% trans %} blocks and _() come from the supporter's language's catalogue.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["thousands"] = lambda n: format_decimal(n, locale=i18n.current())
    env.filters["count"] = count
    env.filters["percent"] = lambda x: format_percent(x, locale=i18n.current())
    env.filters["long_date"] = lambda d: format_date(d, "d MMMM y", locale=i18n.current())
    env.filters["state_name"] = lambda code: US_STATES.get(code, code)
    env.globals["score_meaning"] = MEANING
    env.globals["language"] = i18n.current  # {% if language() != "en" %}
    return env


def count(n: int, noun: str, plural: str | None = None) -> str:
    """1 -> "1 letter", 1200 -> "1,200 letters"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def render(template: str, /, **context: Any) -> str:
    """Render `templates/messages/<name>.html.j2`; blank lines are folded to keep messages tidy."""
    text = _env().get_template(f"{template}.html.j2").render(**context).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: tags removed, entities decoded, in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", html_text))
    return len(plain.encode("utf-16-le")) // 2


def fits_message(html_text: str) -> bool:
    return 0 < visible_length(html_text) <= MAX_MESSAGE


def split_message(html_text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut HTML into messages Telegram accepts, at blank lines (our templates never open a tag
    across one), then at line ends; a single over-long line loses its markup and is cut by size.
    """
    if visible_length(html_text) <= limit:
        return [html_text]
    pieces: list[str] = []
    for paragraph in html_text.split("\n\n"):
        if visible_length(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            if visible_length(line) <= limit:
                pieces.append(line)
            else:
                text = html.unescape(_TAG.sub("", line))
                step = limit // 2  # UTF-16 may count a character twice
                pieces.extend(html.escape(text[i : i + step]) for i in range(0, len(text), step))
    messages: list[str] = []
    for piece in pieces:
        if messages and visible_length(messages[-1] + "\n\n" + piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def plain(text: str, limit: int = MAX_CALLBACK_ANSWER) -> str:
    """Text for places without HTML (callback answers, button labels), cut at a word if needed."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
