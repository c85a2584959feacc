"""Drafting through a real store: whole conversations, stale and invalid answers, /cancel,
restarts, and other campaigns."""

from __future__ import annotations

from sqlmodel import select

from bot import flow
from bot.campaign import Campaign
from bot.flow import Confirm, Skip, Step, Toggle
from bot.store import Letter, Store, Supporter
from bot.supporters.drafting import Drafting
from bot.supporters.outcomes import LettersWritten, NoDraft, Prompted, Refused
from bot.supporters.profile import welcome
from tests.support import BUNDLED_ONLY_WORDS
from tests.supporters.drive import (
    ANI,
    STORY,
    answer,
    asks,
    asks_in,
    draft_to_story,
    drafting_for,
    letter_row,
    reply_text,
    stored,
    write_letters,
)


def test_full_conversation(tmp_store: Store, drafting: Drafting, campaign: Campaign) -> None:
    tmp_store.call(welcome, ANI)
    outcome = tmp_store.call(drafting.start_letter, ANI)
    assert isinstance(outcome, Prompted)
    assert outcome.prompt.step is Step.TARGETS
    assert outcome.draft_id is not None
    steps = []
    answers = 0
    while isinstance(outcome, Prompted):
        steps.append((outcome.prompt.step, outcome.prompt.number, outcome.prompt.total))
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = tmp_store.call(reply_text, drafting, ANI, "91205")
        elif step is Step.STORY:
            outcome = tmp_store.call(reply_text, drafting, ANI, STORY)
        else:
            outcome = answer(tmp_store, drafting, outcome, Confirm())
        answers += 1
    assert answers <= 6
    assert [s[0] for s in steps] == [Step.TARGETS, Step.NAME, Step.PLACE, Step.STORY]  # demands
    assert [(s[1], s[2]) for s in steps] == [(i, 4) for i in range(1, 5)]  # with the targets

    assert isinstance(outcome, LettersWritten)
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
    assert isinstance(tmp_store.call(drafting.current, ANI), NoDraft)
    remembered = stored(tmp_store, ANI, "signing_name", "city", "state", "zip")
    assert remembered == ("Ani Hakobyan", "Glendale", "CA", "91205")
    with tmp_store.transaction() as repo:
        assert repo.letter_counts(repo.supporter(ANI.id).id, campaign.id) == (2, 0)
        letters = repo.session.exec(select(Letter)).all()
        assert {row.demands for row in letters} == {"sanctions,aid,corridor"}


def test_returning_supporter_is_not_asked_name_and_place(
    tmp_store: Store, drafting: Drafting
) -> None:
    write_letters(tmp_store, drafting)
    outcome = tmp_store.call(drafting.start_letter, ANI)
    seen = []
    while isinstance(outcome, Prompted):
        seen.append((outcome.prompt.step, outcome.prompt.number, outcome.prompt.total))
        if outcome.prompt.step is Step.STORY:
            outcome = tmp_store.call(drafting.answer, ANI, Skip())
        else:
            outcome = answer(tmp_store, drafting, outcome, Confirm())
    assert seen == [(Step.TARGETS, 1, 2), (Step.STORY, 2, 2)]  # the demands with the targets
    assert isinstance(outcome, LettersWritten)
    assert all(v.body.endswith("Ani Hakobyan\nGlendale, CA") for v in outcome.letters)
    assert all(v.score == 0.0 for v in outcome.letters)


def test_only_chosen_targets_and_demands_get_letters(tmp_store: Store, drafting: Drafting) -> None:
    outcome = tmp_store.call(drafting.start_letter, ANI)
    outcome = answer(tmp_store, drafting, outcome, Toggle("president"))
    outcome = answer(tmp_store, drafting, outcome, Toggle("aid", Step.DEMANDS))  # same screen
    outcome = answer(tmp_store, drafting, outcome, Confirm())
    outcome = answer(tmp_store, drafting, outcome, Confirm())  # the suggested name
    outcome = tmp_store.call(drafting.answer, ANI, Skip())
    outcome = tmp_store.call(reply_text, drafting, ANI, STORY)
    assert isinstance(outcome, LettersWritten)
    (view,) = outcome.letters
    assert view.target.id == "secstate"
    assert letter_row(tmp_store, view.id).demands == "sanctions,corridor"
    aid = next(d for d in drafting.campaign.demands if d.id == "aid")
    assert asks_in(view.body, aid.asks["executive"].ask) == []
    assert asks_in(view.body, asks(drafting.campaign, "executive"))  # the others are asked


def test_stale_button_changes_nothing(tmp_store: Store, drafting: Drafting) -> None:
    shown = tmp_store.call(drafting.start_letter, ANI)
    toggled = answer(tmp_store, drafting, shown, Toggle("president"))
    assert isinstance(toggled, Prompted)
    assert toggled.revision == shown.revision + 1
    # A second tap on the keyboard that was shown before the first one landed.
    stale = answer(tmp_store, drafting, shown, Confirm())
    assert isinstance(stale, Prompted) and stale.stale
    assert stale.prompt.step is Step.TARGETS
    assert stale.revision == toggled.revision
    assert stale.draft.targets == ("secstate",)
    wrong_draft = tmp_store.call(
        drafting.answer, ANI, Confirm(), (toggled.draft_id or 0) + 1, toggled.revision
    )
    assert isinstance(wrong_draft, Prompted) and wrong_draft.stale
    with tmp_store.transaction() as repo:
        row = repo.draft(toggled.draft_id)
        assert row.revision == toggled.revision
        assert row.state["targets"] == ["secstate"]
        assert Step.TARGETS not in row.state["answered"]


def test_invalid_answer_is_explained_and_changes_nothing(
    tmp_store: Store, drafting: Drafting
) -> None:
    shown = draft_to_story(tmp_store, drafting)
    outcome = tmp_store.call(reply_text, drafting, ANI, "x" * 1201)
    assert isinstance(outcome, Refused)
    assert outcome.error.reason == "too_long"
    assert outcome.error.details == {"length": 1201, "limit": 1200}
    assert outcome.asked is not None and outcome.asked.prompt.step is Step.STORY
    assert outcome.asked.revision == shown.revision
    outcome = tmp_store.call(drafting.answer, ANI, flow.NonText())
    assert isinstance(outcome, Refused) and outcome.error.reason == "not_text"


def test_no_draft(tmp_store: Store, drafting: Drafting) -> None:
    assert isinstance(tmp_store.call(drafting.answer, ANI, Confirm()), NoDraft)
    assert isinstance(tmp_store.call(reply_text, drafting, ANI, "hello"), NoDraft)
    assert isinstance(tmp_store.call(drafting.current, ANI), NoDraft)
    tmp_store.call(welcome, ANI)
    assert isinstance(tmp_store.call(reply_text, drafting, ANI, "hello"), NoDraft)


def test_starting_again_replaces_the_unfinished_draft(tmp_store: Store, drafting: Drafting) -> None:
    first = draft_to_story(tmp_store, drafting)
    second = tmp_store.call(drafting.start_letter, ANI)
    assert second.draft_id != first.draft_id
    assert second.prompt.step is Step.TARGETS
    stale = answer(tmp_store, drafting, first, Skip())
    assert isinstance(stale, Prompted) and stale.stale
    with tmp_store.transaction() as repo:
        assert repo.draft(first.draft_id).status == "cancelled"


def test_cancel(tmp_store: Store, drafting: Drafting) -> None:
    assert tmp_store.call(drafting.cancel, ANI) == "nothing"  # unknown supporter
    draft_to_story(tmp_store, drafting)
    assert tmp_store.call(drafting.cancel, ANI) == "draft"
    assert isinstance(tmp_store.call(drafting.current, ANI), NoDraft)
    assert tmp_store.call(drafting.cancel, ANI) == "nothing"


def test_restart_mid_conversation(database_url: str, campaign: Campaign) -> None:
    url = database_url
    before = Store.from_url(url)
    try:
        shown = draft_to_story(before, drafting_for(campaign))
    finally:
        before.close()

    after = Store.from_url(url)  # a new process: new engine, new drafting, same file
    try:
        drafting = drafting_for(campaign)
        current = after.call(drafting.current, ANI)
        assert isinstance(current, Prompted)
        assert current.prompt.step is Step.STORY
        assert (current.draft_id, current.revision) == (shown.draft_id, shown.revision)
        assert current.draft == shown.draft
        done = answer(after, drafting, current, flow.Reply(STORY))
        assert isinstance(done, LettersWritten)
        assert len(done.letters) == 2
        assert all(STORY in v.body for v in done.letters)
    finally:
        after.close()


async def test_store_run_from_async_code(tmp_store: Store, drafting: Drafting) -> None:
    outcome = await tmp_store.run(drafting.start_letter, ANI)
    while isinstance(outcome, Prompted):
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = await tmp_store.run(reply_text, drafting, ANI, "Yerevan, Armenia")
        elif step is Step.STORY:
            outcome = await tmp_store.run(reply_text, drafting, ANI, STORY)
        else:
            outcome = await tmp_store.run(
                drafting.answer, ANI, Confirm(), outcome.draft_id, outcome.revision
            )
    assert isinstance(outcome, LettersWritten)
    assert all(v.body.endswith("Ani Hakobyan\nYerevan, Armenia") for v in outcome.letters)
    view, recorded = await tmp_store.run(drafting.actions.mark_sent, ANI, outcome.letters[0].id)
    assert recorded
    assert view.sent


# The second campaign, through the same drafting


def test_library_campaign_through_the_service(tmp_store: Store, library_campaign: Campaign) -> None:
    drafting = drafting_for(library_campaign)
    outcome = write_letters(tmp_store, drafting)
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
    reworded = tmp_store.call(drafting.actions.reword, ANI, mayor.id)
    assert letter_row(tmp_store, mayor.id).variant.startswith("letters/civic/")
    assert reworded.body != mayor.body


def test_single_target_campaign_through_the_service(tmp_store: Store, make_campaign) -> None:
    drafting = drafting_for(make_campaign(demands=("alpha",), targets={"solo": ["alpha"]}))
    outcome = tmp_store.call(drafting.start_letter, ANI)
    assert (outcome.prompt.step, outcome.prompt.number, outcome.prompt.total) == (Step.NAME, 1, 3)
    outcome = answer(tmp_store, drafting, outcome, Confirm())
    outcome = tmp_store.call(reply_text, drafting, ANI, "Gyumri, Armenia")
    outcome = tmp_store.call(reply_text, drafting, ANI, STORY)
    assert isinstance(outcome, LettersWritten)
    (view,) = outcome.letters
    assert view.body.startswith("Dear Head of solo:")
    assert "rant demand alpha" in view.body  # "grant" or "Grant", by variant
    with tmp_store.transaction() as repo:
        assert repo.session.exec(select(Supporter)).one().region == "Armenia"
