"""The printable kit: its one question, a street for the signature, asked once and never
required, and `KitPdf`, exactly what its PDF prints, hashed so a built PDF can be sent again.

Many congressional offices answer only letters that carry a street address, but a supporter's
street is personal: it is asked only when they ask for a printable letter, with a skip, kept for
their later printed letters, shown in /me and deleted by /forget or "Change where I live".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass

from bot.delivery.pdf import letter_pdf
from bot.flow import InvalidAnswer, clean_line
from bot.letters import long_date
from bot.store import Repo, Supporter
from bot.supporters.letter_actions import LetterActions
from bot.supporters.views import Kit, LetterView, Person

MAX_STREET_LENGTH = 120
# Part of every PDF's key: bump it when bot/delivery/pdf.py changes how a letter looks, so the
# copies Telegram holds are built again rather than re-sent.
PDF_LAYOUT = 1


@dataclass(frozen=True)
class KitPdf:
    """Exactly what a kit's PDF is built from, so its hash (`key`) says when a PDF Telegram
    already holds can be re-sent by file_id instead of built again (about 0.4 s of CPU): a new
    wording, an edit, a new name, street or place, or another office holder is another key."""

    filename: str
    body: str
    sender_name: str
    sender_address: tuple[str, ...]
    recipient_lines: tuple[str, ...]
    date_text: str
    title: str

    @classmethod
    def of(cls, kit: Kit, filename: str) -> KitPdf:
        target = kit.letter.target
        return cls(
            filename=filename,
            body=kit.letter.body,
            sender_name=kit.signer.name,
            sender_address=tuple(kit.signer.address_lines),
            recipient_lines=(target.holder, *target.address),
            date_text=long_date(kit.written),
            title="Re: " + "; ".join(d.title for d in kit.demands),
        )

    @property
    def key(self) -> str:
        """sha256 (hex) of the inputs as a JSON list: no two sets of inputs share an encoding."""
        inputs = json.dumps([PDF_LAYOUT, *astuple(self)], ensure_ascii=False)
        return hashlib.sha256(inputs.encode("utf-8")).hexdigest()

    def build(self) -> bytes:
        """The PDF; CPU-bound, so the bot runs it in a thread."""
        return letter_pdf(
            self.body,
            sender_name=self.sender_name,
            sender_address=self.sender_address,
            recipient_lines=self.recipient_lines,
            date_text=self.date_text,
            title=self.title,
        )


@dataclass(frozen=True)
class StreetWanted:
    """Ask for a street before sending the kit of `letter`."""

    letter: LetterView


class Kits:
    """Kits of one campaign's letters, through its `LetterActions`."""

    def __init__(self, actions: LetterActions) -> None:
        self.actions = actions

    def request(self, repo: Repo, person: Person, letter_id: int) -> Kit | StreetWanted | None:
        """The kit, or the street question first if it was never asked; None: no such letter."""
        supporter = repo.supporter(person.id)
        if supporter is None:
            return None
        if supporter.street or supporter.street_asked:
            return self.actions.kit_of(repo, supporter, letter_id)
        letter = self.actions.letter(repo, person, letter_id)  # the kit waits for the answer
        if letter is None:
            return None
        supporter.addressing_letter_id = letter.id
        repo.touch(supporter)
        return StreetWanted(letter)

    def answer_street(
        self, repo: Repo, supporter: Supporter, text: str
    ) -> Kit | InvalidAnswer | None:
        """A street typed for the kit that waits for it; None: its letter is gone."""
        street = clean_line(text)
        if not street:
            return InvalidAnswer("empty")
        if len(street) > MAX_STREET_LENGTH:
            return InvalidAnswer("too_long", length=len(street), limit=MAX_STREET_LENGTH)
        supporter.street = street
        return self._kit_after_street(repo, supporter, supporter.addressing_letter_id or 0)

    def skip(self, repo: Repo, person: Person, letter_id: int) -> Kit | None:
        """The Skip button: no street, and the kit of the letter it was under."""
        supporter = repo.supporter(person.id)
        if supporter is None:
            return None
        if supporter.addressing_letter_id is not None:
            return self._kit_after_street(repo, supporter, letter_id)
        return self.actions.kit_of(repo, supporter, letter_id)

    def _kit_after_street(self, repo: Repo, supporter: Supporter, letter_id: int) -> Kit | None:
        """The street question is answered: never again, and the kit of `letter_id`."""
        supporter.street_asked = True
        supporter.addressing_letter_id = None
        repo.touch(supporter)
        return self.actions.kit_of(repo, supporter, letter_id)
