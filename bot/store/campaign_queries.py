"""Counts per campaign for `campaign-bot campaigns`: who wrote, how many letters were drafted and
how many marked sent, for every campaign the letters name, in one GROUP BY over the letters."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import distinct, func
from sqlmodel import col, select

from bot.store.models import Letter
from bot.store.repo import Repo


class CampaignLetters(NamedTuple):
    """One campaign's letters. Writers are the supporters who drafted one; letters of those
    who used /forget have no supporter and count as letters only."""

    campaign_id: str
    writers: int
    drafted: int
    sent: int


def letters_per_campaign(repo: Repo) -> dict[str, CampaignLetters]:
    """Letters counted per campaign id, with campaigns whose file is gone too; none: absent."""
    query = select(
        col(Letter.campaign_id),
        func.count(distinct(col(Letter.supporter_id))),
        func.count(),
        func.count(col(Letter.sent_at)),
    ).group_by(col(Letter.campaign_id))
    return {
        campaign_id: CampaignLetters(campaign_id, int(writers), int(drafted), int(sent))
        for campaign_id, writers, drafted, sent in repo.session.exec(query)
    }
