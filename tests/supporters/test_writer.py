"""Letters to the supporter's own members of Congress (the small officials directory), and
the asks of each kind of office."""

from __future__ import annotations

import re

import pytest

from bot import flow
from bot.campaign import CONGRESS
from bot.flow import Confirm, Skip, Step, Toggle
from bot.places import Place
from bot.store import Store
from bot.supporters.drafting import Drafting
from bot.supporters.outcomes import LettersWritten, Outcome, Prompted
from bot.supporters.views import LetterView, Person
from tests.supporters.drive import (
    ANI,
    ARA,
    STORY,
    answer,
    asks,
    asks_in,
    paragraphs,
    reply_text,
    stored,
)


def write_congress_letters(
    store: Store,
    drafting: Drafting,
    places: list[str],
    story: str | None = STORY,
    person: Person = ANI,
) -> tuple[Outcome, list[tuple[Step, int, int]]]:
    """Accept every suggestion, answer the place questions (PLACE, then ZIP) from `places` in
    order, and tell `story` (None: skip it). Returns the letters and the steps seen."""
    to_say = list(places)
    outcome = store.call(drafting.start_letter, person)
    seen = []
    while isinstance(outcome, Prompted):
        prompt = outcome.prompt
        seen.append((prompt.step, prompt.number, prompt.total))
        if prompt.step in (Step.PLACE, Step.ZIP):
            outcome = store.call(reply_text, drafting, person, to_say.pop(0))
        elif prompt.step is Step.STORY and story is not None:
            outcome = store.call(reply_text, drafting, person, story)
        elif prompt.step is Step.STORY:
            outcome = store.call(drafting.answer, person, Skip())
        else:
            outcome = answer(store, drafting, outcome, Confirm(), person)
    assert isinstance(outcome, LettersWritten), outcome
    assert to_say == [], f"not asked: {to_say}"
    return outcome, seen


def draft_to_place(store: Store, drafting: Drafting, person: Person = ANI) -> Outcome:
    outcome = store.call(drafting.start_letter, person)
    while outcome.prompt.step is not Step.PLACE:
        outcome = answer(store, drafting, outcome, Confirm(), person)
    return outcome


def by_target(outcome: Outcome) -> dict[str, LetterView]:
    return {view.target.id: view for view in outcome.letters}


VERMONT_LETTERS = ["president", "secstate", "a000001", "b000002", "c000003"]


def test_a_full_address_reaches_the_senators_and_the_representative(
    congress_store: Store, drafting: Drafting
) -> None:
    outcome, seen = write_congress_letters(
        congress_store, drafting, ["12 Elm St, White River Junction, VT 05001"]
    )
    assert [step for step, _, _ in seen] == [
        Step.TARGETS,  # and the demands
        Step.NAME,
        Step.PLACE,
        Step.STORY,
    ]
    assert list(by_target(outcome)) == VERMONT_LETTERS
    assert outcome.unreached == ()
    letters = by_target(outcome)
    assert letters["a000001"].body.startswith("Dear Senator Aldrich:")
    assert letters["c000003"].body.startswith("Dear Representative Castillo:")
    place = stored(congress_store, ANI, "city", "state", "zip", "district")
    assert place == ("White River Junction", "VT", "05001", 0)


def test_a_town_without_zip_is_asked_for_the_zip_and_then_reaches_the_representative(
    congress_store: Store, drafting: Drafting
) -> None:
    outcome = draft_to_place(congress_store, drafting)
    asked = congress_store.call(reply_text, drafting, ANI, "Burlington, VT")
    assert isinstance(asked, Prompted)
    assert asked.prompt.step is Step.ZIP
    assert (asked.prompt.default, asked.prompt.skippable) == ("Burlington, Vermont", True)
    assert (asked.prompt.number, asked.prompt.total) == (4, 5)
    assert asked.revision == outcome.revision + 1
    # The draft is stored with the question: a restart resumes at the ZIP.
    assert congress_store.call(drafting.current, ANI).prompt.step is Step.ZIP

    done = congress_store.call(reply_text, drafting, ANI, "05001")
    assert isinstance(done, Prompted)
    assert (done.prompt.step, done.prompt.number, done.prompt.total) == (Step.STORY, 5, 5)
    assert done.draft.place == Place(city="Burlington", state="VT", zip="05001")
    assert done.draft.district == flow.District("VT", 0, done.draft.districts[0].label)
    letters = congress_store.call(reply_text, drafting, ANI, STORY)
    assert list(by_target(letters)) == VERMONT_LETTERS
    assert letters.unreached == ()


def test_skipping_the_zip_writes_to_the_senators_only(
    congress_store: Store, drafting: Drafting
) -> None:
    draft_to_place(congress_store, drafting)
    congress_store.call(reply_text, drafting, ANI, "Burlington, VT")
    congress_store.call(drafting.answer, ANI, Skip())
    letters = congress_store.call(reply_text, drafting, ANI, STORY)
    assert list(by_target(letters)) == ["president", "secstate", "a000001", "b000002"]
    assert letters.unreached == (("Your representative", "no_district"),)


def test_a_split_zip_given_at_the_zip_step_asks_for_the_district(
    congress_store: Store, drafting: Drafting
) -> None:
    draft_to_place(congress_store, drafting)
    congress_store.call(reply_text, drafting, ANI, "Mesa, AZ")
    district = congress_store.call(reply_text, drafting, ANI, "85215")
    assert district.prompt.step is Step.DISTRICT
    assert [c.id for c in district.prompt.choices] == ["AZ-1", "AZ-4", "AZ-5"]
    story = answer(congress_store, drafting, district, Toggle("AZ-5"))
    assert story.prompt.step is Step.STORY
    letters = congress_store.call(reply_text, drafting, ANI, STORY)
    assert {"h000008", "i000009", "j000010"} <= set(by_target(letters))


def test_a_zip_from_another_state_wins_and_the_supporter_is_told(
    congress_store: Store, drafting: Drafting
) -> None:
    draft_to_place(congress_store, drafting)
    congress_store.call(reply_text, drafting, ANI, "Springfield, IL")
    told = congress_store.call(reply_text, drafting, ANI, "05001")
    assert told.prompt.step is Step.STORY
    assert told.draft.notice == flow.Notice(
        "zip_state", {"typed": "IL", "used": "VT", "zip": "05001"}
    )
    assert congress_store.call(drafting.current, ANI).draft.notice == told.draft.notice
    letters = congress_store.call(reply_text, drafting, ANI, STORY)
    assert letters.draft.notice is None
    assert list(by_target(letters)) == VERMONT_LETTERS  # Vermont's members, not Illinois'


@pytest.mark.parametrize(
    "places",
    [["White River Junction, VT 05001"], ["Burlington, VT", "05001"], ["VT", "05001"]],
)
def test_a_letter_to_a_member_opens_as_a_constituent_and_signs_with_the_zip(
    congress_store: Store, drafting: Drafting, places: list[str]
) -> None:
    outcome, _ = write_congress_letters(congress_store, drafting, places)
    for view in outcome.letters:
        opening = paragraphs(view.body)[1]
        if view.target.constituent:
            assert "constituent" in opening, view.body
            assert "(ZIP code 05001)" in opening
            assert re.search(r"\n[^\n]*VT 05001$", view.body), view.body
        else:
            assert "constituent" not in opening
    members = [v for v in outcome.letters if v.target.constituent]
    assert [v.target.id for v in members] == ["a000001", "b000002", "c000003"]


def test_each_office_gets_only_the_asks_of_its_kind(
    congress_store: Store, drafting: Drafting
) -> None:
    executive, congress = asks(drafting.campaign, "executive"), asks(drafting.campaign, "congress")
    outcome, _ = write_congress_letters(congress_store, drafting, ["05001"])
    bodies: dict[str, list[str]] = {}
    for view in outcome.letters:
        bodies[view.target.id] = [view.body]
        for _ in range(3):  # other wordings and variants too
            bodies[view.target.id].append(
                congress_store.call(drafting.actions.reword, ANI, view.id).body
            )
    for view in outcome.letters:
        kind = view.target.kind
        for body in bodies[view.target.id]:
            if view.target.id == "president":
                assert kind == "executive"
                assert asks_in(body, congress) == []
                assert asks_in(body, executive)
            else:
                assert asks_in(body, executive if kind == CONGRESS else congress) == []
                assert asks_in(body, congress if kind == CONGRESS else executive)
    assert {v.target.kind for v in outcome.letters} == {"executive", CONGRESS}


def test_the_score_is_zero_without_a_story_and_positive_with_one(
    congress_store: Store, drafting: Drafting
) -> None:
    plain, _ = write_congress_letters(congress_store, drafting, ["05001"], story=None)
    assert len(plain.letters) == 5
    assert all(view.score == 0.0 for view in plain.letters)
    personal, _ = write_congress_letters(congress_store, drafting, ["05001"], person=ARA)
    assert len(personal.letters) == 5
    assert all(0 < view.score < 1 for view in personal.letters)
