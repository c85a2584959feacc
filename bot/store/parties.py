"""Queries on letter-writing parties: one open party per group chat, found by its chat or by the
code in its deep link, and the letters written and sent through it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select

from bot.store.models import Letter, Party, utcnow
from bot.store.once import insert_once
from bot.store.repo import Repo

OPEN, ENDED = "open", "ended"


def open_in(repo: Repo, chat_id: int) -> Party | None:
    query = select(Party).where(col(Party.chat_id) == chat_id, col(Party.status) == OPEN)
    return repo.session.exec(query).first()


def by_code(repo: Repo, code: str) -> Party | None:
    return repo.session.exec(select(Party).where(col(Party.code) == code)).first()


def add(repo: Repo, party: Party) -> tuple[Party, bool]:
    """Insert, or the party another tap or instance opened in the chat first (False)."""
    return insert_once(repo.session, party, lambda: open_in(repo, party.chat_id))


def end(repo: Repo, party_id: int) -> bool:
    """End an open party once: True only for the call that ended it."""
    ended = repo.bulk(
        update(Party)
        .where(col(Party.id) == party_id, col(Party.status) == OPEN)
        .values(status=ENDED, ended_at=utcnow())
    )
    return ended == 1


def tally(repo: Repo, party_id: int) -> tuple[int, int, int]:
    """(letters written, letters sent, people who wrote) at a party."""
    query = select(
        func.count(),
        func.count(col(Letter.sent_at)),
        func.count(func.distinct(col(Letter.supporter_id))),
    ).where(col(Letter.party_id) == party_id)
    written, sent, writers = repo.session.exec(query).one()
    return written, sent, writers


def open_parties(repo: Repo) -> list[Party]:
    return list(repo.session.exec(select(Party).where(col(Party.status) == OPEN)))


def record_card(repo: Repo, party_id: int, message_id: int) -> None:
    repo.bulk(update(Party).where(col(Party.id) == party_id).values(card_message_id=message_id))


def record_shown(repo: Repo, party_id: int, written: int, sent: int, at: datetime) -> None:
    repo.bulk(
        update(Party)
        .where(col(Party.id) == party_id)
        .values(shown_written=written, shown_sent=sent, shown_at=at)
    )
