"""The place steps: where the supporter lives, their ZIP code when a letter to their
representative needs one, and their district when the ZIP is split between districts."""

from __future__ import annotations

import json

import pytest

from bot import flow
from bot.campaign import Campaign
from bot.flow import Confirm, District, Draft, Notice, Profile, Reply, Skip, Step, Toggle
from bot.places import MAX_PLACE_LENGTH, Place, PlaceReading, read_place
from tests.flow import STORY, advance_to, invalid, position

IL_13 = District("IL", 13, "Rep. Nikki Budzinski (D, IL-13)")
IL_15 = District("IL", 15, "Rep. Mary Miller (R, IL-15)")
OREGON_NOTICE = Notice("zip_state", {"typed": "IL", "used": "OR", "zip": "97201"})


def at_place(campaign: Campaign, targets: tuple[str, ...] | None = None, **profile) -> Draft:
    """A new draft at the place step, with only `targets` chosen (None: all of them)."""
    draft = flow.begin(campaign, Profile(display_name="Ani", **profile))
    if targets is not None:
        for choice in flow.next_prompt(campaign, draft).choices:
            if choice.id not in targets:
                draft = flow.apply(campaign, draft, Toggle(choice.id))
        draft = flow.apply(campaign, draft, Confirm())
    return advance_to(campaign, draft, Step.PLACE)


def at_zip(campaign: Campaign, place: str = "Springfield, IL") -> Draft:
    draft = flow.apply(campaign, at_place(campaign), Reply(place))
    assert flow.current_step(campaign, draft) is Step.ZIP
    return draft


# The place step


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Fresno, California 93721", Place(city="Fresno", state="CA", zip="93721")),
        ("123 Main St, Springfield, IL 62701", Place(city="Springfield", state="IL", zip="62701")),
        ("  91205 ", Place(city="Glendale", state="CA", zip="91205")),
        ("Yerevan, Armenia", Place(city="Yerevan", region="Armenia")),
        ("Paris, France", Place(city="Paris", region="France")),
    ],
)
def test_place_as_people_type_it(campaign: Campaign, text: str, place: Place) -> None:
    draft = flow.apply(campaign, at_place(campaign), Reply(text))
    assert draft.place == place
    assert draft.notice is None
    assert flow.current_step(campaign, draft) is Step.STORY


def test_the_flow_uses_the_place_its_caller_read(campaign: Campaign) -> None:
    """The service reads a place once (`Reply.reading`); the flow does not read it again."""
    vermont = Place(city="White River Junction", state="VT", zip="05001")
    vt_0 = District("VT", 0, "Rep. Carmen Castillo (D, VT-At Large)")
    answer = Reply("my place", reading=PlaceReading(vermont), districts=(vt_0,))
    draft = flow.apply(campaign, at_place(campaign), answer)
    assert (draft.place, draft.districts, draft.district) == (vermont, (vt_0,), vt_0)


@pytest.mark.parametrize("text", ["  somewhere   nice ", "Paris 75011"])
def test_unknown_place(campaign: Campaign, text: str) -> None:
    draft = at_place(campaign)
    error = invalid(campaign, draft, Reply(text))
    assert error.reason == "place_unknown"
    assert error.details == {"text": " ".join(text.split())}  # shown back as they typed it


def test_paris_75011_is_not_a_us_zip(campaign: Campaign) -> None:
    """A city and a 5-digit number is not a US address unless something says so (a state, a
    "USA", the ZIP's own city): "Paris 75011" is refused as unknown, never read as Carrollton,
    TX (75011), and the supporter is asked for "City, Country" instead."""
    assert read_place("Paris 75011") is None
    draft = at_place(campaign)
    assert invalid(campaign, draft, Reply("Paris 75011")).reason == "place_unknown"
    assert flow.current_step(campaign, draft) is Step.PLACE
    assert invalid(campaign, draft, Reply("9" * (MAX_PLACE_LENGTH + 1))).reason == "too_long"


def test_place_and_story_can_be_skipped(campaign: Campaign) -> None:
    draft = at_place(campaign)
    assert flow.next_prompt(campaign, draft).skippable
    draft = flow.apply(campaign, draft, Skip())
    assert draft.place is None
    assert flow.current_step(campaign, draft) is Step.STORY  # no place, so no ZIP to ask
    draft = flow.apply(campaign, draft, Skip())
    assert draft.story is None
    assert flow.is_ready(campaign, draft)
    assert invalid(campaign, draft, Reply("more")).reason == "already_ready"


def test_a_zip_from_another_state_than_typed_wins_with_a_notice(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_place(campaign), Reply("Portland, ME 97201"))
    assert draft.place == Place(city="Portland", state="OR", zip="97201")
    assert draft.notice == Notice("zip_state", {"typed": "ME", "used": "OR", "zip": "97201"})
    assert flow.current_step(campaign, draft) is Step.STORY  # it has a ZIP: none to ask
    assert flow.apply(campaign, draft, Reply(STORY)).notice is None


# The ZIP step


def test_a_us_place_without_zip_asks_for_it_once(campaign: Campaign) -> None:
    draft = at_zip(campaign)
    assert draft.place == Place(city="Springfield", state="IL")
    assert flow.needs_zip(campaign, draft)
    prompt = flow.next_prompt(campaign, draft)
    assert prompt.step is Step.ZIP
    assert prompt.accepts_text and prompt.skippable
    assert not prompt.multi and prompt.choices == ()
    assert prompt.default == "Springfield, Illinois"  # "I have you in Springfield, Illinois"
    assert prompt.max_length == MAX_PLACE_LENGTH
    assert (prompt.number, prompt.total) == (4, 5)


def test_a_state_alone_asks_for_the_zip(campaign: Campaign) -> None:
    draft = at_zip(campaign, "Illinois")
    assert flow.next_prompt(campaign, draft).default == "Illinois"


@pytest.mark.parametrize(
    ("targets", "text"),
    [
        (None, "Springfield, IL 62701"),  # a ZIP already
        (None, "Yerevan, Armenia"),  # outside the US
        (("senators",), "Springfield, IL"),  # senators need only the state
        (("president", "secstate"), "Springfield, IL"),  # fixed offices need nothing
        (("president", "senators"), "Springfield, IL"),
    ],
)
def test_no_zip_question(campaign: Campaign, targets: tuple[str, ...] | None, text: str) -> None:
    draft = flow.apply(campaign, at_place(campaign, targets), Reply(text))
    assert not flow.needs_zip(campaign, draft)
    assert flow.current_step(campaign, draft) is Step.STORY


def test_no_zip_question_without_an_officials_directory(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_place(campaign, congress=False), Reply("Springfield, IL"))
    assert flow.current_step(campaign, draft) is Step.STORY


def test_skipping_the_zip(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_zip(campaign), Skip())
    assert Step.ZIP in draft.answered
    assert draft.place == Place(city="Springfield", state="IL")
    assert (draft.districts, draft.district) == ((), None)
    assert flow.current_step(campaign, draft) is Step.STORY


def test_a_zip_completes_the_place(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_zip(campaign), Reply("62701", districts=(IL_13,)))
    assert draft.place == Place(city="Springfield", state="IL", zip="62701")
    assert (draft.districts, draft.district) == ((IL_13,), IL_13)
    assert draft.notice is None
    assert flow.current_step(campaign, draft) is Step.STORY


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("90028", Place(city="Hollywood", state="CA", zip="90028")),
        ("my zip is 90028-1234", Place(city="Hollywood", state="CA", zip="90028")),
        ("CA 90028", Place(city="Hollywood", state="CA", zip="90028")),
        # A town typed with the ZIP is the one they mean now.
        ("Los Angeles 90028", Place(city="Los Angeles", state="CA", zip="90028")),
        ("Studio City 91604", Place(city="Studio City", state="CA", zip="91604")),
    ],
)
def test_a_zip_keeps_the_town_typed_before_it(campaign: Campaign, text: str, place: Place) -> None:
    """ "Hollywood, CA" then "90028" signs as "Hollywood, CA 90028", as the one answer
    "Hollywood, CA 90028" does, not as the ZIP's postal city (Los Angeles)."""
    draft = flow.apply(campaign, at_zip(campaign, "Hollywood, CA"), Reply(text))
    assert draft.place == place
    assert draft.notice is None


def test_a_split_zip_at_the_zip_step_asks_for_the_district(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_zip(campaign), Reply("62701", districts=(IL_13, IL_15)))
    assert draft.district is None
    assert position(campaign, draft) == (Step.DISTRICT, 5, 6)
    chosen = flow.apply(campaign, draft, Toggle("IL-15"))
    assert chosen.district == IL_15
    assert position(campaign, chosen) == (Step.STORY, 6, 6)


@pytest.mark.parametrize(
    "answer",
    [
        Reply("97201"),  # the ZIP alone: the state they typed at the place step is the one
        Reply("my zip is 97201"),
        Reply("Springfield, IL 97201"),
    ],
)
def test_a_zip_from_another_state_wins_at_the_zip_step(
    campaign: Campaign, answer: flow.Answer
) -> None:
    draft = flow.apply(campaign, at_zip(campaign), answer)
    assert draft.place == Place(city="Portland", state="OR", zip="97201")
    assert draft.notice == OREGON_NOTICE
    assert flow.current_step(campaign, draft) is Step.STORY


def test_the_state_typed_in_the_zip_answer_is_the_one_in_the_notice(campaign: Campaign) -> None:
    draft = flow.apply(campaign, at_zip(campaign), Reply("Portland, ME 97201"))
    assert draft.notice == Notice("zip_state", {"typed": "ME", "used": "OR", "zip": "97201"})


def test_the_notice_is_cleared_by_the_next_answer_and_survives_storage(
    campaign: Campaign,
) -> None:
    draft = flow.apply(campaign, at_zip(campaign), Reply("97201"))
    stored = Draft.from_dict(json.loads(json.dumps(draft.to_dict())))
    assert stored == draft
    assert stored.notice == OREGON_NOTICE
    assert flow.next_prompt(campaign, stored) == flow.next_prompt(campaign, draft)
    # An invalid answer changes nothing: the notice is still there to be shown again.
    assert invalid(campaign, stored, Reply("")).reason == "empty"
    assert stored.notice == OREGON_NOTICE
    ready = flow.apply(campaign, stored, Reply(STORY))
    assert ready.notice is None
    assert Draft.from_dict(ready.to_dict()).notice is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Chicago, IL", Place(city="Chicago", state="IL")),
        ("Yerevan, Armenia", Place(city="Yerevan", region="Armenia")),
    ],
)
def test_a_place_at_the_zip_step_replaces_the_place(
    campaign: Campaign, text: str, place: Place
) -> None:
    """ "Not right? Send where you live again": taken as the place, and not asked again."""
    draft = flow.apply(campaign, at_zip(campaign), Reply(text))
    assert draft.place == place
    assert draft.notice is None
    assert (draft.districts, draft.district) == ((), None)
    assert Step.ZIP in draft.answered
    assert flow.current_step(campaign, draft) is Step.STORY


@pytest.mark.parametrize("text", ["somewhere nice", "Paris 75011", "00000"])
def test_no_zip_in_the_answer(campaign: Campaign, text: str) -> None:
    draft = at_zip(campaign)
    error = invalid(campaign, draft, Reply(text))
    assert (error.reason, error.details) == ("zip_unknown", {"text": text})
    assert invalid(campaign, draft, Reply("  ")).reason == "empty"
    assert invalid(campaign, draft, Reply("9" * (MAX_PLACE_LENGTH + 1))).reason == "too_long"


@pytest.mark.parametrize(
    "answer",
    [Skip(), Reply("62701"), Reply("97201"), Reply("Chicago, IL"), Reply("Yerevan, Armenia")],
)
def test_numbering_stays_steady_once_the_zip_is_answered(
    campaign: Campaign, answer: flow.Answer
) -> None:
    """Whatever the ZIP answer leaves (a place with a ZIP, or none to ask for), the story stays
    "Step 5 of 5": the step that was asked keeps counting."""
    draft = at_zip(campaign)
    assert position(campaign, draft) == (Step.ZIP, 4, 5)
    draft = flow.apply(campaign, draft, answer)
    assert flow.needs_zip(campaign, draft)
    assert position(campaign, draft) == (Step.STORY, 5, 5)
    assert position(campaign, Draft.from_dict(draft.to_dict())) == (Step.STORY, 5, 5)


def test_a_returning_supporter_without_a_zip_is_asked_for_it(campaign: Campaign) -> None:
    profile = Profile(signing_name="Ani", place=Place(city="Springfield", state="IL"))
    draft = flow.begin(campaign, profile)
    steps = []
    while (prompt := flow.next_prompt(campaign, draft)) is not None:
        steps.append((prompt.step, prompt.number, prompt.total))
        answer = Reply("62701") if prompt.step is Step.ZIP else Reply(STORY)
        draft = flow.apply(campaign, draft, Confirm() if prompt.multi else answer)
    assert steps == [
        (Step.TARGETS, 1, 3),  # with the demands
        (Step.ZIP, 2, 3),
        (Step.STORY, 3, 3),
    ]
    assert draft.place == Place(city="Springfield", state="IL", zip="62701")


# The district step


def test_a_split_zip_asks_which_district_and_spanning_states_pick_the_state(
    campaign: Campaign,
) -> None:
    draft = at_place(campaign)
    districts = (
        flow.District("AL", 3, "Rep. Mike Rogers (R, AL-3)"),
        flow.District("GA", 14, "Rep. Someone (R, GA-14)"),
    )
    draft = flow.apply(campaign, draft, Reply("30165", districts=districts))
    prompt = flow.next_prompt(campaign, draft)
    assert prompt.step is Step.DISTRICT and prompt.skippable
    assert [c.label for c in prompt.choices] == [d.label for d in districts]
    assert invalid(campaign, draft, Toggle("CA-12")).reason == "stale"
    assert invalid(campaign, draft, Reply("AL-3")).reason == "use_buttons"
    chosen = flow.apply(campaign, draft, Toggle("AL-3"))
    assert chosen.district == districts[0] and chosen.place.state == "AL"
    assert flow.current_step(campaign, chosen) is Step.STORY
    skipped = flow.apply(campaign, draft, Skip())
    assert skipped.district is None
    assert flow.Draft.from_dict(chosen.to_dict()) == chosen


def test_one_district_needs_no_question(campaign: Campaign) -> None:
    only = (flow.District("WA", 7, "Rep. Pramila Jayapal (D, WA-7)"),)
    draft = flow.apply(campaign, at_place(campaign), Reply("98102", districts=only))
    assert draft.district == only[0]
    assert flow.current_step(campaign, draft) is Step.STORY


def test_no_district_question_when_the_representative_is_not_chosen(campaign: Campaign) -> None:
    draft = at_place(campaign, ("president", "senators"))
    draft = flow.apply(campaign, draft, Reply("62701", districts=(IL_13, IL_15)))
    assert flow.current_step(campaign, draft) is Step.STORY


# Storage along the ZIP route


def test_round_trip_along_the_zip_route(campaign: Campaign) -> None:
    draft = at_place(campaign)
    for answer in [
        Reply("Springfield, IL"),
        Reply("97201", districts=(District("OR", 1, "Rep. A"), District("OR", 3, "Rep. B"))),
        Toggle("OR-3"),
        Reply(STORY),
    ]:
        draft = flow.apply(campaign, draft, answer)
        restored = Draft.from_dict(json.loads(json.dumps(draft.to_dict())))
        assert restored == draft
        assert flow.next_prompt(campaign, restored) == flow.next_prompt(campaign, draft)
    assert flow.is_ready(campaign, draft)
    assert draft.district == District("OR", 3, "Rep. B")
