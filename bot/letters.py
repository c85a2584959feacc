"""Render letters from Jinja2 templates in a sandbox; supporter text is only ever a variable.

Several variants per template set give staffers different letters, not one form letter; a
deterministic seed picks the variant and talking points, and "another wording" moves the seed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.campaign import Campaign, Demand, Target
from bot.paths import TEMPLATES_DIR

TEMPLATE_SUFFIX = ".txt.j2"


class LetterTemplateError(Exception):
    """A campaign's letter templates are missing or broken; names the template."""


@dataclass(frozen=True)
class Signer:
    name: str
    place: str = ""


@dataclass(frozen=True)
class RenderedLetter:
    body: str
    variant: str
    personal_chars: int

    @property
    def score(self) -> float:
        """The personalization score: the share of the letter written by the supporter."""
        return round(self.personal_chars / len(self.body), 3) if self.body else 0.0


def template_dirs(campaign: Campaign, extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """Where a campaign's templates are looked up: extra, the campaign's own, then bundled."""
    search = [*extra_dirs]
    if campaign.templates_dir and campaign.templates_dir.is_dir():
        search.append(campaign.templates_dir)
    search.append(TEMPLATES_DIR)
    return search


def sandbox_environment(search: Sequence[Path]) -> ImmutableSandboxedEnvironment:
    """Plain-text templates (letters, phone scripts): sandboxed, strict, never autoescaped.

    Supporter text only ever enters as a variable, so it is never compiled as a template.
    """
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
    return env


def with_article(office: str) -> str:
    """ "President of X" -> "the President of X", leaving "the Mayor" as it is."""
    return office if office.lower().startswith("the ") else f"the {office}"


def letter_seed(*parts: object) -> int:
    """A stable seed (the same across processes, unlike hash())."""
    return zlib.crc32("|".join(map(str, parts)).encode("utf-8"))


def personal_share(body: str, own_words: Sequence[str]) -> int:
    """How many characters of `body` are the supporter's own words, counted once each."""
    return sum(len(words) for words in own_words if words and words in body)


class LetterRenderer:
    """Finds a campaign's variants and renders them; one instance serves all users."""

    def __init__(self, campaign: Campaign, extra_dirs: Sequence[Path] = ()) -> None:
        search = template_dirs(campaign, extra_dirs)
        self._campaign = campaign
        self._env = sandbox_environment(search)
        folder = campaign.templates.letter.strip("/")
        self.variants = sorted(
            name
            for name in self._env.list_templates()
            if name.startswith(folder + "/") and name.endswith(TEMPLATE_SUFFIX)
        )
        if not self.variants:
            raise LetterTemplateError(
                f"No letter templates ({TEMPLATE_SUFFIX}) in {folder!r} for campaign "
                f"{campaign.id!r}; looked in: {', '.join(str(d) for d in search)}"
            )

    def variant_name(self, seed: int) -> str:
        return self.variants[seed % len(self.variants)]

    def render(
        self,
        target: Target,
        demands: Sequence[Demand],
        signer: Signer,
        story: str | None,
        seed: int,
        today: date | None = None,
    ) -> RenderedLetter:
        variant = self.variant_name(seed)
        context = self._context(target, demands, signer, story or "", seed, today or date.today())
        try:
            template = self._env.get_template(variant)
            text = template.render(context)
        except TemplateNotFound as exc:
            raise LetterTemplateError(f"letter template {exc.name!r} not found") from exc
        body = tidy(text)
        return RenderedLetter(body, variant, personal_share(body, [story or ""]))

    def _context(
        self,
        target: Target,
        demands: Sequence[Demand],
        signer: Signer,
        story: str,
        seed: int,
        today: date,
    ) -> dict[str, object]:
        source = self._campaign.source
        return {
            "campaign_title": self._campaign.title,
            "source": {
                "outlet": source.outlet,
                "title": source.title,
                "authors": list(source.authors),
                "date": long_date(source.date),
            },
            "target": {
                "label": target.label,
                "office": target.office,
                "holder": target.holder,
                "address": list(target.address),
            },
            "salutation": target.salutation,
            "demands": [
                {
                    "id": d.id,
                    "title": d.title,
                    "ask": d.ask,
                    "point": d.talking_points[(seed // 7 + i) % len(d.talking_points)],
                }
                for i, d in enumerate(demands)
            ],
            "story": story,
            "signer": {"name": signer.name, "place": signer.place},
            "today": long_date(today),
            "seed": seed,
        }


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


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
