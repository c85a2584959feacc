"""Cleaning what supporters type: control characters out, meaningful invisibles kept."""

from __future__ import annotations

# Invisible characters that carry meaning: joiners inside emoji sequences and Persian words,
# and the direction marks of right-to-left text. Other control and format characters go.
_KEEP_INVISIBLE = frozenset("\u200c\u200d\u200e\u200f")


def _visible(ch: str) -> bool:
    return ch.isprintable() or ch in _KEEP_INVISIBLE


def clean_line(text: str) -> str:
    """One line of text with runs of whitespace (and control characters) folded to a space."""
    printable = "".join(ch if _visible(ch) else " " for ch in text)
    return " ".join(printable.split())


def clean_block(text: str) -> str:
    """Multi-line text: keep paragraphs, drop control characters and trailing spaces."""
    lines = ["".join(ch for ch in line if _visible(ch)).rstrip() for line in text.splitlines()]
    joined = "\n".join(lines).strip()
    while "\n\n\n" in joined:
        joined = joined.replace("\n\n\n", "\n\n")
    return joined
