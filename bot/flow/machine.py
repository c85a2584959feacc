"""The letter-drafting conversation as a pure state machine over a Draft.

Given the campaign, a draft and an answer, `apply` returns the updated draft; `next_prompt` says
what to ask next. It knows nothing of Telegram or the database, so any front end drives the same
conversation, and a draft saved anywhere resumes exactly where it was.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.campaign import Campaign, LookupTarget, Target
from bot.flow.draft import (
    STEP_ORDER,
    Answer,
    Choice,
    Confirm,
    District,
    Draft,
    InvalidAnswer,
    NonText,
    Profile,
    Prompt,
    Skip,
    Step,
    Toggle,
    reply_text,
)
from bot.flow.text import clean_block, clean_line
from bot.flow.where import district_answer, place_answer, zip_answer
from bot.places import MAX_PLACE_LENGTH

MAX_NAME_LENGTH = 80
# A story of up to about 200 words: with it, the longest bundled letter still fits one
# Telegram message and about one printed page.
MAX_STORY_LENGTH = 1200
MIN_STORY_LENGTH = 3


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
    draft = settle(campaign, replace(draft, answered=frozenset(answered)))
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
    if len(campaign.demands_for(list(draft.targets))) <= 1:
        steps.remove(Step.DEMANDS)
    if not needs_zip(campaign, draft):
        steps.remove(Step.ZIP)
    if not (wants_representative(campaign, draft) and len(draft.districts) > 1):
        steps.remove(Step.DISTRICT)
    return steps


def needs_zip(campaign: Campaign, draft: Draft) -> bool:
    """A US place without a ZIP finds the senators but not the representative: ask once."""
    if Step.ZIP in draft.answered:
        return True  # asked already: keeps the step count steady once a ZIP is given
    place = draft.place
    return (
        wants_representative(campaign, draft)
        and place is not None
        and place.in_us
        and not place.zip
    )


def settle(campaign: Campaign, draft: Draft) -> Draft:
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


def _screens(campaign: Campaign, draft: Draft) -> list[Step]:
    """The steps asked, one screen each: the demands share the targets' screen, so one tap
    confirms both."""
    asked = [s for s in _applicable(campaign, draft) if s not in draft.prefilled]
    if Step.TARGETS in asked and Step.DEMANDS in asked:
        asked.remove(Step.DEMANDS)
    return asked


def _demand_choices(campaign: Campaign, draft: Draft) -> tuple[Choice, ...]:
    """The demands routed to the chosen targets, while there is a choice to make."""
    routed = campaign.demands_for(list(draft.targets))
    if Step.DEMANDS in draft.answered or len(routed) <= 1:
        return ()
    return tuple(Choice(d.id, d.title, d.id in draft.demands) for d in routed)


def current_step(campaign: Campaign, draft: Draft) -> Step | None:
    return next((s for s in _applicable(campaign, draft) if s not in draft.answered), None)


def is_ready(campaign: Campaign, draft: Draft) -> bool:
    return current_step(campaign, draft) is None


def next_prompt(campaign: Campaign, draft: Draft) -> Prompt | None:
    """The question to ask now, or None when the draft is ready to become letters."""
    step = current_step(campaign, draft)
    if step is None:
        return None
    screens = _screens(campaign, draft)
    # A draft saved when the demands had a screen of their own asks them as part of the first.
    number = screens.index(step if step in screens else Step.TARGETS) + 1
    position: dict[str, Any] = {"number": number, "total": len(screens)}
    if step is Step.TARGETS:
        choices = tuple(
            Choice(t.id, t.label, t.id in draft.targets) for t in _offered(campaign, draft)
        )
        asks = _demand_choices(campaign, draft)
        return Prompt(step, choices, asks=asks, multi=True, **position)
    if step is Step.DEMANDS:
        return Prompt(step, _demand_choices(campaign, draft), multi=True, **position)
    if step is Step.DISTRICT:
        choices = tuple(Choice(d.id, d.label) for d in draft.districts)
        return Prompt(step, choices, skippable=True, **position)
    text: dict[Step, dict[str, Any]] = {
        Step.NAME: {"default": draft.suggested_name, "max_length": MAX_NAME_LENGTH},
        Step.PLACE: {"skippable": True, "max_length": MAX_PLACE_LENGTH},
        Step.ZIP: {
            "skippable": True,
            "max_length": MAX_PLACE_LENGTH,
            "default": draft.place.spelled_out if draft.place else None,
        },
        Step.STORY: {"skippable": True, "max_length": MAX_STORY_LENGTH},
    }
    return Prompt(step, accepts_text=True, **text[step], **position)


def apply(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    """Apply an answer to the current step; InvalidAnswer names a reason a person can act on."""
    prompt = next_prompt(campaign, draft)
    if prompt is None:
        raise InvalidAnswer("already_ready")
    if isinstance(answer, NonText):
        raise InvalidAnswer("not_text" if prompt.accepts_text else "use_buttons")
    draft = replace(draft, notice=None)  # a notice is shown once, with the question after it
    if prompt.multi:
        return _apply_multi(campaign, draft, prompt, answer)
    if prompt.step is Step.DISTRICT:
        return answered(campaign, draft, Step.DISTRICT, **district_answer(draft, answer))
    if isinstance(answer, Toggle):
        raise InvalidAnswer("stale")
    if isinstance(answer, Skip):
        if not prompt.skippable:
            raise InvalidAnswer("not_skippable")
        return answered(campaign, draft, prompt.step)
    if prompt.step is Step.NAME:
        return _apply_name(campaign, draft, answer)
    if prompt.step is Step.PLACE:
        return answered(campaign, draft, Step.PLACE, **place_answer(answer))
    if prompt.step is Step.ZIP:
        return answered(campaign, draft, Step.ZIP, **zip_answer(draft, answer))
    return _apply_story(campaign, draft, answer)


def answered(campaign: Campaign, draft: Draft, step: Step, **changes: Any) -> Draft:
    return settle(campaign, replace(draft, answered=draft.answered | {step}, **changes))


def _apply_multi(campaign: Campaign, draft: Draft, prompt: Prompt, answer: Answer) -> Draft:
    selected: tuple[str, ...] = getattr(draft, prompt.step.value)
    if isinstance(answer, Toggle):
        return _toggle(campaign, draft, prompt, answer)
    if isinstance(answer, Confirm):
        if not selected:
            raise InvalidAnswer("none_selected", what=prompt.step.value)
        steps = {prompt.step}
        changes: dict[str, Any] = {}
        if prompt.step is Step.TARGETS:
            routed = campaign.demands_for(list(selected))
            kept = tuple(d.id for d in routed if d.id in draft.demands)
            if prompt.asks:  # the demands were asked on this screen too
                if not kept:
                    raise InvalidAnswer("none_selected", what=Step.DEMANDS.value)
                steps.add(Step.DEMANDS)
            changes["demands"] = kept or tuple(d.id for d in routed)
        return settle(campaign, replace(draft, answered=draft.answered | steps, **changes))
    raise InvalidAnswer("use_buttons")


def _toggle(campaign: Campaign, draft: Draft, prompt: Prompt, answer: Toggle) -> Draft:
    """Select or unselect one choice, keeping campaign order whatever the tap order."""
    step = answer.step or prompt.step
    lists = {prompt.step: prompt.choices}
    if prompt.asks:
        lists[Step.DEMANDS] = prompt.asks
    choices = lists.get(step, ())
    if answer.choice_id not in {c.id for c in choices}:
        raise InvalidAnswer("stale")
    chosen = set(getattr(draft, step.value)) ^ {answer.choice_id}
    # Demands routed only to an unselected target stay chosen, for when it is selected again.
    order = [d.id for d in campaign.demands] if step is Step.DEMANDS else [c.id for c in choices]
    change: dict[str, Any] = {step.value: tuple(i for i in order if i in chosen)}
    return replace(draft, **change)


def _apply_name(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    if isinstance(answer, Confirm):
        if not draft.suggested_name:
            raise InvalidAnswer("name_needed")
        return answered(campaign, draft, Step.NAME, name=draft.suggested_name)
    name = clean_line(reply_text(answer))
    if not name:
        raise InvalidAnswer("empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidAnswer("too_long", length=len(name), limit=MAX_NAME_LENGTH)
    return answered(campaign, draft, Step.NAME, name=name)


def _apply_story(campaign: Campaign, draft: Draft, answer: Answer) -> Draft:
    story = clean_block(reply_text(answer))
    if len(story) < MIN_STORY_LENGTH:
        raise InvalidAnswer("empty")
    if len(story) > MAX_STORY_LENGTH:
        raise InvalidAnswer("too_long", length=len(story), limit=MAX_STORY_LENGTH)
    return answered(campaign, draft, Step.STORY, story=story)
