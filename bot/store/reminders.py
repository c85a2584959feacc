"""Queries on reminders: schedule one per draft, take the due ones, record how each ended.

A reminder moves pending -> attempted (committed by the instance that sends it, just before the
send, so a second instance or a restart never sends it again) -> sent, blocked or failed; or
pending -> unneeded (every letter was marked sent meanwhile) or cancelled (/stop).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum

from sqlalchemy import distinct, func, update
from sqlmodel import col, select

from bot.store.models import Letter, Reminder
from bot.store.once import insert_once
from bot.store.repo import Repo


class ReminderStatus(StrEnum):
    PENDING = "pending"
    ATTEMPTED = "attempted"
    SENT = "sent"
    UNNEEDED = "unneeded"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"
    FAILED = "failed"


def pending_for(repo: Repo, draft_id: int) -> Reminder | None:
    query = select(Reminder).where(
        col(Reminder.draft_id) == draft_id, col(Reminder.status) == ReminderStatus.PENDING
    )
    return repo.session.exec(query).first()


def schedule(
    repo: Repo, supporter_id: int, draft_id: int, campaign_id: str, due_at: datetime
) -> tuple[Reminder, bool]:
    """The draft's pending reminder, created due at `due_at` unless one exists (True: created).
    The unique index decides a race between two taps on two instances."""
    found = pending_for(repo, draft_id)
    if found is not None:
        return found, False
    reminder = Reminder(
        supporter_id=supporter_id, draft_id=draft_id, campaign_id=campaign_id, due_at=due_at
    )
    return insert_once(repo.session, reminder, lambda: pending_for(repo, draft_id))


def due_ids(repo: Repo, campaign_ids: Collection[str], now: datetime, limit: int) -> list[int]:
    """The campaigns' pending reminders due by `now`, oldest first."""
    query = (
        select(col(Reminder.id))
        .where(
            col(Reminder.campaign_id).in_(campaign_ids),
            col(Reminder.status) == ReminderStatus.PENDING,
            col(Reminder.due_at) <= now,
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    return [found for found in repo.session.exec(query) if found is not None]


def take(repo: Repo, reminder_id: int) -> Reminder | None:
    """Move a pending reminder to attempted; None if another instance took it first."""
    moved = repo.bulk(
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.status) == ReminderStatus.PENDING)
        .values(status=ReminderStatus.ATTEMPTED)
    )
    return repo.session.get(Reminder, reminder_id, populate_existing=True) if moved else None


def finish(
    repo: Repo, reminder_id: int, status: ReminderStatus, at: datetime | None = None
) -> None:
    """Record how a taken (or pending, for unneeded) reminder ended."""
    repo.bulk(
        update(Reminder).where(col(Reminder.id) == reminder_id).values(status=status, sent_at=at)
    )


def release(repo: Repo, reminder_id: int) -> None:
    """Give back a reminder whose send Telegram refused before delivering (flood control)."""
    repo.bulk(
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.status) == ReminderStatus.ATTEMPTED)
        .values(status=ReminderStatus.PENDING)
    )


def cancel_pending(repo: Repo, supporter_id: int) -> int:
    """Cancel a supporter's pending reminders (/stop); how many there were."""
    return repo.bulk(
        update(Reminder)
        .where(
            col(Reminder.supporter_id) == supporter_id,
            col(Reminder.status) == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.CANCELLED)
    )


def counts(repo: Repo, campaign_id: str) -> tuple[int, int]:
    """(reminders sent, letters marked sent after their draft's reminder) in a campaign.

    The letters are found from the sent reminders (few), by draft, not by testing each of the
    campaign's letters for a reminder: that read every letter's row.
    """
    sent = select(func.count()).where(
        col(Reminder.campaign_id) == campaign_id, col(Reminder.status) == ReminderStatus.SENT
    )
    after = (
        select(func.count(distinct(col(Letter.id))))
        .select_from(Reminder)
        .join(Letter, col(Letter.draft_id) == col(Reminder.draft_id))
        .where(
            col(Reminder.status) == ReminderStatus.SENT,
            col(Letter.campaign_id) == campaign_id,
            col(Reminder.sent_at) < col(Letter.sent_at),
        )
    )
    return repo.session.exec(sent).one(), repo.session.exec(after).one()
