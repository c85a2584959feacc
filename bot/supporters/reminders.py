""" "Remind me tomorrow": one reminder per draft about its letters not yet marked sent, and what
a due reminder shows. The front end sends it; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import Repo
from bot.store import reminders as queries
from bot.store.models import as_utc
from bot.store.reminders import ReminderStatus
from bot.supporters.views import LetterView, Person
from bot.supporters.writer import Writer, row_id

REMIND_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class ReminderSet:
    """The draft's reminder, and whether this tap set it (False: an earlier one had)."""

    due_at: datetime
    created: bool


@dataclass(frozen=True)
class AllSent:
    """Every letter of the draft is marked sent: nothing to remind of."""


@dataclass(frozen=True)
class DueReminder:
    """A reminder taken for sending: to whom, and the letters still unsent."""

    reminder_id: int
    person: Person
    letters: tuple[LetterView, ...]


class Reminders:
    """One campaign's reminders (its `Writer` shows the letters)."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def remind(
        self, repo: Repo, person: Person, letter_id: int, now: datetime
    ) -> ReminderSet | AllSent | None:
        """Schedule a reminder about the letter's draft for `now` + a day; None: no such letter."""
        letter = self.writer.own_letter(repo, person, letter_id)
        if letter is None or letter.supporter_id is None or letter.draft_id is None:
            return None
        if all(sibling.sent_at for sibling in repo.letters_of_draft(letter.draft_id)):
            return AllSent()
        reminder, created = queries.schedule(
            repo, letter.supporter_id, letter.draft_id, letter.campaign_id, now + REMIND_AFTER
        )
        return ReminderSet(as_utc(reminder.due_at) or reminder.due_at, created)

    def due(self, repo: Repo, now: datetime, limit: int) -> list[int]:
        return queries.due_ids(repo, [self.writer.campaign.id], now, limit)

    def take(self, repo: Repo, reminder_id: int) -> DueReminder | None:
        """Take a due reminder for sending (None: taken elsewhere, or settled here without a
        send: the supporter blocked the bot, or every letter was sent meanwhile)."""
        reminder = queries.take(repo, reminder_id)
        if reminder is None:
            return None
        supporter = repo.supporter_by_id(reminder.supporter_id)
        if supporter is None or supporter.blocked:
            queries.finish(repo, reminder_id, ReminderStatus.BLOCKED)
            return None
        letters = repo.letters_of_draft(reminder.draft_id)
        unsent_ids = {row_id(letter) for letter in letters if not letter.sent_at}
        if not unsent_ids:
            queries.finish(repo, reminder_id, ReminderStatus.UNNEEDED)
            return None
        language = supporter.chosen_language or supporter.language
        person = Person(supporter.telegram_id, supporter.display_name, language)
        views = self.writer.views(repo, letters)  # numbered among all of the draft's letters
        return DueReminder(reminder_id, person, tuple(v for v in views if v.id in unsent_ids))

    def finish(self, repo: Repo, reminder_id: int, status: ReminderStatus, at: datetime) -> None:
        queries.finish(repo, reminder_id, status, at if status is ReminderStatus.SENT else None)

    def release(self, repo: Repo, reminder_id: int) -> None:
        queries.release(repo, reminder_id)

    def cancel(self, repo: Repo, person: Person) -> int:
        """Cancel the supporter's pending reminders (/stop)."""
        supporter = repo.supporter(person.id)
        return queries.cancel_pending(repo, row_id(supporter)) if supporter else 0
