"""The bot-wide send clock in the database: the next free send slot, shared by all instances.

One row holds when the next send may go. A send takes a slot only when it is due (within one
interval from now), in a single conditional UPDATE … RETURNING, so instances never share a slot
and nobody holds a queue of future slots: a sender that wakes up late takes a later slot rather
than bunching up with the senders after it. Time is the database server's, so the instances'
own clocks need not agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, literal, select, text, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from bot.store.coordination import SendClock
from bot.store.repo import BULK, Repo

BOT = "bot"


@dataclass(frozen=True)
class Slot:
    """`taken`: send at `at` (seconds since the epoch, soon); else the clock is busy until `at`."""

    taken: bool
    at: float
    now: float


def _database_now(dialect: str) -> ColumnElement[float]:
    """Seconds since the epoch, on the database server's clock."""
    if dialect == "postgresql":
        return text("EXTRACT(EPOCH FROM clock_timestamp())::float8")  # type: ignore[return-value]
    return text("((julianday('now') - 2440587.5) * 86400.0)")  # type: ignore[return-value]


def next_slot(repo: Repo, interval: float) -> Slot:
    """Take the next send slot if it is due within `interval`; else say when to try again."""
    now = _database_now(repo.session.get_bind().dialect.name)
    step = literal(interval)
    # A claimer up to half an interval late still gets the slot that was due, so the schedule
    # does not drift by every late arrival; later than that, the clock restarts from now.
    start = case((col(SendClock.next_at) > now - step / 2, col(SendClock.next_at)), else_=now)
    statement = (
        update(SendClock)
        .where(col(SendClock.name) == BOT, col(SendClock.next_at) <= now + step)
        .values(next_at=start + step)
        .returning(col(SendClock.next_at) - step, now)
    )
    row = repo.session.execute(statement, execution_options=BULK).first()
    if row is not None:
        return Slot(True, float(row[0]), float(row[1]))
    busy = repo.session.execute(
        select(col(SendClock.next_at), now).where(col(SendClock.name) == BOT)
    ).first()
    if busy is None:  # the row a migration inserts was deleted: put it back, send now
        at = float(repo.session.execute(select(now)).scalar_one())
        repo.session.add(SendClock(name=BOT, next_at=at + interval))
        return Slot(True, at, at)
    return Slot(False, float(busy[0]), float(busy[1]))
