"""`campaign-bot reload`: the campaign files checked as the bot loads them, then a reload asked
of every running instance through the database (they look every 10 seconds)."""

from __future__ import annotations

import argparse
import sys

from bot.campaign import CampaignError
from bot.campaign.catalogue import load_catalogue
from bot.cli.database import opened_store
from bot.config import Settings
from bot.store import reloads
from bot.telegram.reloading import CHECK_EVERY


def request_reload(_args: argparse.Namespace, settings: Settings) -> int:
    """Exit 2 and ask nothing when a file has an error: the bot keeps what it runs."""
    try:
        catalogue = load_catalogue(settings.campaigns_dir, settings.campaign)
    except CampaignError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        print("nothing reloaded: the running bot keeps its campaigns", file=sys.stderr)
        return 2
    with opened_store(settings.database_url) as store:
        store.call(reloads.request)
    seconds = int(CHECK_EVERY.total_seconds())
    print(
        f"OK: {len(catalogue.campaigns)} campaign file(s) load; the running bot serves "
        f"{catalogue.default.id} again from them within {seconds} seconds"
    )
    return 0
