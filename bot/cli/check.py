"""`campaign-bot check`: is a campaign file usable, which of its dates are old, and how old is
the officials directory; old dates warn without failing, so scripts break only on a bad file."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime

from bot.campaign import CampaignError, find_campaign, load_campaign
from bot.campaign.freshness import UPDATE_DIRECTORY, directory_age, stale_items
from bot.cli.database import missing_sqlite_file, opened_store, safe_url
from bot.config import Settings
from bot.letters import LetterRenderer, LetterTemplateError


def check_campaign(args: argparse.Namespace, settings: Settings) -> int:
    """Validate a campaign file, then list its stale dates and the directory's: exit status 2
    only when the file cannot be used."""
    try:
        campaign = load_campaign(find_campaign(args.file or settings.campaign))
        LetterRenderer(campaign)  # the templates must load too, as at start-up
    except (CampaignError, LetterTemplateError) as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    today = args.today or datetime.now(UTC).date()
    print(f"OK: {campaign.title} ({campaign.id})")
    items = stale_items(campaign, today)
    for item in items:
        print(f"stale: {item.line}")
    if not items:
        print(f"fresh: every date is within {campaign.stale_after_days} days (stale_after_days)")
    if campaign.lookups:
        for line in _directory_lines(settings.database_url, campaign.stale_after_days, today):
            print(f"officials directory: {line}")
    return 0


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
