"""Letters from a campaign's Jinja2 templates, one per office, in the supporter's words.

Several variants per template set, and several wordings of each opening, ask, talking point and
closing, give staffers different letters, not one form letter. A deterministic seed picks the
variant and every wording; "another wording" moves the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound

from bot.campaign import Campaign, Demand, Target
from bot.letters.environment import (
    LetterTemplateError,
    Picker,
    long_date,
    pick_index,
    sandbox_environment,
    template_dirs,
    tidy,
)
from bot.letters.score import personalization
from bot.places import Place

TEMPLATE_SUFFIX = ".txt.j2"
# Stands in for the story when rendering the baseline for the score: not a word, so it adds no
# shingles, but truthy, so the template takes the same branches as with the real story.
STORY_PLACEHOLDER = "…"


@dataclass(frozen=True)
class Signer:
    """Who signs: their name, where they live, and (for printed letters only) their street."""

    name: str
    place: Place | None = None
    street: str | None = None

    @property
    def place_label(self) -> str:
        """ "Fresno, CA" or "Yerevan, Armenia"; empty when unknown."""
        return self.place.label if self.place else ""

    @property
    def home(self) -> str:
        """How the place reads in a sentence: "Fresno, California"."""
        return self.place.spelled_out if self.place else ""

    @property
    def address_lines(self) -> list[str]:
        """The lines under the name in a signature: street (if given), "Fresno, CA 93721"."""
        place = self.place
        if place is None:
            return [self.street] if self.street else []
        if place.state:
            city = f"{place.city}, {place.state}" if place.city else place.state
            last = f"{city} {place.zip}" if place.zip else city
        else:
            last = place.label
        return [line for line in (self.street, last) if line]


@dataclass(frozen=True)
class RenderedLetter:
    body: str
    variant: str
    score: float  # the personalization score (see bot.letters.score)
    sources: tuple[str, ...] = ()  # of the talking points this letter uses


@dataclass(frozen=True)
class LetterRequest:
    """Everything a letter is written from."""

    target: Target
    demands: Sequence[Demand]
    signer: Signer
    story: str | None
    seed: int
    today: date | None = None


class LetterRenderer:
    """Finds a campaign's variants and renders them; one instance serves all users."""

    def __init__(self, campaign: Campaign, extra_dirs: Sequence[Path] = ()) -> None:
        search = template_dirs(campaign.templates_dir, extra_dirs)
        self._campaign = campaign
        self._env = sandbox_environment(search)
        folder = campaign.templates.letter.strip("/")
        self.variants = sorted(
            name
            for name in self._env.list_templates()
            if name.startswith(folder + "/")
            and name.endswith(TEMPLATE_SUFFIX)
            and not Path(name).name.startswith("_")  # shared parts, not letters
        )
        if not self.variants:
            raise LetterTemplateError(
                f"No letter templates ({TEMPLATE_SUFFIX}) in {folder!r} for campaign "
                f"{campaign.id!r}; looked in: {', '.join(str(d) for d in search)}"
            )

    def variant_name(self, seed: int) -> str:
        return self.variants[seed % len(self.variants)]

    def render(self, request: LetterRequest) -> RenderedLetter:
        context = self._context(request, request.story or "")
        body = self._body(request, context)
        baseline = self._baseline(request, context) if request.story else body
        sources = tuple(dict.fromkeys(d["source"] for d in context["demands"]))
        score = personalization(body, baseline)
        return RenderedLetter(body, self.variant_name(request.seed), score, sources)

    def score_edit(self, request: LetterRequest, edited: str) -> float:
        """The score of a supporter's own version of the letter `request` describes."""
        context = self._context(request, "")
        return personalization(edited, self._baseline(request, context))

    def _baseline(self, request: LetterRequest, context: dict[str, Any]) -> str:
        """The letter as the templates alone would write it (see STORY_PLACEHOLDER)."""
        return self._body(request, {**context, "story": STORY_PLACEHOLDER})

    def _body(self, request: LetterRequest, context: dict[str, Any]) -> str:
        variant = self.variant_name(request.seed)
        try:
            text = self._env.get_template(variant).render(context)
        except TemplateNotFound as exc:
            raise LetterTemplateError(f"letter template {exc.name!r} not found") from exc
        return tidy(text)

    def _context(self, request: LetterRequest, story: str) -> dict[str, Any]:
        campaign, target, seed = self._campaign, request.target, request.seed
        source, since = campaign.source, campaign.since
        recipient = {
            "label": target.label,
            "office": target.office,
            "holder": target.holder,
            "spoken": target.spoken,
            "kind": target.kind,
            "constituent": target.constituent,
            "address": list(target.address),
        }
        recaps = since.recap or []
        return {
            "campaign_title": campaign.title,
            "source": {
                "outlet": source.outlet,
                "title": source.title,
                "authors": list(source.authors),
                "date": long_date(source.date),
                "asked": source.asked or "",
            },
            "since": {
                "as_of": long_date(since.as_of),
                "recap": recaps[pick_index(seed, "recap", len(recaps))] if recaps else "",
            },
            "recipient": recipient,
            "target": recipient,
            "salutation": target.salutation.rstrip(",:"),
            "demands": [demand_context(d, target.kind, seed) for d in request.demands],
            "story": story,
            "signer": signer_context(request.signer),
            "today": long_date(request.today or date.today()),
            "seed": seed,
            "pick": Picker(seed),
        }


def demand_context(demand: Demand, kind: str | None, seed: int) -> dict[str, Any]:
    """A demand as one office's letter sees it: its ask for that kind of office, in one of its
    wordings, and one talking point that suits the office."""
    ask = demand.ask_for(kind)
    if ask is None:  # the campaign loader refuses such routes; a stale letter may still ask
        raise LetterTemplateError(f"demand {demand.id!r} has no ask for offices of kind {kind!r}")
    points = demand.points_for(kind)
    point = points[pick_index(seed, "point:" + demand.id, len(points))]
    return {
        "id": demand.id,
        "title": demand.title,
        "ask": ask.ask[pick_index(seed, "ask:" + demand.id, len(ask.ask))],
        "call": ask.call or ask.ask[0],
        "point": point.text,
        "source": point.source,
    }


def signer_context(signer: Signer) -> dict[str, object]:
    place = signer.place or Place()
    return {
        "name": signer.name,
        "place": signer.place_label,
        "home": signer.home,
        "city": place.city or "",
        "state": place.state or "",
        "zip": place.zip or "",
        "street": signer.street or "",
        "lines": signer.address_lines,
    }
