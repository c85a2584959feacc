"""The bot-wide send clock in the database: the next free send slot, shared by all instances.

One row; each send moves it on by one interval in a single UPDATE … RETURNING, so instances
never hand out the same slot. Time is the database server's, so the instances' own clocks
need not agree.
"""

from __future__ import annotations

from sqlalchemy import case, literal, text, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from bot.store.models import SendClock
from bot.store.repo import Repo

BOT = "bot"


def _database_now(dialect: str) -> ColumnElement[float]:
    """Seconds since the epoch, on the database server's clock."""
    if dialect == "postgresql":
        return text("EXTRACT(EPOCH FROM clock_timestamp())::float8")  # type: ignore[return-value]
    return text("((julianday('now') - 2440587.5) * 86400.0)")  # type: ignore[return-value]


def next_slot(repo: Repo, interval: float) -> tuple[float, float]:
    """Take the next send slot: (its time, the database's time now), in epoch seconds."""
    now = _database_now(repo.session.get_bind().dialect.name)
    step = literal(interval)
    start = case((col(SendClock.next_at) > now, col(SendClock.next_at)), else_=now)
    statement = (
        update(SendClock)
        .where(col(SendClock.name) == BOT)
        .values(next_at=start + step)
        .returning(col(SendClock.next_at) - step, now)
    )
    row = repo.session.connection().execute(statement).first()
    if row is None:  # the row a migration inserts was deleted: put it back, send now
        repo.session.add(SendClock(name=BOT, next_at=0.0))
        return 0.0, 0.0
    return float(row[0]), float(row[1])
