"""`campaign-bot campaigns`: every campaign of the catalogue with its state and dates, its link,
and its supporters and letters counted in the database; a database that does not exist yet is
said so, not created."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time

from bot.campaign import Campaign
from bot.campaign.catalogue import load_catalogue
from bot.cli.database import missing_sqlite_file, opened_store, safe_url
from bot.config import Settings
from bot.store.campaign_queries import CampaignLetters, letters_per_campaign
from bot.supporters.links import start_payload


def list_campaigns(_args: argparse.Namespace, settings: Settings) -> int:
    """Each campaign in four lines (id and title, state, link, counts), by id, the default marked;
    then the letters of campaigns whose file is gone."""
    catalogue = load_catalogue(settings.campaigns_dir, settings.campaign)
    letters = _letters(settings.database_url)
    now = datetime.now(UTC)
    for campaign in catalogue.campaigns:
        default = " (default)" if campaign.id == catalogue.default.id else ""
        print(f"{campaign.id}{default}: {campaign.title}")
        print(f"  {state_line(campaign, now)}")
        print(f"  link: https://t.me/<your bot>?start={start_payload(campaign.id)}")
        if letters is not None:
            print(f"  {_count_line(letters.get(campaign.id))}")
    if letters is None:
        print(f"letters: none counted, no database yet at {safe_url(settings.database_url)}")
        return 0
    for campaign_id in sorted(set(letters) - set(catalogue.ids)):
        print(f"{campaign_id}: no campaign file in the catalogue")
        print(f"  {_count_line(letters[campaign_id])}")
    return 0


def state_line(campaign: Campaign, now: datetime) -> str:
    """ "open (opened 2025-03-01, closes 2025-06-01 18:00 UTC)": the state at `now`, and each
    date in the tense `now` gives it."""
    dates = []
    if campaign.opens is not None:
        dates.append(f"{'opened' if campaign.opens <= now else 'opens'} {_moment(campaign.opens)}")
    if campaign.closes is not None:
        verb = "closed" if campaign.closes <= now else "closes"
        dates.append(f"{verb} {_moment(campaign.closes)}")
    state = campaign.state(now).value
    return f"{state} ({', '.join(dates)})" if dates else state


def _moment(moment: datetime) -> str:
    """A date given as a date reads as one; a time of day is shown in UTC."""
    utc = moment.astimezone(UTC)
    return utc.date().isoformat() if utc.time() == time() else utc.strftime("%Y-%m-%d %H:%M UTC")


def _count_line(counts: CampaignLetters | None) -> str:
    counts = counts or CampaignLetters("", 0, 0, 0)
    return (
        f"supporters: {counts.joined} · who wrote: {counts.writers} · letters drafted: "
        f"{counts.drafted} · marked sent: {counts.sent}"
    )


def _letters(url: str) -> dict[str, CampaignLetters] | None:
    """Letters per campaign id, or None when the SQLite file does not exist (looking must not
    create a database); any other trouble opening it is ConfigError's one line."""
    if missing_sqlite_file(url):
        return None
    with opened_store(url) as store:
        return store.query(letters_per_campaign)
