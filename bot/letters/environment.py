"""The sandboxed Jinja2 environment that letters and phone scripts share, and its filters.

Supporter text only ever enters a template as a variable, so it is never compiled as one; the
sandbox keeps templates that organizers write from reaching Python internals.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.paths import TEMPLATES_DIR

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class LetterTemplateError(Exception):
    """A campaign's letter templates are missing or broken; names the template."""


def template_dirs(campaign_templates: Path | None, extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """Where a campaign's templates are looked up: extra, the campaign's own, then bundled."""
    search = [*extra_dirs]
    if campaign_templates and campaign_templates.is_dir():
        search.append(campaign_templates)
    search.append(TEMPLATES_DIR)
    return search


def sandbox_environment(search: Sequence[Path]) -> ImmutableSandboxedEnvironment:
    """Plain-text templates (letters, phone scripts): sandboxed, strict, never autoescaped."""
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in search]),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["join_and"] = join_and
    env.filters["sentence"] = sentence
    env.filters["the"] = with_article
    env.filters["number_word"] = number_word
    return env


class Picker:
    """`pick("opening", 3)` in a template: one of n wordings, chosen by the letter's seed.

    Keyed rather than sequential, so a branch taken or skipped earlier in a template (a story,
    a second demand) never shifts which wording a later sentence gets.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, key: str, choices: int) -> int:
        return pick_index(self.seed, key, choices)


def pick_index(seed: int, key: str, choices: int) -> int:
    return zlib.crc32(f"{seed}|{key}".encode()) % max(1, choices)


def letter_seed(*parts: object) -> int:
    """A stable seed (the same across processes, unlike hash())."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def with_article(office: str) -> str:
    """ "President of X" -> "the President of X", leaving "the Mayor" as it is."""
    return office if office.lower().startswith("the ") else f"the {office}"


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def join_and(items: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"; lets templates read naturally for any number of demands."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text: str) -> str:
    """Capitalize the first letter only (Jinja's `capitalize` lowercases the rest)."""
    return text[:1].upper() + text[1:]


def number_word(count: int) -> str:
    """2 -> "two": letters spell small numbers out."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else f"{count:,}"


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
