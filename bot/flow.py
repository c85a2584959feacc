"""The letter-drafting conversation as a pure state machine over a Draft.

Given the campaign, a draft and an answer, it returns the updated draft; `next_prompt` says what to
ask next. It knows nothing of Telegram or the database, so any front end (Telegram, the CLI, tests)
drives the same conversation, and a draft saved anywhere resumes exactly where it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.campaign import Campaign, LookupTarget, Target
from bot.places import MAX_PLACE_LENGTH, Place, parse_place

MAX_NAME_LENGTH = 80
MAX_STORY_LENGTH = 2000
MIN_STORY_LENGTH = 3


class Step(StrEnum):
    TARGETS = "targets"
    DEMANDS = "demands"
    NAME = "name"
    PLACE = "place"
    DISTRICT = "district"
    STORY = "story"


STEP_ORDER = (Step.TARGETS, Step.DEMANDS, Step.NAME, Step.PLACE, Step.DISTRICT, Step.STORY)


@dataclass(frozen=True)
class District:
    """A congressional district a ZIP may be in, with how its member reads on a button."""

    state: str
    number: int  # 0: at-large, or a delegate's seat
    label: str

    @property
    def id(self) -> str:
        return f"{self.state}-{self.number}"


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class Prompt:
    """What to ask: the step (which names the question), its choices and what typing does."""

    step: Step
    choices: tuple[Choice, ...] = ()
    multi: bool = False
    accepts_text: bool = False
    skippable: bool = False
    default: str | None = None
    max_length: int | None = None
    number: int = 1
    total: int = 1


# Answers a front end can give.
@dataclass(frozen=True)
class Toggle:
    choice_id: str


@dataclass(frozen=True)
class Confirm:
    """Accept the current selection or the suggested default."""


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Reply:
    text: str
    # For a ZIP, the districts the officials directory found for it (the flow cannot look).
    districts: tuple[District, ...] = ()


@dataclass(frozen=True)
class NonText:
    """Not text (a sticker, a photo, an empty message) where text was asked for."""


Answer = Toggle | Confirm | Skip | Reply | NonText


class InvalidAnswer(Exception):
    """An answer the step cannot take; `reason` names the message to show, `details` fill it."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Profile:
    """What is already known about the supporter, so answered steps are skipped."""

    display_name: str | None = None
    signing_name: str | None = None
    place: Place | None = None
    districts: tuple[District, ...] = ()
    district_id: str | None = None  # the district picked last time ("CA-28"), if any
    congress: bool = True  # False: no officials directory, so no letters to Congress


@dataclass(frozen=True)
class Draft:
    targets: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    name: str | None = None
    suggested_name: str | None = None
    place: Place | None = None
    story: str | None = None
    districts: tuple[District, ...] = ()
    district: District | None = None
    # The targets this supporter can choose from: the campaign's, less Congress when the bot
    # has no officials directory loaded.
    offered: tuple[str, ...] = ()
    answered: frozenset[Step] = field(default_factory=frozenset)
    prefilled: frozenset[Step] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; written by hand because dataclasses.asdict deep-copies (a hot path)."""
        return {
            "targets": list(self.targets),
            "demands": list(self.demands),
            "name": self.name,
            "suggested_name": self.suggested_name,
            "place": asdict(self.place) if self.place else None,
            "story": self.story,
            "districts": [asdict(d) for d in self.districts],
            "district": asdict(self.district) if self.district else None,
            "offered": list(self.offered),
            "answered": sorted(self.answered),
            "prefilled": sorted(self.prefilled),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        place = data.get("place")
        return cls(
            targets=tuple(data.get("targets", ())),
            demands=tuple(data.get("demands", ())),
            name=data.get("name"),
            suggested_name=data.get("suggested_name"),
            place=Place(**place) if place else None,
            story=data.get("story"),
            districts=tuple(District(**d) for d in data.get("districts", ())),
            district=District(**data["district"]) if data.get("district") else None,
            offered=tuple(data.get("offered", ())),
            answered=frozenset(Step(s) for s in data.get("answered", ())),
            prefilled=frozenset(Step(s) for s in data.get("prefilled", ())),
        )


def begin(campaign: Campaign, profile: Profile) -> Draft:
    """A new draft with every target and demand preselected and known answers filled in."""
    answered: set[Step] = set()
    targets = tuple(t.id for t in _offerable(campaign, profile.congress))
    if len(targets) == 1:
        answered.add(Step.TARGETS)
    draft = Draft(
        targets=targets,
        demands=tuple(d.id for d in campaign.demands_for(list(targets))),
        name=profile.signing_name,
        suggested_name=clean_line(profile.display_name or "")[:MAX_NAME_LENGTH] or None,
        place=profile.place,
        districts=profile.districts,
        district=_known_district(profile),
        offered=targets,
    )
    if profile.signing_name:
        answered.add(Step.NAME)
    if profile.place:
        answered.add(Step.PLACE)
    if draft.district is not None:
        answered.add(Step.DISTRICT)
    draft = _settle(campaign, replace(draft, answered=frozenset(answered)))
    return replace(draft, prefilled=draft.answered)


def _known_district(profile: Profile) -> District | None:
    """The one district of the ZIP on file, or the one picked last time."""
    if len(profile.districts) == 1:
        return profile.districts[0]
    return next((d for d in profile.districts if d.id == profile.district_id), None)


def _offerable(campaign: Campaign, congress: bool) -> list[Target | LookupTarget]:
    return campaign.all_targets if congress else list(campaign.targets)


def _offered(campaign: Campaign, draft: Draft) -> list[Target | LookupTarget]:
    if not draft.offered:  # a draft saved before targets were offered selectively
        return list(campaign.targets)
    return [t for t in campaign.all_targets if t.id in draft.offered]


def _applicable(campaign: Campaign, draft: Draft) -> list[Step]:
    steps = list(STEP_ORDER)
    if len(_offered(campaign, draft)) == 1:
        steps.remove(Step.TARGETS)
    if not (wants_representative(campaign, draft) and len(draft.districts) > 1):
        steps.remove(Step.DISTRICT)
    if len(campaign.demands_for(list(draft.targets))) <= 1:
        steps.remove(Step.DEMANDS)
    return steps


def _settle(campaign: Campaign, draft: Draft) -> Draft:
    """Mark steps with a single possible answer as answered, so nobody is asked the obvious."""
    answered = set(draft.answered)
    routed = [d.id for d in campaign.demands_for(list(draft.targets))]
    demands = tuple(d for d in draft.demands if d in routed)
    if len(routed) <= 1:
        demands = tuple(routed)
        answered.add(Step.DEMANDS)
    return replace(draft, demands=demands, answered=frozenset(answered))


def wants_representative(campaign: Campaign, draft: Draft) -> bool:
    """Is a letter to the supporter's own House member among the chosen targets?"""
    return any(t.lookup == "representative" for t in campaign.lookups if t.id in draft.targets)


def current_step(campaign: Campaign, draft: Draft) -> Step | None:
    return next((s for s in _applicable(campaign, draft) if s not in draft.answered), None)


def is_ready(campaign: Campaign, draft: Draft) -> bool:
    return current_step(campaign, draft) is None


def next_prompt(campaign: Campaign, draft: Draft) -> Prompt | None:
    """The question to ask now, or None when the draft is ready to become letters."""
    step = current_step(campaign, draft)
    if step is None:
        return None
    asked = [s for s in _applicable(campaign, draft) if s not in draft.prefilled]
    number, total = asked.index(step) + 1, len(asked)
    if step is Step.TARGETS:
        choices = tuple(
            Choice(t.id, t.label, t.id in draft.targets) for t in _offered(campaign, draft)
        )
        return Prompt(step, choices, multi=True, number=number, total=total)
    if step is Step.DEMANDS:
        routed = campaign.demands_for(list(draft.targets))
        choices = tuple(Choice(d.id, d.title, d.id in draft.demands) for d in routed)
        return Prompt(step, choices, multi=True, number=number, total=total)
    if step is Step.NAME:
        return Prompt(
            step,
            accepts_text=True,
            default=draft.suggested_name,
            max_length=MAX_NAME_LENGTH,
            number=number,
            total=total,
        )
    if step is Step.DISTRICT:
        choices = tuple(Choice(d.id, d.label) for d in draft.districts)
        return Prompt(step, choices, skippable=True, number=number, total=total)
    if step is Step.PLACE:
        return Prompt(
            step,
            accepts_text=True,
            skippable=True,
            max_length=MAX_PLACE_LENGTH,
            number=number,
            total=total,
        )
    return Prompt(
        step,
        accepts_text=True,
        skippable=True,
        max_length=MAX_STORY_LENGTH,
        number=number,
        total=total,
    )


def apply(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    """Apply an answer to the current step; InvalidAnswer names a reason a person can act on."""
    prompt = next_prompt(campaign, draft)
    if prompt is None:
        raise InvalidAnswer("already_ready")
    if isinstance(answer, NonText):
        raise InvalidAnswer("not_text" if prompt.accepts_text else "use_buttons")
    if prompt.multi:
        return _apply_multi(campaign, draft, prompt, answer)
    if prompt.step is Step.DISTRICT:
        return _apply_district(campaign, draft, answer)
    if isinstance(answer, Toggle):
        raise InvalidAnswer("stale")
    if isinstance(answer, Skip):
        if not prompt.skippable:
            raise InvalidAnswer("not_skippable")
        return _answered(campaign, draft, prompt.step)
    if prompt.step is Step.NAME:
        return _apply_name(campaign, draft, answer)
    if prompt.step is Step.PLACE:
        return _apply_place(campaign, draft, answer)
    return _apply_story(campaign, draft, answer)


def _answered(campaign: Campaign, draft: Draft, step: Step, **changes: Any) -> Draft:
    return _settle(campaign, replace(draft, answered=draft.answered | {step}, **changes))


def _apply_multi(campaign: Campaign, draft: Draft, prompt: Prompt, answer: Answer) -> Draft:
    field_name = "targets" if prompt.step is Step.TARGETS else "demands"
    selected: tuple[str, ...] = getattr(draft, field_name)
    if isinstance(answer, Toggle):
        if answer.choice_id not in {c.id for c in prompt.choices}:
            raise InvalidAnswer("stale")
        order = [c.id for c in prompt.choices]
        chosen = set(selected) ^ {answer.choice_id}
        toggled = tuple(i for i in order if i in chosen)
        if prompt.step is Step.TARGETS:
            return replace(draft, targets=toggled)
        return replace(draft, demands=toggled)
    if isinstance(answer, Confirm):
        if not selected:
            raise InvalidAnswer("none_selected")
        changes: dict[str, Any] = {}
        if prompt.step is Step.TARGETS:
            routed = campaign.demands_for(list(selected))
            kept = tuple(d.id for d in routed if d.id in draft.demands)
            changes["demands"] = kept or tuple(d.id for d in routed)
        return _answered(campaign, draft, prompt.step, **changes)
    raise InvalidAnswer("use_buttons")


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


def _text_of(answer: Answer) -> str:
    if not isinstance(answer, Reply):
        raise InvalidAnswer("use_buttons")
    return answer.text


def _apply_name(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    if isinstance(answer, Confirm):
        if not draft.suggested_name:
            raise InvalidAnswer("name_needed")
        return _answered(campaign, draft, Step.NAME, name=draft.suggested_name)
    name = clean_line(_text_of(answer))
    if not name:
        raise InvalidAnswer("empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidAnswer("too_long", length=len(name), limit=MAX_NAME_LENGTH)
    return _answered(campaign, draft, Step.NAME, name=name)


def _apply_place(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    text = clean_line(_text_of(answer))
    if not text:
        raise InvalidAnswer("empty")
    if len(text) > MAX_PLACE_LENGTH:
        raise InvalidAnswer("too_long", length=len(text), limit=MAX_PLACE_LENGTH)
    place = parse_place(text)
    if place is None:
        raise InvalidAnswer("place_unknown", text=text)
    districts = answer.districts if isinstance(answer, Reply) else ()
    return _answered(
        campaign,
        draft,
        Step.PLACE,
        place=place,
        districts=districts,
        district=districts[0] if len(districts) == 1 else None,
    )


def _apply_district(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    """One of the ZIP's districts, or Skip: then no letter to a House member."""
    if isinstance(answer, Skip):
        return _answered(campaign, draft, Step.DISTRICT, district=None)
    if not isinstance(answer, Toggle):
        raise InvalidAnswer("use_buttons")
    chosen = next((d for d in draft.districts if d.id == answer.choice_id), None)
    if chosen is None:
        raise InvalidAnswer("stale")
    place = draft.place
    if place is not None and place.state != chosen.state:  # a ZIP that spans states
        place = replace(place, state=chosen.state, city=None)
    return _answered(campaign, draft, Step.DISTRICT, district=chosen, place=place)


def _apply_story(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    story = clean_block(_text_of(answer))
    if len(story) < MIN_STORY_LENGTH:
        raise InvalidAnswer("empty")
    if len(story) > MAX_STORY_LENGTH:
        raise InvalidAnswer("too_long", length=len(story), limit=MAX_STORY_LENGTH)
    return _answered(campaign, draft, Step.STORY, story=story)
