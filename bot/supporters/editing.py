"""The letter editor, a Mini App beside the chat: a letter with what the editor shows, the score
of a text being typed, the supporter's own version saved, the drafted text back, and which chat
message shows a letter, so that a change made in the editor shows in the chat too.

Whose: a letter is only ever its supporter's; for anyone else it does not exist (None).

When: while its draft is open. A letter's draft is closed for editing
- once the letter is marked sent (SENT): the record says it went as it was then;
- once the answers it was written from are gone (NO_ANSWERS): nothing to score against or
  re-render from;
- once its campaign's file is gone from the bot (CAMPAIGN_GONE, see `LettersRouter`).
A campaign that has merely closed since still lets its letters be edited, as it lets them be
sent and printed: nothing a supporter began is lost. The chat's own "edit" is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import flow
from bot.store import Letter, Repo
from bot.supporters.letter_actions import checked_body
from bot.supporters.views import LetterView, Person
from bot.supporters.writer import Writer

SENT = "sent"
NO_ANSWERS = "no_answers"
CAMPAIGN_GONE = "campaign_gone"


@dataclass(frozen=True)
class EditorLetter:
    """A letter as the editor shows it, and where the chat shows it."""

    letter: LetterView
    closed: str | None  # why it can no longer be edited (SENT, NO_ANSWERS…); None: it can
    message_id: int | None  # the chat message that shows it, if the bot knows it
    language: str | None  # the language the supporter picked for the bot, if they did


@dataclass(frozen=True)
class Closed:
    """The letter's draft is closed for editing, for `reason`."""

    reason: str


@dataclass(frozen=True)
class Scored:
    """The score a text would have as the letter, and its length once cleaned."""

    score: float
    length: int


def owned(repo: Repo, person: Person, letter_id: int) -> Letter | None:
    """The person's letter, whatever its campaign (None: not theirs, or no such letter)."""
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return None
    return repo.letter(supporter.id, letter_id)


def remember_message(repo: Repo, chat_id: int, letter_id: int, message_id: int) -> None:
    """The chat message now showing a letter; only in its supporter's own chat (whose id is
    their Telegram id), where the editor's changes are shown."""
    letter = owned(repo, Person(chat_id), letter_id)
    if letter is not None and letter.message_id != message_id:
        letter.message_id = message_id
        repo.save_letter(letter)


class LetterEditor:
    """The editor's use cases for one campaign's `Writer`."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def open(self, repo: Repo, person: Person, letter_id: int) -> EditorLetter | None:
        letter = self.writer.own_letter(repo, person, letter_id)
        return self._shown(repo, letter) if letter is not None else None

    def score(self, repo: Repo, person: Person, letter_id: int, text: str) -> Scored | None:
        """The score `text` would have (0 for a text with no words of its own)."""
        letter = self.writer.own_letter(repo, person, letter_id)
        if letter is None:
            return None
        body = flow.clean_block(text)
        if self._closed(repo, letter) is not None:
            return Scored(letter.score, len(body))
        return Scored(self.writer.edited_score(repo, letter, body), len(body))

    def save(
        self, repo: Repo, person: Person, letter_id: int, text: str
    ) -> EditorLetter | Closed | flow.InvalidAnswer | None:
        """`text` becomes the letter, as the chat's edit takes it (see `checked_body`)."""
        letter = self.writer.own_letter(repo, person, letter_id)
        if letter is None:
            return None
        closed = self._closed(repo, letter)
        if closed is not None:
            return Closed(closed)
        body, error = checked_body(text)
        if error is not None:
            return error
        letter.score = self.writer.edited_score(repo, letter, body)
        letter.body = body
        letter.edited = True
        repo.save_letter(letter)
        return self._shown(repo, letter)

    def reset(self, repo: Repo, person: Person, letter_id: int) -> EditorLetter | Closed | None:
        """The drafted text back: rendered again from the answers, in the letter's wording."""
        letter = self.writer.own_letter(repo, person, letter_id)
        if letter is None:
            return None
        closed = self._closed(repo, letter)
        state = self.writer.answers_of(repo, letter)
        if closed is not None or state is None:
            return Closed(closed or NO_ANSWERS)
        target = self.writer.target(repo, letter.target_id)
        self.writer.render_into(target, letter, state, wording=letter.wording)
        repo.save_letter(letter)
        return self._shown(repo, letter)

    def _closed(self, repo: Repo, letter: Letter) -> str | None:
        if letter.sent_at is not None:
            return SENT
        if self.writer.answers_of(repo, letter) is None:
            return NO_ANSWERS
        return None

    def _shown(self, repo: Repo, letter: Letter) -> EditorLetter:
        supporter = repo.supporter_by_id(letter.supporter_id or 0)
        return EditorLetter(
            self.writer.numbered(repo, letter),
            self._closed(repo, letter),
            letter.message_id,
            supporter.chosen_language if supporter else None,
        )
