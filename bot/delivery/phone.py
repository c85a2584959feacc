"""A 30-second phone script for the same demands as a letter, from a template.

A call is the fastest thing a supporter can do after writing, and offices tally calls by issue
and by where the caller lives; a short script that says just that is easy to read aloud.
Rendered like letters (`bot.letters`): a sandboxed Jinja2 environment with StrictUndefined and
no autoescape, and the caller's name and place only ever passed as variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import TemplateNotFound

from bot.campaign import Campaign, Demand, Target
from bot.letters import (
    LetterTemplateError,
    Signer,
    sandbox_environment,
    template_dirs,
    tidy,
)

PHONE_TEMPLATE = "phone/standard.txt.j2"
WORDS_PER_MINUTE = 150  # a calm speaking pace; 30 seconds is about 75-90 words


class PhoneScriptRenderer:
    """Renders phone scripts; one instance serves all users, like `LetterRenderer`.

    Templates are looked up in `extra_dirs`, then the campaign's own `templates/`, then the
    bundled ones, so a campaign can ship its own `phone/standard.txt.j2`.
    """

    def __init__(
        self,
        campaign: Campaign,
        extra_dirs: Sequence[Path] = (),
        template: str = PHONE_TEMPLATE,
    ) -> None:
        search = template_dirs(campaign, extra_dirs)
        self._env = sandbox_environment(search)
        self.template = template
        try:
            self._env.get_template(template)
        except TemplateNotFound as exc:
            raise LetterTemplateError(
                f"phone script template {template!r} not found for campaign {campaign.id!r}; "
                f"looked in: {', '.join(str(d) for d in search)}"
            ) from exc

    def render(self, target: Target, demands: Sequence[Demand], caller: Signer) -> str:
        """The script for calling `target` about `demands` (those routed to it), as plain text."""
        context = {
            "target": {"label": target.label, "office": target.office, "holder": target.holder},
            "demands": [{"id": d.id, "title": d.title, "ask": d.call or d.ask} for d in demands],
            "caller": {"name": caller.name.strip(), "place": caller.place.strip()},
        }
        return tidy(self._env.get_template(self.template).render(context))


def word_count(text: str) -> int:
    return len(text.split())


def speaking_seconds(text: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """About how long the script takes to read aloud, so the kit can say "about 30 seconds"."""
    return round(word_count(text) * 60 / words_per_minute)
