"""A supporter's part in each campaign (the `Participation` rows): joining one, where they came
from and who invited them, and whether they want its updates. Each function takes a `Repo`
first and runs in its transaction."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import col, select

from bot.store.models import Participation
from bot.store.once import insert_once
from bot.store.repo import Repo


def participation(repo: Repo, supporter_id: int, campaign_id: str) -> Participation | None:
    return repo.session.exec(
        select(Participation).where(
            Participation.supporter_id == supporter_id, Participation.campaign_id == campaign_id
        )
    ).first()


def join(
    repo: Repo,
    supporter_id: int,
    campaign_id: str,
    source: str | None = None,
    referrer_id: int | None = None,
) -> tuple[Participation, bool]:
    """The supporter's row in the campaign, made now if they are new to it (True); the source
    and referrer count only then, so a second link never rewrites where they came from."""
    existing = participation(repo, supporter_id, campaign_id)
    if existing is not None:
        return existing, False
    row = Participation(
        supporter_id=supporter_id, campaign_id=campaign_id, source=source, referrer_id=referrer_id
    )
    return insert_once(repo.session, row, lambda: participation(repo, supporter_id, campaign_id))


def invited_count(repo: Repo, supporter_id: int, campaign_id: str) -> int:
    """How many supporters joined the campaign through this supporter's invite link."""
    return repo.session.exec(
        select(func.count()).where(
            col(Participation.referrer_id) == supporter_id,
            col(Participation.campaign_id) == campaign_id,
        )
    ).one()


def supporters_in(repo: Repo, campaign_id: str) -> int:
    """How many supporters took part in the campaign."""
    return repo.session.exec(
        select(func.count()).where(col(Participation.campaign_id) == campaign_id)
    ).one()


def stop_updates(repo: Repo, supporter_id: int) -> int:
    """/stop: no campaign's updates any more; how many subscriptions ended."""
    return repo.bulk(
        update(Participation)
        .where(col(Participation.supporter_id) == supporter_id, col(Participation.opted_in))
        .values(opted_in=False, offered_updates=True)
    )
