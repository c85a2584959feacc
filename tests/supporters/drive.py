"""Driving the supporter use cases through a real store the way a front end does: supporters,
answers by button (with the draft's id and revision) or by text, and whole drafts."""

from __future__ import annotations

from bot import flow
from bot.campaign import Campaign
from bot.flow import Confirm, Skip, Step
from bot.store import Letter, Repo, Store
from bot.supporters.drafting import Drafting
from bot.supporters.kits import Kits
from bot.supporters.letter_actions import LetterActions
from bot.supporters.outcomes import LettersWritten, Outcome, Prompted
from bot.supporters.views import Person
from bot.supporters.writer import Writer

ANI = Person(id=1001, display_name="Ani Hakobyan", language="hy")
ARA = Person(id=1002, display_name="Ara")
STORY = "My grandparents fled in 1915.\n\nI write so that no family has to flee again."


def drafting_for(campaign: Campaign) -> Drafting:
    actions = LetterActions(Writer(campaign))
    return Drafting(actions.writer, actions, Kits(actions))


def reply_text(repo: Repo, drafting: Drafting, person: Person, text: str) -> Outcome:
    """A text message from `person`, as a front end hands it on."""
    return drafting.receive_text(repo, repo.conversation(person.id), text)


def answer(
    store: Store,
    drafting: Drafting,
    outcome: Prompted | LettersWritten,
    reply: flow.Answer,
    person: Person = ANI,
) -> Outcome:
    """Answer the way a button does: carrying the draft id and revision it was shown with."""
    return store.call(drafting.answer, person, reply, outcome.draft_id, outcome.revision)


def draft_to_story(
    store: Store, drafting: Drafting, person: Person = ANI, party_id: int | None = None
) -> Prompted:
    outcome = store.call(drafting.start_letter, person, party_id)
    assert isinstance(outcome, Prompted), outcome
    while outcome.prompt.step is not Step.STORY:
        step = outcome.prompt.step
        if step is Step.PLACE:
            outcome = store.call(reply_text, drafting, person, "Glendale, CA")
        elif step is Step.ZIP:
            outcome = store.call(drafting.answer, person, Skip())
        else:
            outcome = answer(store, drafting, outcome, Confirm(), person)
        assert isinstance(outcome, Prompted) and not outcome.stale, outcome
    return outcome


def write_letters(
    store: Store, drafting: Drafting, person: Person = ANI, party_id: int | None = None
) -> LettersWritten:
    draft_to_story(store, drafting, person, party_id)
    outcome = store.call(reply_text, drafting, person, STORY)
    assert isinstance(outcome, LettersWritten)
    return outcome


def letter_row(store: Store, letter_id: int) -> Letter:
    return store.call(lambda repo: repo.session.get(Letter, letter_id))


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


def asks(campaign: Campaign, kind: str) -> list[str]:
    """Every wording of every demand's ask to offices of `kind` ("executive", "congress")."""
    return [wording for d in campaign.demands if kind in d.asks for wording in d.asks[kind].ask]


def asks_in(body: str, wordings: list[str]) -> list[str]:
    """The wordings in a letter, whatever their first letter's case (lists capitalize them)."""
    text = body.casefold()
    return [w for w in wordings if w.casefold() in text]


def stored(store: Store, person: Person, *fields: str) -> tuple[object, ...]:
    """The supporter's row `fields`, as stored."""
    with store.transaction() as repo:
        supporter = repo.supporter(person.id)
        assert supporter is not None
        return tuple(getattr(supporter, name) for name in fields)
