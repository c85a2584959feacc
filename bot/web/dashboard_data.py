"""The organizer dashboard's numbers as JSON-ready data: one campaign's `campaign_stats` (the
same numbers as /stats, so the page and the bot never disagree), letters per campaign, and the
data to re-check, all read in one transaction.

Plain functions of a Repo, so `Store.read` runs them off the event loop and the snapshot cache
(bot/web/snapshots.py) decides when; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.campaign import Campaign
from bot.campaign.freshness import directory_age, stale_items
from bot.letters.score import MEANING
from bot.places import US_STATES
from bot.reports.stats import CampaignStats, GroupTally, campaign_stats
from bot.store import Repo
from bot.store.campaign_queries import letters_per_campaign

Json = dict[str, Any]
TERRITORIES = ("AS", "GU", "MP", "PR", "VI")  # in the state table, not on the tile map
MAP_STATES = tuple(code for code in US_STATES if code not in TERRITORIES)  # 50 states and DC
TOP_MEMBERS = 20  # members of Congress listed by name, most letters first
# The columns of the page's tables, by kind of tally.
LETTERS = ("label", "drafted", "sent")  # LetterTally: demands and parties
RECIPIENT = ("label", "office", "drafted", "sent")  # RecipientTally
GROUP = ("label", "supporters", "writers", "drafted", "sent")  # GroupTally: states and sources


def dashboard_numbers(
    repo: Repo, campaign: Campaign, campaigns: Iterable[Campaign], now: datetime
) -> Json:
    """Everything the dashboard shows for `campaign` as of `now` (a datetime with a timezone);
    `campaigns` are the bot's, for the per-campaign table's titles."""
    today = now.date()
    stats = campaign_stats(repo, campaign, today)
    return {
        "campaign": {"id": campaign.id, "title": campaign.title, "state": campaign.state(now)},
        "computed_at": now.isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "totals": _totals(stats),
        "median_score": stats.median_supporter_score,
        "score_meaning": MEANING,
        "by_day": [
            {"day": d.day.isoformat(), "drafted": d.drafted, "sent": d.sent} for d in stats.by_day
        ],
        "by_demand": _rows(stats.by_demand, LETTERS),
        "by_recipient": _rows(stats.by_kind, RECIPIENT),
        "members": _rows(stats.members[:TOP_MEMBERS], RECIPIENT),
        "by_state": _rows(stats.by_state, GROUP),
        "by_source": _rows(stats.by_source, GROUP),
        "by_party": _rows(stats.by_party, LETTERS),
        "map": _map(stats.by_state),
        "by_campaign": _per_campaign(repo, campaigns),
        "freshness": _freshness(repo, campaign, now),
    }


def _totals(stats: CampaignStats) -> Json:
    totals = asdict(stats.totals)
    totals["share_sent"] = stats.totals.share_sent
    return totals


def _rows(tallies: Iterable[object], fields: tuple[str, ...]) -> list[Json]:
    """The tallies' `fields` as JSON objects: what the page's tables show, nothing more."""
    return [{name: getattr(tally, name) for name in fields} for tally in tallies]


def _map(by_state: Iterable[GroupTally]) -> Json:
    """Letters and supporters per US state code (50 states and DC), zeros included, for the
    tile-grid map; supporters with no state, in a territory or abroad are not on it."""
    tiles = {code: {"drafted": 0, "sent": 0, "supporters": 0} for code in MAP_STATES}
    for group in by_state:
        if group.key in tiles:
            tiles[group.key] = {
                "drafted": group.drafted,
                "sent": group.sent,
                "supporters": group.supporters,
            }
    return tiles


def _per_campaign(repo: Repo, campaigns: Iterable[Campaign]) -> list[Json]:
    """Every campaign with letters or supporters, the bot's own first (titled), then ids whose
    file is gone."""
    counts = letters_per_campaign(repo)
    titles = {campaign.id: campaign.title for campaign in campaigns}
    ordered = [*titles, *sorted(set(counts) - set(titles))]
    return [
        {
            "id": campaign_id,
            "title": titles.get(campaign_id, campaign_id),
            "joined": counts[campaign_id].joined,
            "writers": counts[campaign_id].writers,
            "drafted": counts[campaign_id].drafted,
            "sent": counts[campaign_id].sent,
        }
        for campaign_id in ordered
        if campaign_id in counts
    ]


def _freshness(repo: Repo, campaign: Campaign, now: datetime) -> list[Json]:
    """What to re-check, as /stats notes it: the campaign file's old dates, then the
    officials directory's problems when the campaign looks members of Congress up."""
    today = now.date()
    warnings = [
        {"what": item.description, "action": item.action.replace("`", "")}
        for item in stale_items(campaign, today)
    ]
    if campaign.lookups:
        directory = directory_age(repo, campaign.stale_after_days, today)
        warnings += [
            {"what": problem.replace("`", ""), "action": ""} for problem in directory.problems()
        ]
    return warnings
