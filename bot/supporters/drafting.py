"""Drafting a letter: start, answer the questions (by button or text), resume, cancel; the
finished draft becomes letters. A text goes to whatever the supporter is doing: the draft's
question, a letter's edit, or the kit's street question.

The text entry points take the supporter's `Conversation` (`repo.conversation(person.id)`),
read once per message by the front end, which may have its own use for it first."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from bot import flow
from bot.places import read_place
from bot.store import Conversation, Repo, Supporter
from bot.supporters.kits import Kits
from bot.supporters.letter_actions import LetterActions
from bot.supporters.outcomes import (
    KitReady,
    LetterGone,
    LettersWritten,
    NoDraft,
    Outcome,
    Prompted,
    Refused,
)
from bot.supporters.profile import district_of, enter_campaign, home_of, remember
from bot.supporters.views import Person
from bot.supporters.writer import Writer, row_id

# What /cancel stopped: a letter's edit, the kit's street question, the draft, or nothing.
Cancelled = Literal["edit", "street", "draft", "nothing"]


class Drafting:
    """The drafting conversation of one campaign's `Writer`."""

    def __init__(self, writer: Writer, actions: LetterActions, kits: Kits) -> None:
        self.writer = writer
        self.campaign = writer.campaign
        self.actions = actions
        self.kits = kits

    def start_letter(self, repo: Repo, person: Person, party_id: int | None = None) -> Outcome:
        """A new draft (replacing an unfinished one), at its first unanswered question; the
        campaign becomes the supporter's current one. `party_id`: written at a letter-writing
        party (its letters count there)."""
        supporter = enter_campaign(repo, person, self.campaign.id)
        supporter.editing_letter_id = None
        repo.touch(supporter)
        congress = bool(self.campaign.lookups) and self.writer.directory_date(repo) is not None
        districts = self.writer.districts(repo, supporter.zip) if congress and supporter.zip else ()
        state = flow.begin(self.campaign, _profile(supporter, person, districts, congress))
        row = repo.open_draft(row_id(supporter), self.campaign.id, state.to_dict(), party_id)
        conversation = Conversation(
            row_id(supporter), None, None, row_id(row), row.revision, row.state
        )
        return self._progress(repo, conversation, state)

    def current(self, repo: Repo, person: Person) -> Prompted | NoDraft:
        """The draft's current question, to resume it."""
        return self.question(repo.conversation(person.id))

    def question(self, conversation: Conversation | None) -> Prompted | NoDraft:
        """`current`, for a conversation already read."""
        return self._question(conversation)

    def answer(
        self,
        repo: Repo,
        person: Person,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        """Apply an answer. Buttons carry (draft_id, revision): an old button changes nothing."""
        return self._answer(repo, repo.conversation(person.id), answer, draft_id, revision)

    def answer_in(
        self,
        repo: Repo,
        conversation: Conversation | None,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        """`answer`, for a conversation already read."""
        return self._answer(repo, conversation, answer, draft_id, revision)

    def receive_text(self, repo: Repo, conversation: Conversation | None, text: str) -> Outcome:
        """Free text goes to a letter being edited, the kit's street question, or the draft."""
        if conversation is not None and conversation.editing_letter_id is not None:
            return self.actions.submit_edit(repo, conversation, text)
        if conversation is not None and conversation.addressing_letter_id is not None:
            return self._answer_street(repo, conversation, text)
        return self._answer(repo, conversation, flow.Reply(text))

    def receive_non_text(self, repo: Repo, conversation: Conversation | None) -> Outcome:
        """A sticker, photo or empty message: the current question (or the edit) wants text."""
        if conversation is not None and conversation.editing_letter_id is not None:
            return self.refuse(repo, conversation, flow.InvalidAnswer("not_text"))
        if conversation is not None and conversation.addressing_letter_id is not None:
            return Refused(flow.InvalidAnswer("not_text"))
        return self._answer(repo, conversation, flow.NonText())

    def refuse(self, repo: Repo, conversation: Conversation, error: flow.InvalidAnswer) -> Outcome:
        """An invalid answer to whatever the supporter is doing: an edit, or the draft."""
        if conversation.editing_letter_id is not None:
            return self.actions.refuse_edit(repo, conversation, error)
        return self._refused(conversation, error)

    def cancel(self, repo: Repo, person: Person) -> Cancelled:
        """Stop an edit if one is going on (the draft stays), else the street question, else
        the draft."""
        supporter = repo.supporter(person.id)
        if supporter is None:
            return "nothing"
        if supporter.editing_letter_id is not None:
            supporter.editing_letter_id = None
            repo.touch(supporter)
            return "edit"
        if supporter.addressing_letter_id is not None:
            supporter.addressing_letter_id = None
            repo.touch(supporter)
            return "street"
        return "draft" if repo.close_drafts(row_id(supporter), "cancelled") > 0 else "nothing"

    def _answer(
        self,
        repo: Repo,
        conversation: Conversation | None,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        if conversation is None or conversation.draft_id is None:
            return NoDraft()
        if draft_id is not None and (
            draft_id != conversation.draft_id or revision != conversation.revision
        ):
            return self._question(conversation, stale=True)
        state = flow.Draft.from_dict(conversation.state)
        if isinstance(answer, flow.Reply) and self._asks_place(state):
            answer = self._read_place(repo, answer.text)
        try:
            state = flow.apply(self.campaign, state, answer)
        except flow.InvalidAnswer as error:
            return self._refused(conversation, error)
        return self._progress(repo, conversation, state)

    def _answer_street(self, repo: Repo, conversation: Conversation, text: str) -> Outcome:
        supporter = repo.supporter_by_id(conversation.supporter_id)
        if supporter is None:
            return NoDraft()
        found = self.kits.answer_street(repo, supporter, text)
        if isinstance(found, flow.InvalidAnswer):
            return Refused(found, street=True)
        return KitReady(found) if found is not None else LetterGone()

    def _progress(self, repo: Repo, conversation: Conversation, state: flow.Draft) -> Outcome:
        draft_id = conversation.draft_id or 0
        ready = flow.is_ready(self.campaign, state)
        saved = repo.advance_draft(
            draft_id, conversation.revision, state.to_dict(), "done" if ready else "active"
        )
        if not saved:
            # Another update (a double tap, a second instance) moved this draft first.
            return self._question(repo.conversation_of(conversation.supporter_id), stale=True)
        moved = replace(conversation, revision=conversation.revision + 1, state=state.to_dict())
        if not ready:
            return self._question(moved, state)
        supporter = repo.supporter_by_id(conversation.supporter_id)
        if supporter is None:
            return NoDraft()
        remember(supporter, state)
        repo.touch(supporter)
        targets, unreached = self.writer.targets(repo, state)
        draft_row = repo.draft(draft_id)
        party_id = draft_row.party_id if draft_row else None
        letters = [
            self.writer.write_letter(repo, supporter, draft_id, state, routing, target, party_id)
            for routing, target in targets
        ]
        views = self.writer.views(repo, letters)
        return LettersWritten(
            state, draft_id, moved.revision, views, tuple(unreached), self.campaign.id
        )

    def _question(
        self,
        conversation: Conversation | None,
        state: flow.Draft | None = None,
        stale: bool = False,
    ) -> Prompted | NoDraft:
        """The draft's current question."""
        if conversation is None or conversation.draft_id is None:
            return NoDraft()
        if state is None:
            state = flow.Draft.from_dict(conversation.state)
        prompt = flow.next_prompt(self.campaign, state)
        if prompt is None:
            return NoDraft()
        return Prompted(
            prompt, state, conversation.draft_id, conversation.revision, stale, self.campaign.id
        )

    def _refused(
        self, conversation: Conversation | None, error: flow.InvalidAnswer
    ) -> Refused | NoDraft:
        """The draft's current question again, refusing the answer it got."""
        if conversation is None or conversation.draft_id is None:
            return NoDraft()
        asked = self._question(conversation)
        return Refused(error, asked if isinstance(asked, Prompted) else None)

    def _asks_place(self, state: flow.Draft) -> bool:
        return flow.current_step(self.campaign, state) in (flow.Step.PLACE, flow.Step.ZIP)

    def _read_place(self, repo: Repo, text: str) -> flow.Reply:
        """Read the place once, and look up its ZIP's districts when Congress is in play."""
        reading = read_place(flow.clean_line(text))
        zip5 = reading.place.zip if reading else None
        congress = bool(self.campaign.lookups)
        districts = self.writer.districts(repo, zip5) if congress and zip5 else ()
        return flow.Reply(text, reading, districts)


def _profile(
    supporter: Supporter,
    person: Person,
    districts: tuple[flow.District, ...] = (),
    congress: bool = True,
) -> flow.Profile:
    """What the draft may already know: the supporter's name, place and district."""
    return flow.Profile(
        display_name=supporter.display_name or person.display_name,
        signing_name=supporter.signing_name,
        place=home_of(supporter) if supporter.state or supporter.region else None,
        districts=districts,
        district_id=district_of(supporter),
        congress=congress,
    )
