"""The drafting conversation as a pure state machine: steps, toggling, routing, prefilled
answers, invalid answers and serialization. The place steps are in test_where."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from bot import flow
from bot.campaign import Campaign
from bot.flow import (
    MAX_NAME_LENGTH,
    MAX_STORY_LENGTH,
    Confirm,
    District,
    Draft,
    NonText,
    Notice,
    Profile,
    Reply,
    Skip,
    Step,
    Toggle,
)
from bot.places import Place
from tests.flow import STORY, advance_to, invalid, position, run_to_ready
from tests.support import BUNDLED_ONLY_WORDS

# A whole conversation


def test_new_supporter_reaches_a_ready_draft_in_at_most_six_answers(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile(display_name="Ani"))
    ready, prompts = run_to_ready(campaign, draft)
    assert len(prompts) <= 6
    # The demands are asked on the targets' screen. "Glendale, CA" has no ZIP, and the
    # representative is chosen: the ZIP is asked once. It counts from when it is known to be
    # needed (3 of 4, then 4 of 5).
    assert [(p.step, p.number, p.total) for p in prompts] == [
        (Step.TARGETS, 1, 4),
        (Step.NAME, 2, 4),
        (Step.PLACE, 3, 4),
        (Step.ZIP, 4, 5),
        (Step.STORY, 5, 5),
    ]
    assert flow.is_ready(campaign, ready)
    assert ready.targets == ("president", "secstate", "senators", "representative")
    assert ready.demands == ("sanctions", "aid", "corridor")
    assert ready.name == "Ani"
    assert ready.place == Place(city="Glendale", state="CA", zip="91205")
    assert ready.story == STORY
    assert ready.notice is None


def test_new_draft_preselects_everything(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile())
    prompt = flow.next_prompt(campaign, draft)
    assert prompt is not None
    assert prompt.step is Step.TARGETS
    assert prompt.multi
    assert not prompt.accepts_text
    assert [(c.id, c.selected) for c in prompt.choices] == [
        ("president", True),
        ("secstate", True),
        ("senators", True),
        ("representative", True),
    ]
    assert [c.label for c in prompt.choices] == [
        "The President",
        "The Secretary of State",
        "Your two senators",
        "Your representative",
    ]
    # What the letters ask for is chosen on the same screen.
    assert [(c.id, c.selected) for c in prompt.asks] == [
        ("sanctions", True),
        ("aid", True),
        ("corridor", True),
    ]


def test_without_an_officials_directory_congress_is_not_offered(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile(congress=False))
    prompt = flow.next_prompt(campaign, draft)
    assert [c.id for c in prompt.choices] == ["president", "secstate"]


def test_name_prompt_suggests_the_cleaned_display_name(campaign: Campaign) -> None:
    raw = "  Ani\tHakobyan\x00 " + "x" * 200
    draft = advance_to(campaign, flow.begin(campaign, Profile(display_name=raw)), Step.NAME)
    prompt = flow.next_prompt(campaign, draft)
    assert prompt is not None
    assert prompt.accepts_text
    assert prompt.max_length == MAX_NAME_LENGTH
    assert prompt.default is not None
    assert prompt.default.startswith("Ani Hakobyan x")
    assert len(prompt.default) == MAX_NAME_LENGTH
    typed = flow.apply(campaign, draft, Reply("  Anahit   Petrosyan "))
    assert typed.name == "Anahit Petrosyan"


def test_confirming_a_name_needs_a_suggestion(campaign: Campaign) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile()), Step.NAME)
    assert flow.next_prompt(campaign, draft).default is None
    assert invalid(campaign, draft, Confirm()).reason == "name_needed"


# Toggling


def test_toggling_targets(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile(congress=False))
    draft = flow.apply(campaign, draft, Toggle("president"))
    assert draft.targets == ("secstate",)
    prompt = flow.next_prompt(campaign, draft)
    assert [(c.id, c.selected) for c in prompt.choices] == [
        ("president", False),
        ("secstate", True),
    ]
    draft = flow.apply(campaign, draft, Toggle("president"))
    assert draft.targets == ("president", "secstate")  # campaign order, whatever the tap order
    assert flow.current_step(campaign, draft) is Step.TARGETS  # toggling does not advance


def test_toggling_demands_beside_the_targets(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile())
    draft = flow.apply(campaign, draft, Toggle("aid", Step.DEMANDS))
    draft = flow.apply(campaign, draft, Toggle("sanctions", Step.DEMANDS))
    assert draft.demands == ("corridor",)
    draft = flow.apply(campaign, draft, Toggle("sanctions", Step.DEMANDS))
    assert draft.demands == ("sanctions", "corridor")
    assert [(c.id, c.selected) for c in flow.next_prompt(campaign, draft).asks] == [
        ("sanctions", True),
        ("aid", False),
        ("corridor", True),
    ]
    draft = flow.apply(campaign, draft, Confirm())  # one tap answers both questions
    assert draft.demands == ("sanctions", "corridor")
    assert {Step.TARGETS, Step.DEMANDS} <= draft.answered
    assert flow.current_step(campaign, draft) is Step.NAME


def test_a_demand_of_an_unselected_target_is_kept_for_later(campaign: Campaign) -> None:
    """A demand only an unselected office hears about is hidden, not forgotten."""
    draft = flow.begin(campaign, Profile())
    for target in ("president", "secstate"):  # Congress is asked about aid and sanctions only
        draft = flow.apply(campaign, draft, Toggle(target))
    assert [c.id for c in flow.next_prompt(campaign, draft).asks] == ["sanctions", "aid"]
    draft = flow.apply(campaign, draft, Toggle("aid", Step.DEMANDS))
    draft = flow.apply(campaign, draft, Toggle("president"))
    assert [(c.id, c.selected) for c in flow.next_prompt(campaign, draft).asks] == [
        ("sanctions", True),
        ("aid", False),
        ("corridor", True),
    ]


def test_toggling_demands_on_their_own_screen(make_campaign: Callable[..., Campaign]) -> None:
    c = make_campaign(demands=("alpha", "beta"), targets={"solo": ["alpha", "beta"]})
    draft = flow.begin(c, Profile())
    assert flow.current_step(c, draft) is Step.DEMANDS  # one office: no targets screen
    draft = flow.apply(c, draft, Toggle("alpha"))
    assert draft.demands == ("beta",)
    assert invalid(c, draft, Toggle("solo")).reason == "stale"
    assert invalid(c, draft, NonText()).reason == "use_buttons"
    draft = flow.apply(c, draft, Confirm())
    assert draft.demands == ("beta",)
    assert flow.current_step(c, draft) is Step.NAME


@pytest.mark.parametrize("step", [Step.TARGETS, Step.DEMANDS])
def test_confirming_nothing_selected_is_refused(campaign: Campaign, step: Step) -> None:
    draft = flow.begin(campaign, Profile())
    prompt = flow.next_prompt(campaign, draft)
    for choice in prompt.choices if step is Step.TARGETS else prompt.asks:
        draft = flow.apply(campaign, draft, Toggle(choice.id, step))
    assert getattr(draft, step.value) == ()
    error = invalid(campaign, draft, Confirm())
    assert (error.reason, error.details) == ("none_selected", {"what": step.value})
    assert flow.current_step(campaign, draft) is Step.TARGETS


def test_a_draft_saved_between_targets_and_demands_asks_the_demands_alone(
    campaign: Campaign,
) -> None:
    """Drafts saved when the demands had a screen of their own carry on, counted as now."""
    draft = flow.begin(campaign, Profile(display_name="Ani", congress=False))
    saved = replace(draft, answered=draft.answered | {Step.TARGETS})
    prompt = flow.next_prompt(campaign, saved)
    assert (prompt.step, prompt.number, prompt.total) == (Step.DEMANDS, 1, 4)
    assert [c.id for c in prompt.choices] == ["sanctions", "aid", "corridor"]
    assert prompt.asks == ()
    after = flow.apply(campaign, flow.apply(campaign, saved, Toggle("aid")), Confirm())
    assert after.demands == ("sanctions", "corridor")
    assert position(campaign, after) == (Step.NAME, 2, 4)


def test_unknown_toggle_is_stale(campaign: Campaign) -> None:
    draft = flow.begin(campaign, Profile())
    assert invalid(campaign, draft, Toggle("sanctions")).reason == "stale"  # a demand, not a target
    assert invalid(campaign, draft, Toggle("president", Step.DEMANDS)).reason == "stale"
    assert invalid(campaign, draft, Toggle("nobody")).reason == "stale"
    assert invalid(campaign, draft, Toggle("aid", Step.NAME)).reason == "stale"


# Routing demands to the chosen targets (the library campaign routes differently per target)


def test_demands_routed_only_to_chosen_targets(library_campaign: Campaign) -> None:
    c = library_campaign
    draft = flow.begin(c, Profile(display_name="Ada"))
    prompt = flow.next_prompt(c, draft)
    assert [ch.label for ch in prompt.choices] == ["The Mayor", "The City Council"]
    draft = flow.apply(c, draft, Toggle("mayor"))
    draft = flow.apply(c, draft, Confirm())
    # The council only hears about staffing, so there is nothing to choose: the step is skipped.
    assert draft.targets == ("council",)
    assert draft.demands == ("staffing",)
    assert Step.DEMANDS in draft.answered
    assert flow.current_step(c, draft) is Step.NAME
    assert flow.next_prompt(c, draft).total == 4  # targets, name, place, story


def test_demand_choices_follow_the_chosen_targets(library_campaign: Campaign) -> None:
    c = library_campaign
    draft = flow.apply(c, flow.begin(c, Profile()), Toggle("council"))
    prompt = flow.next_prompt(c, draft)
    assert prompt.step is Step.TARGETS
    assert [(ch.id, ch.label) for ch in prompt.asks] == [
        ("hours", "Restore evening and weekend hours"),
        ("staffing", "Fund the librarians the hours need"),
    ]
    # The council alone hears about staffing only: nothing to choose, so nothing is shown.
    draft = flow.apply(c, flow.apply(c, draft, Toggle("council")), Toggle("mayor"))
    assert flow.next_prompt(c, draft).asks == ()


def test_library_campaign_conversation(library_campaign: Campaign) -> None:
    ready, prompts = run_to_ready(library_campaign, flow.begin(library_campaign, Profile("Ada")))
    assert len(prompts) == 4
    assert ready.targets == ("mayor", "council")
    assert ready.demands == ("hours", "staffing")
    labels = " ".join(ch.label for p in prompts for ch in p.choices + p.asks)
    assert "The Mayor" in labels
    for word in BUNDLED_ONLY_WORDS:
        assert word not in labels


# Campaigns with a single target or a single demand skip those steps


def test_single_target_campaign_skips_targets(make_campaign: Callable[..., Campaign]) -> None:
    c = make_campaign(demands=("alpha", "beta"), targets={"solo": ["alpha", "beta"]})
    ready, prompts = run_to_ready(c, flow.begin(c, Profile(display_name="Ani")))
    assert [p.step for p in prompts] == [Step.DEMANDS, Step.NAME, Step.PLACE, Step.STORY]
    assert [(p.number, p.total) for p in prompts] == [(i, 4) for i in range(1, 5)]
    assert ready.targets == ("solo",)


def test_single_demand_campaign_skips_demands(make_campaign: Callable[..., Campaign]) -> None:
    c = make_campaign(demands=("alpha",), targets={"one": ["alpha"], "two": ["alpha"]})
    ready, prompts = run_to_ready(c, flow.begin(c, Profile(display_name="Ani")))
    assert [p.step for p in prompts] == [Step.TARGETS, Step.NAME, Step.PLACE, Step.STORY]
    assert ready.demands == ("alpha",)


def test_single_target_single_demand_campaign(make_campaign: Callable[..., Campaign]) -> None:
    c = make_campaign(demands=("alpha",), targets={"solo": ["alpha"]})
    profile = Profile(signing_name="Ani", place=Place(state="CA"))
    draft = flow.begin(c, profile)
    ready, prompts = run_to_ready(c, draft)
    assert [(p.step, p.number, p.total) for p in prompts] == [(Step.STORY, 1, 1)]
    assert (ready.targets, ready.demands) == (("solo",), ("alpha",))


# Prefilled answers


def test_prefilled_name_and_place_skip_steps(campaign: Campaign) -> None:
    place = Place(city="Glendale", state="CA", zip="91205")
    draft = flow.begin(campaign, Profile(display_name="tg", signing_name="Ani H.", place=place))
    assert draft.prefilled == {Step.NAME, Step.PLACE}
    ready, prompts = run_to_ready(campaign, draft)
    assert [(p.step, p.number, p.total) for p in prompts] == [
        (Step.TARGETS, 1, 2),
        (Step.STORY, 2, 2),
    ]
    assert ready.name == "Ani H."
    assert ready.place == place


# Invalid answers


def test_story_too_long_reports_length_and_limit(campaign: Campaign) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile("Ani")), Step.STORY)
    error = invalid(campaign, draft, Reply("a" * (MAX_STORY_LENGTH + 1)))
    assert error.reason == "too_long"
    assert error.details == {"length": MAX_STORY_LENGTH + 1, "limit": MAX_STORY_LENGTH}
    at_limit = flow.apply(campaign, draft, Reply("a" * MAX_STORY_LENGTH))
    assert len(at_limit.story) == MAX_STORY_LENGTH


def test_story_keeps_paragraphs_and_drops_control_characters(campaign: Campaign) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile("Ani")), Step.STORY)
    text = "First line.  \r\nSecond\x07 line.\n\n\n\n\nNew paragraph."
    ready = flow.apply(campaign, draft, Reply(text))
    assert ready.story == "First line.\nSecond line.\n\nNew paragraph."


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "ok"])
def test_empty_story(campaign: Campaign, text: str) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile("Ani")), Step.STORY)
    assert invalid(campaign, draft, Reply(text)).reason == "empty"


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "\x00\x01"])
def test_empty_name(campaign: Campaign, text: str) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile()), Step.NAME)
    assert invalid(campaign, draft, Reply(text)).reason == "empty"


def test_name_too_long(campaign: Campaign) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile()), Step.NAME)
    error = invalid(campaign, draft, Reply("N" * (MAX_NAME_LENGTH + 5)))
    assert (error.reason, error.details) == (
        "too_long",
        {"length": MAX_NAME_LENGTH + 5, "limit": MAX_NAME_LENGTH},
    )


@pytest.mark.parametrize(
    ("step", "answer", "reason"),
    [
        (Step.TARGETS, NonText(), "use_buttons"),
        (Step.TARGETS, Reply("the president"), "use_buttons"),
        (Step.TARGETS, Skip(), "use_buttons"),
        (Step.NAME, NonText(), "not_text"),
        (Step.NAME, Toggle("president"), "stale"),
        (Step.NAME, Skip(), "not_skippable"),
        (Step.PLACE, NonText(), "not_text"),
        (Step.PLACE, Toggle("aid"), "stale"),
        (Step.PLACE, Confirm(), "use_buttons"),
        (Step.ZIP, NonText(), "not_text"),
        (Step.ZIP, Toggle("aid"), "stale"),
        (Step.ZIP, Confirm(), "use_buttons"),  # its only button is Skip
        (Step.STORY, NonText(), "not_text"),
        (Step.STORY, Toggle("president"), "stale"),
    ],
)
def test_wrong_kind_of_answer(
    campaign: Campaign, step: Step, answer: flow.Answer, reason: str
) -> None:
    draft = advance_to(campaign, flow.begin(campaign, Profile("Ani")), step)
    assert invalid(campaign, draft, answer).reason == reason


# Serialization (drafts live in the database as JSON)


def drafts_along_the_way(campaign: Campaign) -> list[Draft]:
    draft = flow.begin(campaign, Profile(display_name="Անի Հակոբյան 🇦🇲"))
    seen = [draft]
    for answer in [
        Toggle("secstate"),
        Toggle("aid", Step.DEMANDS),
        Confirm(),
        Reply("Անի Հակոբյան"),
        Reply("Yerevan, Armenia"),
        Reply("שלום, مرحبا 🙂\n\nSecond paragraph."),
    ]:
        draft = flow.apply(campaign, draft, answer)
        seen.append(draft)
    return seen


def test_round_trip_through_json(campaign: Campaign) -> None:
    drafts = drafts_along_the_way(campaign)
    assert flow.is_ready(campaign, drafts[-1])
    for draft in drafts:
        stored = json.loads(json.dumps(draft.to_dict()))
        restored = Draft.from_dict(stored)
        assert restored == draft
        assert flow.next_prompt(campaign, restored) == flow.next_prompt(campaign, draft)


@pytest.mark.parametrize(
    "draft",
    [
        Draft(),
        Draft(targets=("a",), demands=("x", "y"), answered=frozenset({Step.TARGETS})),
        Draft(name="Ani", place=Place(city="Beverly Hills", state="CA", zip="90210")),
        Draft(place=Place(state="CA"), story="one\n\ntwo", prefilled=frozenset({Step.PLACE})),
        Draft(suggested_name="A", place=Place(city="Gyumri", region="Armenia"), story="🙂"),
        Draft(
            place=Place(city="Portland", state="OR", zip="97201"),
            districts=(District("OR", 1, "Rep. A"), District("OR", 3, "Rep. B")),
            district=District("OR", 3, "Rep. B"),
            answered=frozenset({Step.PLACE, Step.ZIP, Step.DISTRICT}),
            notice=Notice("zip_state", {"typed": "IL", "used": "OR", "zip": "97201"}),
        ),
    ],
)
def test_round_trip_of_arbitrary_drafts(draft: Draft) -> None:
    assert Draft.from_dict(json.loads(json.dumps(draft.to_dict()))) == draft


def test_from_empty_dict_is_a_blank_draft() -> None:
    assert Draft.from_dict({}) == Draft()


# Text cleaning


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  a \t b\n c  ", "a b c"), ("x\u200by", "x y"), ("\x1b[31mred", "[31mred"), ("", "")],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert flow.clean_line(raw) == clean
