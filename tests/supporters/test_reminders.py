"""Reminders through a real store: one per draft, due a day later, taken once, settled without
a send when nothing is left to remind of or the supporter blocked the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store import reminders as queries
from bot.supporters.drafting import Drafting
from bot.supporters.profile import set_blocked, welcome
from bot.supporters.reminders import REMIND_AFTER, AllSent, DueReminder, Reminders, ReminderSet
from tests.supporters.drive import ANI, ARA, write_letters

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
LATER = NOW + REMIND_AFTER + timedelta(seconds=1)


def _reminders(drafting: Drafting) -> Reminders:
    return Reminders(drafting.actions.writer)


def _due(store: Store, reminders: Reminders, now: datetime = LATER) -> list[DueReminder]:
    taken = [store.call(reminders.take, i) for i in store.call(reminders.due, now, 10)]
    return [due for due in taken if due is not None]


def test_one_reminder_per_draft_due_a_day_later(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    first, second = write_letters(tmp_store, drafting).letters
    assert tmp_store.call(reminders.remind, ANI, first.id, NOW) == ReminderSet(
        NOW + REMIND_AFTER, True
    )
    again = tmp_store.call(reminders.remind, ANI, second.id, NOW + timedelta(hours=2))
    assert again is not None and not again.created  # same draft: the first reminder stands
    assert tmp_store.call(reminders.due, NOW + REMIND_AFTER - timedelta(seconds=1), 10) == []
    (due,) = _due(tmp_store, reminders)
    assert due.person.id == ANI.id
    assert [letter.id for letter in due.letters] == [first.id, second.id]
    assert _due(tmp_store, reminders) == []  # taken once: never sent twice


def test_only_unsent_letters_are_recalled(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    first, second = write_letters(tmp_store, drafting).letters
    tmp_store.call(reminders.remind, ANI, first.id, NOW)
    tmp_store.call(drafting.actions.mark_sent, ANI, first.id)
    (due,) = _due(tmp_store, reminders)
    assert [letter.id for letter in due.letters] == [second.id]


def test_nothing_to_remind_of(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    letters = write_letters(tmp_store, drafting).letters
    tmp_store.call(reminders.remind, ANI, letters[0].id, NOW)
    for letter in letters:
        tmp_store.call(drafting.actions.mark_sent, ANI, letter.id)
    assert tmp_store.call(reminders.remind, ANI, letters[0].id, NOW) == AllSent()
    assert _due(tmp_store, reminders) == []  # settled as unneeded, no send


def test_someone_elses_letter_and_a_blocked_supporter(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    letter = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(welcome, ARA)
    assert tmp_store.call(reminders.remind, ARA, letter.id, NOW) is None
    tmp_store.call(reminders.remind, ANI, letter.id, NOW)
    tmp_store.call(set_blocked, ANI, True)
    assert _due(tmp_store, reminders) == []


def test_stop_cancels_pending_reminders(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    letter = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(reminders.remind, ANI, letter.id, NOW)
    assert tmp_store.call(reminders.cancel, ANI) == 1
    assert tmp_store.call(reminders.cancel, ANI) == 0
    assert _due(tmp_store, reminders) == []
    # A new tap after /stop is a new request.
    assert tmp_store.call(reminders.remind, ANI, letter.id, NOW).created


def test_a_refused_send_is_given_back(tmp_store: Store, drafting: Drafting) -> None:
    reminders = _reminders(drafting)
    letter = write_letters(tmp_store, drafting).letters[0]
    tmp_store.call(reminders.remind, ANI, letter.id, NOW)
    (due,) = _due(tmp_store, reminders)
    tmp_store.call(reminders.release, due.reminder_id)
    (again,) = _due(tmp_store, reminders)
    assert again.reminder_id == due.reminder_id
    tmp_store.call(reminders.finish, due.reminder_id, queries.ReminderStatus.SENT, LATER)
    with tmp_store.transaction() as repo:
        assert queries.counts(repo, drafting.actions.writer.campaign.id) == (1, 0)
