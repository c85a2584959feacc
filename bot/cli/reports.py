"""`campaign-bot stats` and `campaign-bot export`: the campaign's numbers, the same as /stats in
Telegram, and participation exports written atomically to a file or to standard output."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.campaign.catalogue import load_catalogue
from bot.cli.database import opened_store
from bot.config import ConfigError, Settings
from bot.reports.export import export
from bot.reports.stats import campaign_stats
from bot.reports.stats_text import format_stats_text


def _campaign(args: argparse.Namespace, settings: Settings) -> Campaign:
    """--campaign (an id in CAMPAIGNS, or a file), else the default campaign."""
    if args.campaign:
        return load_campaign(find_campaign(args.campaign, folder=settings.campaigns_dir))
    return load_catalogue(settings.campaigns_dir, settings.campaign).default


def print_stats(args: argparse.Namespace, settings: Settings) -> int:
    campaign = _campaign(args, settings)
    with opened_store(settings.database_url) as store:
        stats = store.query(campaign_stats, campaign)
    sys.stdout.write(format_stats_text(stats))
    return 0


def write_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write an export to --out (atomically: a failed run leaves no half file) or stdout."""
    if args.include_personal and args.what == "summary":
        raise ConfigError(
            "--include-personal needs --what letters or --what supporters: "
            "the summary holds counts only."
        )
    campaign = _campaign(args, settings)
    to_stdout = args.out in (None, "-")
    # The temporary file comes first, so an unwritable --out fails before any database work.
    out, temporary = (sys.stdout.buffer, None) if to_stdout else _temporary_beside(Path(args.out))
    try:
        with opened_store(settings.database_url) as store:
            export(
                store,
                out,
                campaign_id=campaign.id,
                campaign=campaign,
                what=args.what,
                fmt=args.format,
                include_personal=args.include_personal,
                since=args.since,
            )
        out.flush()
        if temporary is not None:
            out.close()
            os.replace(temporary, args.out)
    except BaseException:
        if temporary is not None:
            out.close()
            temporary.unlink(missing_ok=True)
        raise
    return 0


def _temporary_beside(path: Path) -> tuple[IO[bytes], Path]:
    """A new file in `path`'s folder, renamed over `path` once the export is complete."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror}. Check --out.") from None
    return os.fdopen(handle, "wb"), Path(name)
