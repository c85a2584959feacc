"""`campaign-bot check`: are the campaign files usable (the whole catalogue, or one FILE), which
of their dates are old, and how old is the officials directory; old dates warn without
failing, so scripts break only on a bad file."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime

from bot.campaign import Campaign, CampaignError, find_campaign
from bot.campaign.catalogue import load_catalogue, load_usable_campaign
from bot.campaign.freshness import UPDATE_DIRECTORY, directory_age, stale_items
from bot.cli.database import missing_sqlite_file, opened_store, safe_url
from bot.config import Settings


def check_campaign(args: argparse.Namespace, settings: Settings) -> int:
    """Validate FILE, or without one every campaign file as the bot loads them, then list each
    campaign's stale dates and the directory's: exit status 2 only when a file cannot be used."""
    try:
        campaigns = _usable_campaigns(args.file, settings)
    except CampaignError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    today = args.today or datetime.now(UTC).date()
    for campaign in campaigns:
        _print_dates(campaign, today)
    looked_up = [c.stale_after_days for c in campaigns if c.lookups]
    if looked_up:  # one directory for all: judged by the strictest campaign that uses it
        for line in _directory_lines(settings.database_url, min(looked_up), today):
            print(f"officials directory: {line}")
    return 0


def _usable_campaigns(file: str | None, settings: Settings) -> list[Campaign]:
    """FILE (a path, or an id in the CAMPAIGNS folder), or the whole catalogue."""
    if file:
        return [load_usable_campaign(find_campaign(file, settings.campaigns_dir))]
    return list(load_catalogue(settings.campaigns_dir, settings.campaign).campaigns)


def _print_dates(campaign: Campaign, today: date) -> None:
    print(f"OK: {campaign.title} ({campaign.id})")
    items = stale_items(campaign, today)
    for item in items:
        print(f"stale: {item.line}")
    if not items:
        print(f"fresh: every date is within {campaign.stale_after_days} days (stale_after_days)")


def _directory_lines(url: str, stale_after_days: int, today: date) -> list[str]:
    """The directory's age and warnings, or one line on why they cannot be read: `check` is
    about the campaign file and never fails because of the database."""
    if missing_sqlite_file(url):  # do not create a database just to look into it
        return [f"not loaded (no database at {safe_url(url)}): {UPDATE_DIRECTORY}"]
    try:
        with opened_store(url) as store:
            age = store.query(directory_age, stale_after_days, today)
    except Exception as error:  # any database trouble is one line, never a failed check
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return [f"not checked: {reason}"]
    return [age.summary(), *age.warnings]
