"""Use cases: what happens when a supporter starts, answers, sends, rewords or edits a letter.

Each method takes a `Repo` first and runs inside one transaction (see `Store.run`); front ends
(Telegram, CLI, tests) translate their input into these calls and render the `Outcome`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

from bot import flow
from bot.campaign import Campaign, Demand, Target
from bot.engagement import REFERRAL_SOURCE, referrer_of
from bot.letters import LetterRenderer, LetterRequest, Signer, letter_seed
from bot.officials.lookup import member, representative, resolve_zip, senators
from bot.officials.targets import directory_date, member_target
from bot.places import Place, read_place
from bot.store import Conversation, Letter, Repo, Supporter
from bot.store import Draft as DraftRow
from bot.store.models import utcnow

# Telegram's apps cut a text longer than 4,096 characters into several messages sent back to
# back. A text this long is refused, and for a few seconds a following text is taken as its
# tail, so the end of a too-long story never passes for a whole answer.
LIKELY_SPLIT_LENGTH = 3500
SPLIT_TAIL_WINDOW = timedelta(seconds=10)
MAX_LETTER_LENGTH = 4000
DIRECTORY_RECHECK_SECONDS = 60.0
_SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Person:
    """Who is talking, as the front end knows them."""

    telegram_id: int
    display_name: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class LetterView:
    id: int
    target: Target
    body: str
    score: float
    sent: bool
    edited: bool
    number: int = 1
    total: int = 1


@dataclass(frozen=True)
class Kit:
    """What a supporter needs to send one letter: it, who signs it, and what it asks."""

    letter: LetterView
    signer: Signer
    demands: tuple[Demand, ...]
    written: date


CancelResult = Literal["edit", "street", "draft", "nothing"]
# "street": the text answers the printable kit's question for a street (see bot.kits).
OutcomeKind = Literal["prompt", "letters", "invalid", "stale", "no_draft", "edited", "street"]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    prompt: flow.Prompt | None = None
    draft: flow.Draft | None = None
    draft_id: int | None = None
    revision: int = 0
    letters: tuple[LetterView, ...] = ()
    error: flow.InvalidAnswer | None = None
    # Chosen recipients who got no letter, with why: ("Your representative", "no_district").
    unreached: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Welcome:
    is_new: bool
    name: str | None
    has_draft: bool = False


@dataclass
class LetterService:
    campaign: Campaign
    renderer: LetterRenderer = field(init=False)

    def __post_init__(self) -> None:
        self.renderer = LetterRenderer(self.campaign)
        self._directory: date | None = None
        self._directory_checked_at = -DIRECTORY_RECHECK_SECONDS

    # Supporters
    def welcome(self, repo: Repo, person: Person, source: str | None = None) -> Welcome:
        """Record the supporter; the deep-link source counts only on first contact."""
        existing = repo.supporter(person.telegram_id)
        if existing is not None:
            if existing.blocked:  # writing to the bot again means they unblocked it
                existing.blocked = False
                repo.touch(existing)
            has_draft = repo.active_draft(_id(existing)) is not None
            return Welcome(False, existing.signing_name or existing.display_name, has_draft)
        clean_source = source if source and _SOURCE.match(source) else None
        referrer = referrer_of(repo, clean_source)
        if referrer is not None:
            clean_source = REFERRAL_SOURCE
        supporter, created = repo.add_supporter(
            Supporter(
                telegram_id=person.telegram_id,
                display_name=_display_name(person),
                language=flow.text.language_tag(person.language),
                source=clean_source,
                referrer_id=referrer.id if referrer else None,
            )
        )
        return Welcome(created, supporter.display_name)

    def set_blocked(self, repo: Repo, telegram_id: int, blocked: bool) -> None:
        """A 403, or Telegram's notice, that a supporter blocked (or unblocked) the bot:
        broadcasts skip blocked supporters."""
        repo.set_blocked(telegram_id, blocked)

    def _supporter(self, repo: Repo, person: Person) -> Supporter:
        supporter = repo.supporter(person.telegram_id)
        if supporter is None:
            supporter, _ = repo.add_supporter(
                Supporter(telegram_id=person.telegram_id, display_name=_display_name(person))
            )
        return supporter

    def forget_place(self, repo: Repo, person: Person) -> bool:
        """Drop where the supporter lives (ZIP, district), so the next letter asks again."""
        supporter = repo.supporter(person.telegram_id)
        if supporter is None:
            return False
        for name in ("city", "state", "zip", "region", "district", "street"):
            setattr(supporter, name, None)
        repo.touch(supporter)
        return True

    def forget(self, repo: Repo, person: Person) -> bool:
        supporter = repo.supporter(person.telegram_id)
        if supporter is None:
            return False
        repo.forget_supporter(supporter)
        return True

    # The drafting conversation
    def start_letter(self, repo: Repo, person: Person) -> Outcome:
        supporter = self._supporter(repo, person)
        supporter.editing_letter_id = None
        repo.touch(supporter)
        congress = bool(self.campaign.lookups) and self._directory_date(repo) is not None
        districts = self._districts(repo, supporter.zip) if congress and supporter.zip else ()
        state = flow.begin(self.campaign, _profile(supporter, person, districts, congress))
        row = repo.open_draft(_id(supporter), self.campaign.id, state.to_dict())
        conversation = Conversation(_id(supporter), None, None, _id(row), row.revision, row.state)
        return self._progress(repo, conversation, state)

    def current(self, repo: Repo, person: Person) -> Outcome:
        conversation = repo.conversation(person.telegram_id)
        if conversation is None or conversation.draft_id is None:
            return Outcome("no_draft")
        return self._prompt_outcome("prompt", conversation)

    def answer(
        self,
        repo: Repo,
        person: Person,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        """Apply an answer. Buttons carry (draft_id, revision): an old button changes nothing."""
        conversation = repo.conversation(person.telegram_id)
        return self._answer(repo, conversation, answer, draft_id, revision)

    def _answer(
        self,
        repo: Repo,
        conversation: Conversation | None,
        answer: flow.Answer,
        draft_id: int | None = None,
        revision: int | None = None,
    ) -> Outcome:
        if conversation is None or conversation.draft_id is None:
            return Outcome("no_draft")
        if draft_id is not None and (
            draft_id != conversation.draft_id or revision != conversation.revision
        ):
            return self._prompt_outcome("stale", conversation)
        state = flow.Draft.from_dict(conversation.state)
        if isinstance(answer, flow.Reply) and self._asks_place(state):
            answer = self._read_place(repo, answer.text)
        try:
            state = flow.apply(self.campaign, state, answer)
        except flow.InvalidAnswer as error:
            return self._prompt_outcome("invalid", conversation, error=error)
        return self._progress(repo, conversation, state)

    def receive_text(
        self, repo: Repo, person: Person, text: str, now: datetime | None = None
    ) -> Outcome:
        """Free text goes to a letter being edited, else to the draft's current question."""
        now = now or utcnow()
        conversation = repo.conversation(person.telegram_id)
        if conversation is not None:
            if len(text) >= LIKELY_SPLIT_LENGTH:
                repo.set_overflow(conversation.supporter_id, now + SPLIT_TAIL_WINDOW)
            elif conversation.overflow_until is not None:
                repo.set_overflow(conversation.supporter_id, None)
                if now < conversation.overflow_until:
                    return self._refuse(repo, conversation, flow.InvalidAnswer("split_tail"))
        if conversation is not None and conversation.editing_letter_id is not None:
            return self._submit_edit(repo, conversation, text)
        if conversation is not None and conversation.addressing_letter_id is not None:
            return Outcome("street")
        return self._answer(repo, conversation, flow.Reply(text))

    def receive_non_text(self, repo: Repo, person: Person) -> Outcome:
        """A sticker, photo or empty message: the current question (or the edit) wants text."""
        conversation = repo.conversation(person.telegram_id)
        if conversation is not None and conversation.editing_letter_id is not None:
            return self._refuse(repo, conversation, flow.InvalidAnswer("not_text"))
        if conversation is not None and conversation.addressing_letter_id is not None:
            return Outcome("invalid", error=flow.InvalidAnswer("not_text"))
        return self._answer(repo, conversation, flow.NonText())

    def _refuse(self, repo: Repo, conversation: Conversation, error: flow.InvalidAnswer) -> Outcome:
        """An invalid answer to whatever the supporter is doing: an edit, or the draft."""
        if conversation.editing_letter_id is not None:
            letter = repo.letter(conversation.supporter_id, conversation.editing_letter_id)
            letters = (self._numbered(repo, letter),) if letter else ()
            return Outcome("invalid", error=error, letters=letters)
        return self._prompt_outcome("invalid", conversation, error=error)

    def cancel(self, repo: Repo, person: Person) -> CancelResult:
        """Stop an edit if one is going on (the draft stays), else the draft."""
        supporter = repo.supporter(person.telegram_id)
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
        return "draft" if repo.close_drafts(_id(supporter), "cancelled") > 0 else "nothing"

    def _progress(self, repo: Repo, conversation: Conversation, state: flow.Draft) -> Outcome:
        draft_id = conversation.draft_id or 0
        ready = flow.is_ready(self.campaign, state)
        saved = repo.advance_draft(
            draft_id, conversation.revision, state.to_dict(), "done" if ready else "active"
        )
        if not saved:
            # Another update (a double tap, a second instance) moved this draft first.
            return self._prompt_outcome("stale", repo.conversation_of(conversation.supporter_id))
        moved = replace(conversation, revision=conversation.revision + 1, state=state.to_dict())
        if not ready:
            return self._prompt_outcome("prompt", moved, state)
        supporter = repo.supporter_by_id(conversation.supporter_id)
        if supporter is None:
            return Outcome("no_draft")
        _remember(supporter, state)
        repo.touch(supporter)
        targets, unreached = self._targets(repo, state)
        letters = [
            self._write_letter(repo, supporter, draft_id, state, routing, target)
            for routing, target in targets
        ]
        return Outcome(
            "letters",
            draft=state,
            draft_id=draft_id,
            revision=moved.revision,
            letters=self._views(repo, letters),
            unreached=tuple(unreached),
        )

    def _prompt_outcome(
        self,
        kind: OutcomeKind,
        conversation: Conversation | None,
        state: flow.Draft | None = None,
        error: flow.InvalidAnswer | None = None,
    ) -> Outcome:
        if conversation is None or conversation.draft_id is None:
            return Outcome("no_draft")
        if state is None:
            state = flow.Draft.from_dict(conversation.state)
        return Outcome(
            kind,
            prompt=flow.next_prompt(self.campaign, state),
            draft=state,
            draft_id=conversation.draft_id,
            revision=conversation.revision,
            error=error,
        )

    # Members of Congress
    def _directory_date(self, repo: Repo) -> date | None:
        """When the officials directory was imported; re-read at most once a minute, since an
        import is rare and this is asked at every new letter."""
        now = time.monotonic()
        if now - self._directory_checked_at > DIRECTORY_RECHECK_SECONDS:
            self._directory = directory_date(repo)
            self._directory_checked_at = now
        return self._directory

    def _asks_place(self, state: flow.Draft) -> bool:
        return flow.current_step(self.campaign, state) in (flow.Step.PLACE, flow.Step.ZIP)

    def _read_place(self, repo: Repo, text: str) -> flow.Reply:
        """Read the place once, and look up its ZIP's districts when Congress is in play."""
        reading = read_place(flow.clean_line(text))
        zip5 = reading.place.zip if reading else None
        congress = bool(self.campaign.lookups)
        districts = self._districts(repo, zip5) if congress and zip5 else ()
        return flow.Reply(text, reading, districts)

    def _districts(self, repo: Repo, zip5: str) -> tuple[flow.District, ...]:
        """The districts the officials directory has for a ZIP code."""
        resolution = resolve_zip(repo, zip5)
        return tuple(flow.District(c.state, c.district, c.label) for c in resolution.candidates)

    def _targets(
        self, repo: Repo, state: flow.Draft
    ) -> tuple[list[tuple[str, Target]], list[tuple[str, str]]]:
        """(routing id, target) for every letter to write, and the chosen recipients nobody
        could be found for. A lookup target becomes the supporter's own members."""
        targets = [(t.id, t) for t in self.campaign.targets if t.id in state.targets]
        unreached: list[tuple[str, str]] = []
        checked = self._directory_date(repo) or date.today()
        for lookup in self.campaign.lookups:
            if lookup.id not in state.targets:
                continue
            place = state.place
            if place is None or place.state is None:
                unreached.append((lookup.label, "not_in_us"))
                continue
            if lookup.lookup == "senators":
                members = senators(repo, place.state)
            elif state.district is None:
                unreached.append((lookup.label, "no_district"))
                continue
            else:
                found = representative(repo, state.district.state, state.district.number)
                members = [found] if found else []
            if not members:
                unreached.append((lookup.label, "no_member"))
            targets.extend((lookup.id, member_target(m, lookup.id, checked)) for m in members)
        return targets, unreached

    def _target(self, repo: Repo, target_id: str) -> Target:
        """A letter's recipient: a campaign office, or a member by bioguide id."""
        target = self.campaign.target(target_id)
        if target is not None:
            return target
        found = member(repo, target_id.upper())
        if found is None:
            raise LookupError(f"target {target_id!r} is neither in the campaign nor in Congress")
        return member_target(found, "congress", self._directory_date(repo) or date.today())

    # Letters
    def _write_letter(
        self,
        repo: Repo,
        supporter: Supporter,
        draft_id: int,
        state: flow.Draft,
        routing: str,
        target: Target,
    ) -> Letter:
        demands = self.campaign.demands_for([routing], chosen=list(state.demands))
        letter = Letter(
            campaign_id=self.campaign.id,
            supporter_id=supporter.id,
            draft_id=draft_id,
            target_id=target.id,
            demands=",".join(d.id for d in demands),
            variant="",
        )
        self._render_into(target, letter, state, wording=0)
        return repo.add_letter(letter)

    def _request(
        self, target: Target, letter: Letter, state: flow.Draft, wording: int
    ) -> LetterRequest:
        seed = letter_seed(self.campaign.id, letter.draft_id, letter.target_id) + wording
        return LetterRequest(target, self._demands_of(letter), _signer(state), state.story, seed)

    def _render_into(self, target: Target, letter: Letter, state: flow.Draft, wording: int) -> None:
        rendered = self.renderer.render(self._request(target, letter, state, wording))
        letter.body = rendered.body
        letter.variant = rendered.variant
        letter.score = rendered.score
        letter.wording = wording
        letter.edited = False

    def _edited_score(self, repo: Repo, letter: Letter, body: str) -> float:
        """The supporter's version scored against what the templates alone would write."""
        draft_row = repo.draft(letter.draft_id) if letter.draft_id else None
        if draft_row is None:
            return letter.score
        state = flow.Draft.from_dict(draft_row.state)
        target = self._target(repo, letter.target_id)
        request = self._request(target, letter, state, letter.wording)
        return self.renderer.score_edit(request, body)

    def _demands_of(self, letter: Letter) -> tuple[Demand, ...]:
        """The demands a letter makes, in campaign order."""
        wanted = letter.demands.split(",") if letter.demands else []
        return tuple(d for d in self.campaign.demands if d.id in wanted)

    def _letter_and_answers(
        self, repo: Repo, person: Person, letter_id: int
    ) -> tuple[Letter, flow.Draft] | None:
        """The supporter's letter with the answers it was written from (None once forgotten)."""
        letter = self._own_letter(repo, person, letter_id)
        draft_row = repo.draft(letter.draft_id) if letter and letter.draft_id else None
        if letter is None or draft_row is None:
            return None
        return letter, flow.Draft.from_dict(draft_row.state)

    def _views(self, repo: Repo, letters: Sequence[Letter]) -> tuple[LetterView, ...]:
        return tuple(
            self._view(repo, letter, number=i + 1, total=len(letters))
            for i, letter in enumerate(letters)
        )

    def _view(self, repo: Repo, letter: Letter, number: int = 1, total: int = 1) -> LetterView:
        return LetterView(
            id=_id(letter),
            target=self._target(repo, letter.target_id),
            body=letter.body,
            score=letter.score,
            sent=letter.sent_at is not None,
            edited=letter.edited,
            number=number,
            total=total,
        )

    def _own_letter(self, repo: Repo, person: Person, letter_id: int) -> Letter | None:
        supporter = repo.supporter(person.telegram_id)
        if supporter is None:
            return None
        return repo.letter(_id(supporter), letter_id)

    def _numbered(self, repo: Repo, letter: Letter) -> LetterView:
        siblings = repo.letters_of_draft(letter.draft_id) if letter.draft_id else [letter]
        number = next((i for i, s in enumerate(siblings) if s.id == letter.id), 0)
        return self._view(repo, letter, number + 1, len(siblings))

    def letter(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        letter = self._own_letter(repo, person, letter_id)
        return self._numbered(repo, letter) if letter else None

    def delivery_kit(self, repo: Repo, person: Person, letter_id: int) -> Kit | None:
        """The letter with its signer and demands, for the PDF and the phone script."""
        found = self._letter_and_answers(repo, person, letter_id)
        if found is None:
            return None
        letter, state = found
        supporter = repo.supporter(person.telegram_id)
        return Kit(
            self._numbered(repo, letter),
            _signer(state, supporter.street if supporter else None),
            self._demands_of(letter),
            letter.created_at.date(),
        )

    def mark_sent(
        self, repo: Repo, person: Person, letter_id: int
    ) -> tuple[LetterView | None, bool]:
        """(the letter, whether this call recorded the send); a second tap records nothing."""
        letter = self._own_letter(repo, person, letter_id)
        if letter is None or letter.supporter_id is None:
            return None, False
        changed = repo.mark_sent(letter.supporter_id, _id(letter))
        repo.session.refresh(letter)
        return self._numbered(repo, letter), changed

    def reword(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        found = self._letter_and_answers(repo, person, letter_id)
        if found is None:
            return None
        letter, state = found
        self._render_into(
            self._target(repo, letter.target_id), letter, state, wording=letter.wording + 1
        )
        repo.save_letter(letter)
        return self._numbered(repo, letter)

    def begin_edit(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        letter = self._own_letter(repo, person, letter_id)
        supporter = repo.supporter(person.telegram_id)
        if letter is None or supporter is None:
            return None
        supporter.editing_letter_id = letter.id
        repo.touch(supporter)
        return self._numbered(repo, letter)

    def _submit_edit(self, repo: Repo, conversation: Conversation, text: str) -> Outcome:
        """Replace a letter's text with the supporter's own version."""
        supporter = repo.supporter_by_id(conversation.supporter_id)
        letter = repo.letter(conversation.supporter_id, conversation.editing_letter_id or 0)
        if supporter is None or letter is None:
            if supporter is not None:
                supporter.editing_letter_id = None
                repo.touch(supporter)
            return Outcome("no_draft")
        body = flow.clean_block(text)
        error = None
        if len(body) < 20:
            error = flow.InvalidAnswer("letter_too_short")
        elif len(body) > MAX_LETTER_LENGTH:
            error = flow.InvalidAnswer("too_long", length=len(body), limit=MAX_LETTER_LENGTH)
        if error is not None:
            return self._refuse(repo, conversation, error)
        letter.score = self._edited_score(repo, letter, body)
        letter.body = body
        letter.edited = True
        repo.save_letter(letter)
        supporter.editing_letter_id = None
        repo.touch(supporter)
        return Outcome("edited", letters=(self._numbered(repo, letter),))


def _display_name(person: Person) -> str | None:
    """Telegram's first and last name as the client sent them, so cleaned before storing."""
    name = flow.clean_line(person.display_name or "")
    return name[: flow.MAX_NAME_LENGTH].rstrip() or None


def _profile(
    supporter: Supporter,
    person: Person,
    districts: tuple[flow.District, ...] = (),
    congress: bool = True,
) -> flow.Profile:
    place = None
    if supporter.state or supporter.region:
        place = Place(
            city=supporter.city, state=supporter.state, zip=supporter.zip, region=supporter.region
        )
    return flow.Profile(
        display_name=supporter.display_name or person.display_name,
        signing_name=supporter.signing_name,
        place=place,
        districts=districts,
        district_id=(
            f"{supporter.state}-{supporter.district}" if supporter.district is not None else None
        ),
        congress=congress,
    )


def _signer(state: flow.Draft, street: str | None = None) -> Signer:
    return Signer(state.name or "", state.place, street)


def _remember(supporter: Supporter, state: flow.Draft) -> None:
    """Keep the answers a returning supporter should not be asked again."""
    if state.name:
        supporter.signing_name = state.name
    if state.place:
        supporter.city = state.place.city
        supporter.state = state.place.state
        supporter.zip = state.place.zip
        supporter.region = state.place.region
        supporter.district = state.district.number if state.district else None


def _id(row: Supporter | Letter | DraftRow | None) -> int:
    if row is None or row.id is None:
        raise LookupError("row has no id (not flushed?)")
    return row.id
