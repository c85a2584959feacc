"""The printable kit's one question: a street for the signature, asked once, never required.

Many congressional offices answer only letters that carry a street address, but a supporter's
street is personal: it is asked only when they ask for a printable letter, with a skip, kept for
their later printed letters, shown in /me and deleted by /forget or "Change where I live".

The kit's PDF is built once per letter and what it prints (`KitPdf`), and Telegram's copy is
re-sent by file_id after that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass

from bot.delivery.pdf import letter_pdf
from bot.flow import InvalidAnswer, clean_line
from bot.letters import long_date
from bot.service import Kit, LetterService, LetterView, Person
from bot.store import Repo

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

    def uploaded_pdf(self, repo: Repo, letter_id: int, pdf: KitPdf) -> str | None:
        """The file_id of this very PDF if an earlier kit of the letter uploaded it."""
        return repo.letter_pdf_file_id(letter_id, pdf.key)

    def remember_pdf(self, repo: Repo, letter_id: int, pdf: KitPdf, file_id: str) -> None:
        """Keep the file_id Telegram gave the upload, for the letter's next kit."""
        repo.set_letter_pdf(letter_id, pdf.key, file_id)
