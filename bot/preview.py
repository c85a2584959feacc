"""Letters for given answers, so organizers can proof every letter the bot would write.

`campaign-bot preview` prints them. Letters to a supporter's own members of Congress need the
officials directory and a ZIP code or address (`--place "Seattle, WA 98101"`): the members are
looked up exactly as for a supporter, and a ZIP split between districts previews the first one
unless `--district WA-9` picks another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.campaign import Campaign, Demand, LookupTarget, Target
from bot.letters import LetterRenderer, LetterRequest, RenderedLetter, Signer, letter_seed
from bot.letters.score import MEANING
from bot.officials.lookup import representative, resolve_zip, senators
from bot.officials.targets import directory_date, member_target
from bot.places import Place
from bot.store import Repo
from bot.store.models import Legislator

SCORE_MEANING = MEANING


class PreviewError(Exception):
    """Options that name nothing in the campaign, or need what is not there; says which."""


@dataclass(frozen=True)
class PreviewRequest:
    targets: Sequence[str] = ()  # office or lookup ids; empty: all
    demands: Sequence[str] = ()  # demand ids; empty: all routed
    signer: Signer = field(default_factory=lambda: Signer("Ani Hakobyan"))
    story: str = ""
    seed: int = 0
    all_variants: bool = False
    district: str | None = None  # "WA-9": which district of a split ZIP


@dataclass(frozen=True)
class PreviewLetter:
    target: Target
    letter: RenderedLetter


@dataclass(frozen=True)
class Preview:
    letters: list[PreviewLetter]
    notes: list[str]  # what could not be previewed, and why


def check_request(campaign: Campaign, request: PreviewRequest) -> None:
    """Refuse ids the campaign does not have, naming those it has."""
    offices = [t.id for t in campaign.all_targets]
    unknown = [t for t in request.targets if t not in offices]
    if unknown:
        raise PreviewError(f"no target {unknown}; this campaign has: {', '.join(offices)}")
    demands = [d.id for d in campaign.demands]
    unknown = [d for d in request.demands if d not in demands]
    if unknown:
        raise PreviewError(f"no demand {unknown}; this campaign has: {', '.join(demands)}")


def chosen_targets(campaign: Campaign, request: PreviewRequest) -> list[Target | LookupTarget]:
    return [t for t in campaign.all_targets if not request.targets or t.id in request.targets]


def preview(campaign: Campaign, request: PreviewRequest, repo: Repo | None = None) -> Preview:
    """Every letter for the request; lookups need `repo` with the officials directory."""
    check_request(campaign, request)
    renderer = LetterRenderer(campaign)
    letters: list[PreviewLetter] = []
    notes: list[str] = []
    for routing in chosen_targets(campaign, request):
        chosen = list(request.demands) or None
        demands = campaign.demands_for([routing.id], chosen=chosen)
        if not demands:
            notes.append(f"{routing.label}: none of the chosen demands goes to this office")
            continue
        if isinstance(routing, Target):
            offices = [routing]
        else:
            offices = _members(routing, request, repo, notes)
        for office in offices:
            letters += _variants(renderer, office, demands, request)
    if not letters:
        raise PreviewError("; ".join(notes) or "nothing to preview")
    return Preview(letters, notes)


def _variants(
    renderer: LetterRenderer, target: Target, demands: Sequence[Demand], request: PreviewRequest
) -> list[PreviewLetter]:
    base = letter_seed("preview", target.id) if request.all_variants else request.seed
    count = len(renderer.variants) if request.all_variants else 1
    out = []
    for offset in range(count):
        seed = base + offset
        rendered = renderer.render(
            LetterRequest(target, demands, request.signer, request.story or None, seed)
        )
        out.append(PreviewLetter(target, rendered))
    return out


def _members(
    lookup: LookupTarget, request: PreviewRequest, repo: Repo | None, notes: list[str]
) -> list[Target]:
    """The supporter's own senators or representative, found as the bot finds them."""
    checked = directory_date(repo) if repo is not None else None
    if repo is None or checked is None:
        notes.append(
            f"{lookup.label}: no officials directory loaded "
            "(run `campaign-bot officials update` first)"
        )
        return []
    place = request.signer.place or Place()
    if not place.state:
        notes.append(f"{lookup.label}: give a US address or ZIP code with --place")
        return []
    if lookup.lookup == "senators":
        found = senators(repo, place.state)
    else:
        found = _representative(repo, place, request.district, notes, lookup.label)
    if not found:
        notes.append(f"{lookup.label}: nobody on file for {place.label or place.state}")
    return [member_target(m, lookup.id, checked) for m in found]


def _representative(
    repo: Repo, place: Place, district: str | None, notes: list[str], label: str
) -> list[Legislator]:
    if not place.zip:
        notes.append(f"{label}: a ZIP code is needed to find the district (--place)")
        return []
    districts = resolve_zip(repo, place.zip).districts
    if not districts:
        return []
    ids = [d.id for d in districts]
    if district is not None and district.upper() not in ids:
        raise PreviewError(f"--district {district} is not one of ZIP {place.zip}'s: {ids}")
    chosen = districts[ids.index(district.upper())] if district else districts[0]
    if len(districts) > 1 and district is None:
        notes.append(f"ZIP {place.zip} is split between {', '.join(ids)}; showing {ids[0]}")
    member = representative(repo, chosen.state, chosen.number)
    return [member] if member else []
