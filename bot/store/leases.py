"""Queries behind "one update of a supporter at a time, once": shared by every instance.

An instance takes a supporter's lease before handling one of their updates, and when done
records the update's id as it gives the lease back. A lease held by another live instance makes
it wait; one left by a crashed instance expires, or is cleared when that instance restarts. An
update is recorded only once handled, so one cut short by a crash is handled again when Telegram
redelivers it (the handlers are idempotent), and one delivered twice is handled once. Works the
same on SQLite (several processes on one file) and PostgreSQL (several machines).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.store.coordination import ChatLease, HandledUpdate
from bot.store.models import utcnow
from bot.store.repo import Repo


class Take(enum.Enum):
    TAKEN = "taken"  # handle it, then release
    BUSY = "busy"  # another instance is handling this supporter: try again shortly
    DUPLICATE = "duplicate"  # this update was handled already: drop it


def take(repo: Repo, user_id: int, update_id: int, holder: str, lease: timedelta) -> Take:
    """Take `user_id`'s lease for `holder` to handle `update_id`, or say why not."""
    now = utcnow()
    dialect = repo.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {"user_id": user_id, "holder": holder, "expires_at": now + lease}
    statement = (
        insert(ChatLease)
        .values(**values)
        .on_conflict_do_update(
            index_elements=[col(ChatLease.user_id)],
            set_={"holder": holder, "expires_at": now + lease},
            where=or_(col(ChatLease.expires_at) < now, col(ChatLease.holder) == holder),
        )
        .returning(col(ChatLease.user_id))  # rowcount is not reliable for upserts on psycopg
    )
    # On the connection, not through the ORM: it runs for every update (repo.py, HOT_PATH).
    if repo.session.connection().execute(statement).first() is None:
        return Take.BUSY
    if repo.session.get(HandledUpdate, update_id) is not None:
        release(repo, user_id, holder)
        return Take.DUPLICATE
    return Take.TAKEN


def finish(repo: Repo, user_id: int, update_id: int, holder: str) -> None:
    """Record `update_id` as handled and give the supporter's lease back."""
    seen(repo, update_id)
    release(repo, user_id, holder)


def release(repo: Repo, user_id: int, holder: str) -> None:
    repo.bulk(
        delete(ChatLease).where(col(ChatLease.user_id) == user_id, col(ChatLease.holder) == holder)
    )


def release_all(repo: Repo, holder: str) -> int:
    """At start-up: leases this instance held when it stopped (or crashed) are void."""
    return repo.bulk(delete(ChatLease).where(col(ChatLease.holder) == holder))


def seen(repo: Repo, update_id: int) -> bool:
    """Record an update as handled; False if it was already."""
    try:
        with repo.session.begin_nested():
            repo.session.add(HandledUpdate(update_id=update_id, handled_at=utcnow()))
    except IntegrityError:
        return False
    return True


def prune(repo: Repo, before: datetime) -> int:
    """Forget updates handled before `before` and leases that have expired."""
    forgotten = repo.bulk(delete(HandledUpdate).where(col(HandledUpdate.handled_at) < before))
    repo.bulk(delete(ChatLease).where(col(ChatLease.expires_at) < utcnow()))
    return forgotten
