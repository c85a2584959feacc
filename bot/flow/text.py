"""Cleaning text that comes from outside (supporters' answers and names, organizers'
broadcasts, client metadata): control characters out, meaningful invisibles kept.

Everything stored goes through here first: PostgreSQL text cannot hold NUL at all, and other
control characters only garble messages and exports.
"""

from __future__ import annotations

import re

# Invisible characters that carry meaning: joiners inside emoji sequences and Persian words,
# and the direction marks of right-to-left text. Other control and format characters go.
_KEEP_INVISIBLE = frozenset("\u200c\u200d\u200e\u200f")

# What a Telegram client sends as `language_code`: an IETF language tag such as "en", "hy" or
# "pt-br". The column holds 16 characters.
MAX_LANGUAGE_TAG = 16
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


def _visible(ch: str) -> bool:
    return ch.isprintable() or ch in _KEEP_INVISIBLE


def clean_line(text: str) -> str:
    """One line of text with runs of whitespace (and control characters) folded to a space."""
    printable = "".join(ch if _visible(ch) else " " for ch in text)
    return " ".join(printable.split())


def clean_block(text: str, *, keep_tabs: bool = False) -> str:
    """Multi-line text: keep paragraphs (and tabs, if asked), drop control characters and
    trailing spaces. Other spaces (no-break, em…) become plain ones so words never run together.
    """

    def char(ch: str) -> str:
        if _visible(ch) or (keep_tabs and ch == "\t"):
            return ch
        return " " if ch.isspace() else ""

    lines = ["".join(map(char, line)).rstrip() for line in text.splitlines()]
    joined = "\n".join(lines).strip()
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined


def language_tag(code: str | None) -> str | None:
    """A client's language code if it is a plausible IETF tag ("en", "pt-br"), lower-cased;
    None for anything else, which the client made up or garbled."""
    tag = (code or "").strip().lower()
    if len(tag) <= MAX_LANGUAGE_TAG and _LANGUAGE_TAG.fullmatch(tag):
        return tag
    return None
