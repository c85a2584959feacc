"""Use cases through the store: whole conversations, stale buttons, sends, rewording, editing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot import flow
from bot.campaign import CONGRESS, Campaign
from bot.flow import Confirm, Skip, Step, Toggle
from bot.kits import KitService, StreetWanted
from bot.officials import import_files
from bot.places import Place
from bot.service import LetterService, LetterView, Outcome, Person, Welcome
from bot.store import Draft, Letter, Store, Supporter
from tests.support import BUNDLED_ONLY_WORDS

OFFICIALS = Path(__file__).resolve().parent / "fixtures" / "officials"

ANI = Person(telegram_id=1001, display_name="Ani Hakobyan", language="hy")
ARA = Person(telegram_id=1002, display_name="Ara")
STORY = "My grandparents fled in 1915.\n\nI write so that no family has to flee again."


@pytest.fixture
def service(campaign: Campaign) -> LetterService:
    return LetterService(campaign)


@pytest.fixture
def congress_store(tmp_store: Store) -> Store:
    """A store with the small officials directory: ZIP 05001 is Vermont's one (at-large)
    district, with senators Aldrich and Baker and representative Castillo; 85215 is split
    between Arizona's 1st, 4th and 5th districts."""
    import_files(tmp_store, [OFFICIALS / "legislators-small.json", OFFICIALS / "zccd-small.csv"])
    return tmp_store


def answer(
    store: Store, service: LetterService, outcome: Outcome, reply: flow.Answer, person=ANI
) -> Outcome:
    """Answer the way a button does: carrying the draft id and revision it was shown with."""
    return store.call(service.answer, person, reply, outcome.draft_id, outcome.revision)


def draft_to_story(store: Store, service: LetterService, person: Person = ANI) -> Outcome:
    outcome = store.call(service.start_letter, person)
    while outcome.prompt is not None and outcome.prompt.step is not Step.STORY:
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = store.call(service.receive_text, person, "Glendale, CA")
        elif step is Step.ZIP:
            outcome = store.call(service.answer, person, Skip())
        else:
            outcome = answer(store, service, outcome, Confirm(), person)
        assert outcome.kind == "prompt", outcome
    return outcome


def write_letters(store: Store, service: LetterService, person: Person = ANI) -> Outcome:
    draft_to_story(store, service, person)
    outcome = store.call(service.receive_text, person, STORY)
    assert outcome.kind == "letters"
    return outcome


def letter_row(store: Store, letter_id: int) -> Letter:
    return store.call(lambda repo: repo.session.get(Letter, letter_id))


def asks(campaign: Campaign, kind: str) -> list[str]:
    """Every wording of every demand's ask to offices of `kind` ("executive", "congress")."""
    return [wording for d in campaign.demands if kind in d.asks for wording in d.asks[kind].ask]


def asks_in(body: str, wordings: list[str]) -> list[str]:
    """The wordings in a letter, whatever their first letter's case (lists capitalize them)."""
    text = body.casefold()
    return [w for w in wordings if w.casefold() in text]


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


# Welcome


def test_welcome_records_the_source_only_on_first_contact(
    tmp_store: Store, service: LetterService
) -> None:
    assert tmp_store.call(service.welcome, ANI, "op-ed_2023") == Welcome(True, "Ani Hakobyan")
    assert tmp_store.call(service.welcome, ANI, "other") == Welcome(False, "Ani Hakobyan")
    assert tmp_store.call(service.welcome, ARA, "<script>") == Welcome(True, "Ara")
    with tmp_store.transaction() as repo:
        ani, ara = repo.supporter(ANI.telegram_id), repo.supporter(ARA.telegram_id)
        assert (ani.source, ani.language) == ("op-ed_2023", "hy")
        assert ara.source is None  # not a valid deep-link payload


@pytest.mark.parametrize(
    ("name", "language", "stored"),
    [
        ("Ani\x00 Hakobyan\x1b", "hy\x00", ("Ani Hakobyan", None)),
        ("\x00\x07", "PT-br", (None, "pt-br")),
        ("Ара\tПетросян", "en-US-x-twain\x00", ("Ара Петросян", None)),
        ("Narek", "english please", ("Narek", None)),
        ("Narek", "zh-hans", ("Narek", "zh-hans")),
        ("Narek", "", ("Narek", None)),
    ],
)
def test_names_and_language_codes_from_telegram_are_cleaned_before_storing(
    tmp_store: Store, service: LetterService, name: str, language: str, stored: tuple
) -> None:
    """The client sends these unchecked; PostgreSQL text cannot hold NUL at all."""
    person = Person(telegram_id=1003, display_name=name, language=language)
    tmp_store.call(service.welcome, person)
    with tmp_store.transaction() as repo:
        supporter = repo.supporter(person.telegram_id)
        assert (supporter.display_name, supporter.language) == stored


def test_a_name_first_seen_outside_the_welcome_is_cleaned_too(
    tmp_store: Store, service: LetterService
) -> None:
    person = Person(telegram_id=1004, display_name="Ani\x00\x00Hakobyan")
    tmp_store.call(service.start_letter, person)
    with tmp_store.transaction() as repo:
        assert repo.supporter(person.telegram_id).display_name == "Ani Hakobyan"


def test_a_long_name_cut_to_fit_ends_without_a_space(
    tmp_store: Store, service: LetterService
) -> None:
    first = "A" * (flow.MAX_NAME_LENGTH - 1)
    person = Person(telegram_id=1005, display_name=f"{first} Hakobyan")
    assert tmp_store.call(service.welcome, person).name == first


# The whole conversation


def test_full_conversation(tmp_store: Store, service: LetterService, campaign: Campaign) -> None:
    tmp_store.call(service.welcome, ANI)
    outcome = tmp_store.call(service.start_letter, ANI)
    assert outcome.kind == "prompt"
    assert outcome.prompt.step is Step.TARGETS
    assert outcome.draft_id is not None
    steps = []
    answers = 0
    while outcome.kind == "prompt":
        steps.append((outcome.prompt.step, outcome.prompt.number, outcome.prompt.total))
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = tmp_store.call(service.receive_text, ANI, "91205")
        elif step is Step.STORY:
            outcome = tmp_store.call(service.receive_text, ANI, STORY)
        else:
            outcome = answer(tmp_store, service, outcome, Confirm())
        answers += 1
    assert answers <= 6
    assert [s[0] for s in steps] == [Step.TARGETS, Step.NAME, Step.PLACE, Step.STORY]  # demands
    assert [(s[1], s[2]) for s in steps] == [(i, 4) for i in range(1, 5)]  # with the targets

    assert outcome.kind == "letters"
    assert [(v.number, v.total) for v in outcome.letters] == [(1, 2), (2, 2)]
    for view, target in zip(outcome.letters, campaign.targets, strict=True):
        assert view.target == target
        assert view.body.startswith(f"{target.salutation}:\n")
        assert STORY in view.body
        assert view.body.endswith("Ani Hakobyan\nGlendale, CA 91205")
        assert not view.sent
        assert not view.edited
        assert 0 < view.score < 1
    assert outcome.letters[0].body != outcome.letters[1].body

    # The draft is done; the answers are remembered for next time.
    assert tmp_store.call(service.current, ANI).kind == "no_draft"
    with tmp_store.transaction() as repo:
        supporter = repo.supporter(ANI.telegram_id)
        assert (supporter.signing_name, supporter.city, supporter.state, supporter.zip) == (
            "Ani Hakobyan",
            "Glendale",
            "CA",
            "91205",
        )
        assert repo.letter_counts(supporter.id) == (2, 0)
        letters = repo.session.exec(select(Letter)).all()
        assert {row.demands for row in letters} == {"sanctions,aid,corridor"}


def test_returning_supporter_is_not_asked_name_and_place(
    tmp_store: Store, service: LetterService
) -> None:
    write_letters(tmp_store, service)
    outcome = tmp_store.call(service.start_letter, ANI)
    seen = []
    while outcome.kind == "prompt":
        seen.append((outcome.prompt.step, outcome.prompt.number, outcome.prompt.total))
        if outcome.prompt.step is Step.STORY:
            outcome = tmp_store.call(service.answer, ANI, Skip())
        else:
            outcome = answer(tmp_store, service, outcome, Confirm())
    assert seen == [(Step.TARGETS, 1, 2), (Step.STORY, 2, 2)]  # the demands with the targets
    assert outcome.kind == "letters"
    assert all(v.body.endswith("Ani Hakobyan\nGlendale, CA") for v in outcome.letters)
    assert all(v.score == 0.0 for v in outcome.letters)


def test_only_chosen_targets_and_demands_get_letters(
    tmp_store: Store, service: LetterService
) -> None:
    outcome = tmp_store.call(service.start_letter, ANI)
    outcome = answer(tmp_store, service, outcome, Toggle("president"))
    outcome = answer(tmp_store, service, outcome, Toggle("aid", Step.DEMANDS))  # same screen
    outcome = answer(tmp_store, service, outcome, Confirm())
    outcome = answer(tmp_store, service, outcome, Confirm())  # the suggested name
    outcome = tmp_store.call(service.answer, ANI, Skip())
    outcome = tmp_store.call(service.receive_text, ANI, STORY)
    assert outcome.kind == "letters"
    (view,) = outcome.letters
    assert view.target.id == "secstate"
    assert letter_row(tmp_store, view.id).demands == "sanctions,corridor"
    aid = next(d for d in service.campaign.demands if d.id == "aid")
    assert asks_in(view.body, aid.asks["executive"].ask) == []
    assert asks_in(view.body, asks(service.campaign, "executive"))  # the others are asked


# Letters to the supporter's own members of Congress (the small officials directory)


def write_congress_letters(
    store: Store,
    service: LetterService,
    places: list[str],
    story: str | None = STORY,
    person: Person = ANI,
) -> tuple[Outcome, list[tuple[Step, int, int]]]:
    """Accept every suggestion, answer the place questions (PLACE, then ZIP) from `places` in
    order, and tell `story` (None: skip it). Returns the letters and the steps seen."""
    to_say = list(places)
    outcome = store.call(service.start_letter, person)
    seen = []
    while outcome.kind == "prompt":
        prompt = outcome.prompt
        seen.append((prompt.step, prompt.number, prompt.total))
        if prompt.step in (Step.PLACE, Step.ZIP):
            outcome = store.call(service.receive_text, person, to_say.pop(0))
        elif prompt.step is Step.STORY and story is not None:
            outcome = store.call(service.receive_text, person, story)
        elif prompt.step is Step.STORY:
            outcome = store.call(service.answer, person, Skip())
        else:
            outcome = answer(store, service, outcome, Confirm(), person)
    assert outcome.kind == "letters", outcome
    assert to_say == [], f"not asked: {to_say}"
    return outcome, seen


def draft_to_place(store: Store, service: LetterService, person: Person = ANI) -> Outcome:
    outcome = store.call(service.start_letter, person)
    while outcome.prompt.step is not Step.PLACE:
        outcome = answer(store, service, outcome, Confirm(), person)
    return outcome


def by_target(outcome: Outcome) -> dict[str, LetterView]:
    return {view.target.id: view for view in outcome.letters}


VERMONT_LETTERS = ["president", "secstate", "a000001", "b000002", "c000003"]


def test_a_full_address_reaches_the_senators_and_the_representative(
    congress_store: Store, service: LetterService
) -> None:
    outcome, seen = write_congress_letters(
        congress_store, service, ["12 Elm St, White River Junction, VT 05001"]
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
    with congress_store.transaction() as repo:
        supporter = repo.supporter(ANI.telegram_id)
        assert (supporter.city, supporter.state, supporter.zip, supporter.district) == (
            "White River Junction",
            "VT",
            "05001",
            0,
        )


def test_a_town_without_zip_is_asked_for_the_zip_and_then_reaches_the_representative(
    congress_store: Store, service: LetterService
) -> None:
    outcome = draft_to_place(congress_store, service)
    asked = congress_store.call(service.receive_text, ANI, "Burlington, VT")
    assert asked.kind == "prompt"
    assert asked.prompt.step is Step.ZIP
    assert (asked.prompt.default, asked.prompt.skippable) == ("Burlington, Vermont", True)
    assert (asked.prompt.number, asked.prompt.total) == (4, 5)
    assert asked.revision == outcome.revision + 1
    # The draft is stored with the question: a restart resumes at the ZIP.
    assert congress_store.call(service.current, ANI).prompt.step is Step.ZIP

    done = congress_store.call(service.receive_text, ANI, "05001")
    assert done.kind == "prompt"
    assert (done.prompt.step, done.prompt.number, done.prompt.total) == (Step.STORY, 5, 5)
    assert done.draft.place == Place(city="Burlington", state="VT", zip="05001")
    assert done.draft.district == flow.District("VT", 0, done.draft.districts[0].label)
    letters = congress_store.call(service.receive_text, ANI, STORY)
    assert list(by_target(letters)) == VERMONT_LETTERS
    assert letters.unreached == ()


def test_skipping_the_zip_writes_to_the_senators_only(
    congress_store: Store, service: LetterService
) -> None:
    draft_to_place(congress_store, service)
    congress_store.call(service.receive_text, ANI, "Burlington, VT")
    congress_store.call(service.answer, ANI, Skip())
    letters = congress_store.call(service.receive_text, ANI, STORY)
    assert list(by_target(letters)) == ["president", "secstate", "a000001", "b000002"]
    assert letters.unreached == (("Your representative", "no_district"),)


def test_a_split_zip_given_at_the_zip_step_asks_for_the_district(
    congress_store: Store, service: LetterService
) -> None:
    draft_to_place(congress_store, service)
    congress_store.call(service.receive_text, ANI, "Mesa, AZ")
    district = congress_store.call(service.receive_text, ANI, "85215")
    assert district.prompt.step is Step.DISTRICT
    assert [c.id for c in district.prompt.choices] == ["AZ-1", "AZ-4", "AZ-5"]
    story = answer(congress_store, service, district, Toggle("AZ-5"))
    assert story.prompt.step is Step.STORY
    letters = congress_store.call(service.receive_text, ANI, STORY)
    assert {"h000008", "i000009", "j000010"} <= set(by_target(letters))


def test_a_zip_from_another_state_wins_and_the_supporter_is_told(
    congress_store: Store, service: LetterService
) -> None:
    draft_to_place(congress_store, service)
    congress_store.call(service.receive_text, ANI, "Springfield, IL")
    told = congress_store.call(service.receive_text, ANI, "05001")
    assert told.prompt.step is Step.STORY
    assert told.draft.notice == flow.Notice(
        "zip_state", {"typed": "IL", "used": "VT", "zip": "05001"}
    )
    assert congress_store.call(service.current, ANI).draft.notice == told.draft.notice
    letters = congress_store.call(service.receive_text, ANI, STORY)
    assert letters.draft.notice is None
    assert list(by_target(letters)) == VERMONT_LETTERS  # Vermont's members, not Illinois'


@pytest.mark.parametrize(
    "places",
    [["White River Junction, VT 05001"], ["Burlington, VT", "05001"], ["VT", "05001"]],
)
def test_a_letter_to_a_member_opens_as_a_constituent_and_signs_with_the_zip(
    congress_store: Store, service: LetterService, places: list[str]
) -> None:
    outcome, _ = write_congress_letters(congress_store, service, places)
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
    congress_store: Store, service: LetterService
) -> None:
    executive, congress = asks(service.campaign, "executive"), asks(service.campaign, "congress")
    outcome, _ = write_congress_letters(congress_store, service, ["05001"])
    bodies: dict[str, list[str]] = {}
    for view in outcome.letters:
        bodies[view.target.id] = [view.body]
        for _ in range(3):  # other wordings and variants too
            bodies[view.target.id].append(congress_store.call(service.reword, ANI, view.id).body)
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
    congress_store: Store, service: LetterService
) -> None:
    plain, _ = write_congress_letters(congress_store, service, ["05001"], story=None)
    assert len(plain.letters) == 5
    assert all(view.score == 0.0 for view in plain.letters)
    personal, _ = write_congress_letters(congress_store, service, ["05001"], person=ARA)
    assert len(personal.letters) == 5
    assert all(0 < view.score < 1 for view in personal.letters)


# Stale and invalid answers


def test_stale_button_changes_nothing(tmp_store: Store, service: LetterService) -> None:
    shown = tmp_store.call(service.start_letter, ANI)
    toggled = answer(tmp_store, service, shown, Toggle("president"))
    assert toggled.kind == "prompt"
    assert toggled.revision == shown.revision + 1
    # A second tap on the keyboard that was shown before the first one landed.
    stale = answer(tmp_store, service, shown, Confirm())
    assert stale.kind == "stale"
    assert stale.prompt.step is Step.TARGETS
    assert stale.revision == toggled.revision
    assert stale.draft.targets == ("secstate",)
    wrong_draft = tmp_store.call(
        service.answer, ANI, Confirm(), (toggled.draft_id or 0) + 1, toggled.revision
    )
    assert wrong_draft.kind == "stale"
    with tmp_store.transaction() as repo:
        row = repo.draft(toggled.draft_id)
        assert row.revision == toggled.revision
        assert row.state["targets"] == ["secstate"]
        assert Step.TARGETS not in row.state["answered"]


def test_invalid_answer_is_explained_and_changes_nothing(
    tmp_store: Store, service: LetterService
) -> None:
    shown = draft_to_story(tmp_store, service)
    outcome = tmp_store.call(service.receive_text, ANI, "x" * 1201)
    assert outcome.kind == "invalid"
    assert outcome.error.reason == "too_long"
    assert outcome.error.details == {"length": 1201, "limit": 1200}
    assert outcome.prompt.step is Step.STORY
    assert outcome.revision == shown.revision
    outcome = tmp_store.call(service.answer, ANI, flow.NonText())
    assert (outcome.kind, outcome.error.reason) == ("invalid", "not_text")


def test_no_draft(tmp_store: Store, service: LetterService) -> None:
    assert tmp_store.call(service.answer, ANI, Confirm()).kind == "no_draft"
    assert tmp_store.call(service.receive_text, ANI, "hello").kind == "no_draft"
    assert tmp_store.call(service.current, ANI).kind == "no_draft"
    tmp_store.call(service.welcome, ANI)
    assert tmp_store.call(service.receive_text, ANI, "hello").kind == "no_draft"


def test_starting_again_replaces_the_unfinished_draft(
    tmp_store: Store, service: LetterService
) -> None:
    first = draft_to_story(tmp_store, service)
    second = tmp_store.call(service.start_letter, ANI)
    assert second.draft_id != first.draft_id
    assert second.prompt.step is Step.TARGETS
    assert answer(tmp_store, service, first, Skip()).kind == "stale"
    with tmp_store.transaction() as repo:
        assert repo.draft(first.draft_id).status == "cancelled"


# Sending, rewording, editing


def test_double_sent_counts_once(tmp_store: Store, service: LetterService) -> None:
    letter_id = write_letters(tmp_store, service).letters[0].id
    view, recorded = tmp_store.call(service.mark_sent, ANI, letter_id)
    assert (view.sent, recorded) == (True, True)
    sent_at = letter_row(tmp_store, letter_id).sent_at
    view, recorded = tmp_store.call(service.mark_sent, ANI, letter_id)
    assert (view.sent, recorded) == (True, False)
    assert letter_row(tmp_store, letter_id).sent_at == sent_at
    assert view.number == 1
    assert view.total == 2
    with tmp_store.transaction() as repo:
        assert repo.letter_counts(repo.supporter(ANI.telegram_id).id) == (2, 1)


def test_someone_elses_letter_is_out_of_reach(tmp_store: Store, service: LetterService) -> None:
    letter_id = write_letters(tmp_store, service).letters[0].id
    tmp_store.call(service.welcome, ARA)
    assert tmp_store.call(service.mark_sent, ARA, letter_id) == (None, False)
    assert tmp_store.call(service.reword, ARA, letter_id) is None
    assert tmp_store.call(service.begin_edit, ARA, letter_id) is None
    assert tmp_store.call(service.letter, ARA, letter_id) is None
    assert letter_row(tmp_store, letter_id).sent_at is None


def test_reword_changes_text_and_variant(tmp_store: Store, service: LetterService) -> None:
    original = write_letters(tmp_store, service).letters[0]
    before = letter_row(tmp_store, original.id)
    view = tmp_store.call(service.reword, ANI, original.id)
    after = letter_row(tmp_store, original.id)
    assert view.body != original.body
    assert view.body == after.body
    assert after.variant != before.variant
    assert (before.wording, after.wording) == (0, 1)
    assert STORY in view.body
    again = tmp_store.call(service.reword, ANI, original.id)
    assert letter_row(tmp_store, original.id).variant not in {before.variant, after.variant}
    assert again.body not in {original.body, view.body}


def test_edit_replaces_the_body_and_raises_the_score(
    tmp_store: Store, service: LetterService
) -> None:
    original = write_letters(tmp_store, service).letters[1]
    assert tmp_store.call(service.begin_edit, ANI, original.id).id == original.id
    too_short = tmp_store.call(service.receive_text, ANI, "Too short.")
    assert (too_short.kind, too_short.error.reason) == ("invalid", "letter_too_short")
    assert letter_row(tmp_store, original.id).body == original.body  # still editing
    addition = "\n\nI also met my senator's staff last week, and I will keep writing."
    edited = tmp_store.call(service.receive_text, ANI, original.body + addition)
    assert edited.kind == "edited"
    (view,) = edited.letters
    assert view.body == original.body + addition
    assert view.edited
    assert view.score > original.score
    row = letter_row(tmp_store, original.id)
    assert (row.body, row.edited, row.score) == (view.body, True, view.score)
    # Editing is over: the next text goes to the (finished) draft again.
    assert tmp_store.call(service.receive_text, ANI, "hello").kind == "no_draft"

    # Deleting the story in a second edit lowers the score: only the added words are theirs.
    tmp_store.call(service.begin_edit, ANI, original.id)
    without_story = view.body.replace(STORY, "").replace("\n\n\n\n", "\n\n")
    (again,) = tmp_store.call(service.receive_text, ANI, without_story).letters
    assert STORY not in again.body
    assert 0 < again.score < view.score


def test_reordering_the_paragraphs_is_not_personalizing(
    tmp_store: Store, service: LetterService
) -> None:
    draft_to_story(tmp_store, service)
    (original, _) = tmp_store.call(service.answer, ANI, Skip()).letters  # no story
    assert original.score == 0.0
    first, *middle, last = paragraphs(original.body)  # salutation ... signature
    assert len(middle) >= 3
    shuffled = "\n\n".join([first, *reversed(middle), last])
    assert shuffled != original.body
    tmp_store.call(service.begin_edit, ANI, original.id)
    (view,) = tmp_store.call(service.receive_text, ANI, shuffled).letters
    assert (view.body, view.edited) == (shuffled, True)
    assert view.score < 0.05


# Cancel and forget


def test_cancel(tmp_store: Store, service: LetterService) -> None:
    assert tmp_store.call(service.cancel, ANI) == "nothing"  # unknown supporter
    draft_to_story(tmp_store, service)
    assert tmp_store.call(service.cancel, ANI) == "draft"
    assert tmp_store.call(service.current, ANI).kind == "no_draft"
    assert tmp_store.call(service.cancel, ANI) == "nothing"


def test_cancel_leaves_edit_mode(tmp_store: Store, service: LetterService) -> None:
    letter = write_letters(tmp_store, service).letters[0]
    tmp_store.call(service.begin_edit, ANI, letter.id)
    assert tmp_store.call(service.cancel, ANI) == "edit"
    replacement = "A whole new letter that is long enough to count."
    assert tmp_store.call(service.receive_text, ANI, replacement).kind == "no_draft"
    assert letter_row(tmp_store, letter.id).body == letter.body


def test_a_text_waiting_for_a_street_is_the_kits_and_cancel_stops_it(
    tmp_store: Store, service: LetterService
) -> None:
    letter = write_letters(tmp_store, service).letters[0]
    wanted = tmp_store.call(KitService(service).request, ANI, letter.id)
    assert isinstance(wanted, StreetWanted) and wanted.letter.id == letter.id
    # The front end hands the text to the kit's question (bot.kits), not to a draft.
    assert tmp_store.call(service.receive_text, ANI, "12 Elm Street") == Outcome("street")
    assert tmp_store.call(service.cancel, ANI) == "street"
    assert tmp_store.call(service.receive_text, ANI, "12 Elm Street").kind == "no_draft"
    assert tmp_store.call(service.cancel, ANI) == "nothing"


def test_forget(tmp_store: Store, service: LetterService) -> None:
    letters = write_letters(tmp_store, service).letters
    tmp_store.call(service.mark_sent, ANI, letters[0].id)
    draft_to_story(tmp_store, service)  # an unfinished draft too
    write_letters(tmp_store, service, ARA)
    assert tmp_store.call(service.forget, ANI) is True
    assert tmp_store.call(service.forget, ANI) is False
    with tmp_store.transaction() as repo:
        assert repo.supporter(ANI.telegram_id) is None
        assert repo.supporter(ARA.telegram_id) is not None
        supporter_ids = {d.supporter_id for d in repo.session.exec(select(Draft)).all()}
        assert supporter_ids == {repo.supporter(ARA.telegram_id).id}
        rows = repo.session.exec(select(Letter)).all()
        assert len(rows) == 4
        anonymous = [row for row in rows if row.supporter_id is None]
        assert len(anonymous) == 2
        assert all(row.body == "" for row in anonymous)
        assert sum(row.sent_at is not None for row in anonymous) == 1
        assert all(STORY not in row.body for row in anonymous)
    assert tmp_store.call(service.letter, ANI, letters[0].id) is None
    assert tmp_store.call(service.welcome, ANI).is_new


# Restart and async


def test_restart_mid_conversation(database_url: str, campaign: Campaign) -> None:
    url = database_url
    before = Store.from_url(url)
    try:
        shown = draft_to_story(before, LetterService(campaign))
    finally:
        before.close()

    after = Store.from_url(url)  # a new process: new engine, new service, same file
    try:
        service = LetterService(campaign)
        current = after.call(service.current, ANI)
        assert current.kind == "prompt"
        assert current.prompt.step is Step.STORY
        assert (current.draft_id, current.revision) == (shown.draft_id, shown.revision)
        assert current.draft == shown.draft
        done = answer(after, service, current, flow.Reply(STORY))
        assert done.kind == "letters"
        assert len(done.letters) == 2
        assert all(STORY in v.body for v in done.letters)
    finally:
        after.close()


async def test_store_run_from_async_code(tmp_store: Store, service: LetterService) -> None:
    outcome = await tmp_store.run(service.start_letter, ANI)
    while outcome.kind == "prompt":
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = await tmp_store.run(service.receive_text, ANI, "Yerevan, Armenia")
        elif step is Step.STORY:
            outcome = await tmp_store.run(service.receive_text, ANI, STORY)
        else:
            outcome = await tmp_store.run(
                service.answer, ANI, Confirm(), outcome.draft_id, outcome.revision
            )
    assert outcome.kind == "letters"
    assert all(v.body.endswith("Ani Hakobyan\nYerevan, Armenia") for v in outcome.letters)
    view, recorded = await tmp_store.run(service.mark_sent, ANI, outcome.letters[0].id)
    assert recorded
    assert view.sent


# The second campaign, through the same service


def test_library_campaign_through_the_service(tmp_store: Store, library_campaign: Campaign) -> None:
    service = LetterService(library_campaign)
    outcome = write_letters(tmp_store, service)
    assert [v.target.id for v in outcome.letters] == ["mayor", "council"]
    mayor, council = outcome.letters
    assert mayor.body.startswith("Dear Mayor Testwell,")
    assert council.body.startswith("Dear Members of the Council,")
    assert "fund the two librarian positions" in council.body
    assert "opening hours" not in council.body
    for view in outcome.letters:
        assert STORY in view.body
        for word in BUNDLED_ONLY_WORDS:
            assert word not in view.body
    variants = {letter_row(tmp_store, v.id).variant for v in outcome.letters}
    assert variants <= {"letters/civic/a-neighbor.txt.j2", "letters/civic/b-budget.txt.j2"}
    reworded = tmp_store.call(service.reword, ANI, mayor.id)
    assert letter_row(tmp_store, mayor.id).variant.startswith("letters/civic/")
    assert reworded.body != mayor.body


def test_single_target_campaign_through_the_service(tmp_store: Store, make_campaign) -> None:
    service = LetterService(make_campaign(demands=("alpha",), targets={"solo": ["alpha"]}))
    outcome = tmp_store.call(service.start_letter, ANI)
    assert (outcome.prompt.step, outcome.prompt.number, outcome.prompt.total) == (Step.NAME, 1, 3)
    outcome = answer(tmp_store, service, outcome, Confirm())
    outcome = tmp_store.call(service.receive_text, ANI, "Gyumri, Armenia")
    outcome = tmp_store.call(service.receive_text, ANI, STORY)
    assert outcome.kind == "letters"
    (view,) = outcome.letters
    assert view.body.startswith("Dear Head of solo:")
    assert "rant demand alpha" in view.body  # "grant" or "Grant", by variant
    with tmp_store.transaction() as repo:
        assert repo.session.exec(select(Supporter)).one().region == "Armenia"


# Texts Telegram split into several messages


def test_the_tail_of_a_split_text_never_passes_for_an_answer(
    tmp_store: Store, service: LetterService
) -> None:
    draft_to_story(tmp_store, service)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = tmp_store.call(service.receive_text, ANI, "x" * 4096, start)
    assert first.kind == "invalid" and first.error.reason == "too_long"
    tail = tmp_store.call(service.receive_text, ANI, "y" * 904, start + timedelta(seconds=1))
    assert tail.kind == "invalid" and tail.error.reason == "split_tail"
    later = start + timedelta(seconds=2)
    story = tmp_store.call(service.receive_text, ANI, "My own shorter story.", later)
    assert story.kind == "letters"


def test_a_text_long_after_a_too_long_one_is_a_normal_answer(
    tmp_store: Store, service: LetterService
) -> None:
    draft_to_story(tmp_store, service)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    tmp_store.call(service.receive_text, ANI, "x" * 4096, start)
    later = start + timedelta(minutes=2)
    story = tmp_store.call(service.receive_text, ANI, "My own shorter story.", later)
    assert story.kind == "letters"


def test_a_split_edit_is_refused_whole(tmp_store: Store, service: LetterService) -> None:
    letter = write_letters(tmp_store, service).letters[0]
    tmp_store.call(service.begin_edit, ANI, letter.id)
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    first = tmp_store.call(service.receive_text, ANI, "Dear Sir, " + "x" * 4086, start)
    assert first.kind == "invalid" and first.error.reason == "too_long"
    tail = tmp_store.call(service.receive_text, ANI, "y" * 900 + " Sincerely", start)
    assert tail.kind == "invalid" and tail.error.reason == "split_tail"
    assert tail.letters and tail.letters[0].id == letter.id  # still editing that letter
    assert letter_row(tmp_store, letter.id).body == letter.body
