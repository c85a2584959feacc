"""30-second phone scripts, one ask per call, from a template.

A call is the fastest thing a supporter can do after writing, and offices tally calls by issue
and by where the caller lives: a script says who calls (a constituent says so, with the ZIP),
names the official the way people speak, and asks one thing. The supporter's other demands get
scripts of their own, for other calls. Rendered like letters (`bot.letters`): a sandboxed Jinja2
environment, the caller's name and place only ever passed as variables.

A phone template defines two macros: `spoken()` (what to say, at most about 75 words) and
`voicemail()` (what to add when a machine answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, TemplateNotFound, nodes

from bot.campaign import Campaign, Demand, Target
from bot.letters import LetterTemplateError, Signer, sandbox_environment, template_dirs, tidy
from bot.letters.render import signer_context

PHONE_TEMPLATE = "phone/standard.txt.j2"
MACROS = ("spoken", "voicemail")  # what a phone template must define
WORDS_PER_MINUTE = 150  # a calm speaking pace; 30 seconds is about 75 words


@dataclass(frozen=True)
class PhoneScript:
    demand: Demand
    spoken: str
    voicemail: str

    @property
    def seconds(self) -> int:
        return speaking_seconds(self.spoken)


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
        search = template_dirs(campaign.templates_dir, extra_dirs)
        self._env = sandbox_environment(search)
        self.template = template
        try:
            self._env.get_template(template)
        except TemplateNotFound as exc:
            raise LetterTemplateError(
                f"phone script template {template!r} not found for campaign {campaign.id!r}; "
                f"looked in: {', '.join(str(d) for d in search)}"
            ) from exc
        # Checked now, at start-up, rather than when a supporter's kit is being sent.
        missing = _missing_macros(self._env, template)
        if missing:
            raise LetterTemplateError(
                f"phone script template {template!r} defines no {_calls(missing, 'or')} "
                f"macro; it needs {_calls(MACROS, 'and')}"
            )

    def render(self, target: Target, demand: Demand, caller: Signer) -> PhoneScript:
        """The script for calling `target` about one `demand`, in its short phone wording."""
        ask = demand.ask_for(target.kind)
        if ask is None:
            raise LetterTemplateError(f"demand {demand.id!r} has no ask for {target.id!r}")
        context = {
            "target": {
                "label": target.label,
                "office": target.office,
                "holder": target.holder,
                "spoken": target.spoken,
                "constituent": target.constituent,
            },
            "demand": {"id": demand.id, "title": demand.title},
            "ask": ask.call or ask.ask[0],
            "supporter": {**signer_context(caller), "name": caller.name.strip()},
        }
        module = self._env.get_template(self.template).make_module(context)
        spoken, voicemail = (getattr(module, name, None) for name in MACROS)
        if not callable(spoken) or not callable(voicemail):  # one the check at start-up missed
            raise LetterTemplateError(
                f"phone script template {self.template!r} must define the macros "
                f"{_calls(MACROS, 'and')}"
            )
        return PhoneScript(demand, tidy(str(spoken())), tidy(str(voicemail())))

    def scripts(
        self, target: Target, demands: Sequence[Demand], caller: Signer
    ) -> list[PhoneScript]:
        """One script per demand, the supporter's first one first: one ask per call."""
        return [self.render(target, demand, caller) for demand in demands]


def _missing_macros(env: Environment, template: str) -> list[str]:
    """The required macros a template neither defines nor sets (`{% set spoken = parts.spoken
    %}` re-exports an imported one; a `from ... import` alone is not exported). One that extends
    another may inherit them: `render` checks those, and any defined in a branch, when it calls
    them."""
    source = env.loader.get_source(env, template)[0] if env.loader else ""
    tree = env.parse(source)
    if tree.find(nodes.Extends) is not None:
        return []
    defined = {macro.name for macro in tree.find_all(nodes.Macro)}
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            defined.add(assign.target.name)
    return [name for name in MACROS if name not in defined]


def _calls(names: Sequence[str], conjunction: str) -> str:
    return f" {conjunction} ".join(f"{name}()" for name in names)


def word_count(text: str) -> int:
    return len(text.split())


def speaking_seconds(text: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """About how long the script takes to read aloud, so the kit can say "about 30 seconds"."""
    return round(word_count(text) * 60 / words_per_minute)
