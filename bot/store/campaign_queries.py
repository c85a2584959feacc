"""Counts per campaign for `campaign-bot campaigns`: who joined, who wrote, how many letters were
drafted and how many marked sent, for every campaign the letters or supporters name, in one
GROUP BY over the letters and one over the participations."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import distinct, func
from sqlmodel import col, select

from bot.store.models import Letter, Participation
from bot.store.repo import Repo


class CampaignLetters(NamedTuple):
    """One campaign's letters. Writers are the supporters who drafted one; letters of those
    who used /forget have no supporter and count as letters only."""

    campaign_id: str
    writers: int
    drafted: int
    sent: int
    joined: int = 0  # supporters who opened the campaign, whether or not they wrote


def letters_per_campaign(repo: Repo) -> dict[str, CampaignLetters]:
    """Letters and supporters counted per campaign id, with campaigns whose file is gone too;
    none: absent."""
    query = select(
        col(Letter.campaign_id),
        func.count(distinct(col(Letter.supporter_id))),
        func.count(),
        func.count(col(Letter.sent_at)),
    ).group_by(col(Letter.campaign_id))
    counts = {
        campaign_id: CampaignLetters(campaign_id, int(writers), int(drafted), int(sent))
        for campaign_id, writers, drafted, sent in repo.session.exec(query)
    }
    joined = select(col(Participation.campaign_id), func.count()).group_by(
        col(Participation.campaign_id)
    )
    for campaign_id, supporters in repo.session.exec(joined):
        letters = counts.get(campaign_id, CampaignLetters(campaign_id, 0, 0, 0))
        counts[campaign_id] = letters._replace(joined=int(supporters))
    return counts
