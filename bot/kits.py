"""The printable kit's one question: a street for the signature, asked once, never required.

Many congressional offices answer only letters that carry a street address, but a supporter's
street is personal: it is asked only when they ask for a printable letter, with a skip, kept for
their later printed letters, shown in /me and deleted by /forget or "Change where I live".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flow import InvalidAnswer, clean_line
from bot.service import Kit, LetterService, LetterView, Person
from bot.store import Repo

MAX_STREET_LENGTH = 120


@dataclass(frozen=True)
class StreetWanted:
    """Ask for a street before sending the kit of `letter`."""

    letter: LetterView


class KitService:
    def __init__(self, letters: LetterService) -> None:
        self.letters = letters

    def request(self, repo: Repo, person: Person, letter_id: int) -> Kit | StreetWanted | None:
        """The kit, or the street question first if it was never asked; None: no such letter."""
        supporter = repo.supporter(person.telegram_id)
        if supporter is None:
            return None
        if supporter.street or supporter.street_asked:
            return self.letters.delivery_kit(repo, person, letter_id)
        letter = self.letters.letter(repo, person, letter_id)  # the kit waits for the answer
        if letter is None:
            return None
        supporter.addressing_letter_id = letter.id
        repo.touch(supporter)
        return StreetWanted(letter)

    def answer(self, repo: Repo, person: Person, text: str | None) -> Kit | InvalidAnswer | None:
        """A street typed (or None: skipped) for the kit that waits for it."""
        supporter = repo.supporter(person.telegram_id)
        if supporter is None or supporter.addressing_letter_id is None:
            return None
        if text is not None:
            street = clean_line(text)
            if not street:
                return InvalidAnswer("empty")
            if len(street) > MAX_STREET_LENGTH:
                return InvalidAnswer("too_long", length=len(street), limit=MAX_STREET_LENGTH)
            supporter.street = street
        letter_id = supporter.addressing_letter_id
        supporter.street_asked = True
        supporter.addressing_letter_id = None
        repo.touch(supporter)
        return self.letters.delivery_kit(repo, person, letter_id)

    def skip(self, repo: Repo, person: Person, letter_id: int) -> Kit | None:
        """The Skip button: no street, and the kit of the letter it was under."""
        supporter = repo.supporter(person.telegram_id)
        if supporter is not None and supporter.addressing_letter_id is not None:
            supporter.street_asked = True
            supporter.addressing_letter_id = None
            repo.touch(supporter)
        return self.letters.delivery_kit(repo, person, letter_id)
