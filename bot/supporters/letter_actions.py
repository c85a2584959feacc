"""What a supporter does with a written letter: record its sending, ask for another wording,
replace it with their own version, or take its kit (the letter, its signer and demands)."""

from __future__ import annotations

from bot import flow
from bot.store import Conversation, Repo, Supporter
from bot.supporters.outcomes import Edited, NoDraft, Refused
from bot.supporters.views import Kit, LetterView, Person
from bot.supporters.writer import Writer, row_id, signer

MIN_LETTER_LENGTH = 20
MAX_LETTER_LENGTH = 4000


def checked_body(text: str) -> tuple[str, flow.InvalidAnswer | None]:
    """A supporter's own version of a letter, cleaned of control characters, and why it cannot
    replace the letter (None: it can). The chat's edit and the Mini App editor share it."""
    body = flow.clean_block(text)
    if len(body) < MIN_LETTER_LENGTH:
        return body, flow.InvalidAnswer("letter_too_short")
    if len(body) > MAX_LETTER_LENGTH:
        return body, flow.InvalidAnswer("too_long", length=len(body), limit=MAX_LETTER_LENGTH)
    return body, None


class LetterActions:
    """The buttons under a letter, for one campaign's `Writer`."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def letter(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        letter = self.writer.own_letter(repo, person, letter_id)
        return self.writer.numbered(repo, letter) if letter else None

    def mark_sent(
        self, repo: Repo, person: Person, letter_id: int
    ) -> tuple[LetterView | None, bool]:
        """(the letter, whether this call recorded the send); a second tap records nothing."""
        letter = self.writer.own_letter(repo, person, letter_id)
        if letter is None or letter.supporter_id is None:
            return None, False
        changed = repo.mark_sent(letter.supporter_id, row_id(letter))
        repo.session.refresh(letter)
        return self.writer.numbered(repo, letter), changed

    def reword(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        letter = self.writer.own_letter(repo, person, letter_id)
        state = self.writer.answers_of(repo, letter) if letter else None
        if letter is None or state is None:
            return None
        target = self.writer.target(repo, letter.target_id)
        self.writer.render_into(target, letter, state, wording=letter.wording + 1)
        repo.save_letter(letter)
        return self.writer.numbered(repo, letter)

    def begin_edit(self, repo: Repo, person: Person, letter_id: int) -> LetterView | None:
        """The supporter's next text replaces this letter's (see `submit_edit`)."""
        letter = self.writer.own_letter(repo, person, letter_id)
        supporter = repo.supporter(person.id)
        if letter is None or supporter is None:
            return None
        supporter.editing_letter_id = letter.id
        repo.touch(supporter)
        return self.writer.numbered(repo, letter)

    def submit_edit(
        self, repo: Repo, conversation: Conversation, text: str
    ) -> Edited | Refused | NoDraft:
        """Replace the letter being edited with the supporter's own version."""
        supporter = repo.supporter_by_id(conversation.supporter_id)
        letter = repo.letter(conversation.supporter_id, conversation.editing_letter_id or 0)
        if supporter is None or letter is None:
            if supporter is not None:
                supporter.editing_letter_id = None
                repo.touch(supporter)
            return NoDraft()
        body, error = checked_body(text)
        if error is not None:
            return self.refuse_edit(repo, conversation, error)
        letter.score = self.writer.edited_score(repo, letter, body)
        letter.body = body
        letter.edited = True
        repo.save_letter(letter)
        supporter.editing_letter_id = None
        repo.touch(supporter)
        return Edited(self.writer.numbered(repo, letter))

    def refuse_edit(
        self, repo: Repo, conversation: Conversation, error: flow.InvalidAnswer
    ) -> Refused:
        """An edit that cannot be taken; the letter stays as it was, and still being edited."""
        letter = repo.letter(conversation.supporter_id, conversation.editing_letter_id or 0)
        return Refused(error, editing=self.writer.numbered(repo, letter) if letter else None)

    def delivery_kit(self, repo: Repo, person: Person, letter_id: int) -> Kit | None:
        """The letter with its signer and demands, for the PDF and the phone script."""
        supporter = repo.supporter(person.id)
        return self.kit_of(repo, supporter, letter_id) if supporter else None

    def kit_of(self, repo: Repo, supporter: Supporter, letter_id: int) -> Kit | None:
        """`delivery_kit`, for the supporter's row."""
        letter = repo.letter(row_id(supporter), letter_id)
        state = self.writer.answers_of(repo, letter) if letter else None
        if letter is None or state is None:
            return None
        return Kit(
            self.writer.numbered(repo, letter),
            signer(state, supporter.street),
            self.writer.demands_of(letter),
            letter.created_at.date(),
        )
