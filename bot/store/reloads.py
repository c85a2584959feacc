"""The last request to reload the campaign files, shared by every instance through the
database: one row, written by whoever asked, read by each instance every few seconds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.store.coordination import ReloadRequest
from bot.store.models import as_utc, utcnow
from bot.store.repo import Repo

CAMPAIGNS = "campaigns"


def request(repo: Repo) -> datetime:
    """Ask every instance to reload now; the time of the request."""
    now = utcnow()
    changed = repo.bulk(
        update(ReloadRequest).where(col(ReloadRequest.name) == CAMPAIGNS).values(requested_at=now)
    )
    if not changed:
        try:  # the first request ever; another instance may be making it too
            with repo.session.begin_nested():
                repo.session.add(ReloadRequest(name=CAMPAIGNS, requested_at=now))
        except IntegrityError:
            return request(repo)
    return now


def requested_at(repo: Repo) -> datetime | None:
    row = repo.session.get(ReloadRequest, CAMPAIGNS)
    return as_utc(row.requested_at) if row is not None else None
