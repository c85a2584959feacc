"""`campaign-bot preview`: print the letters the bot would write for given answers, so organizers
can proof every letter; the database is opened only for lookups, and only if it exists."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.campaign import Campaign, LookupTarget, find_campaign, load_campaign
from bot.cli.database import missing_sqlite_file, opened_store
from bot.config import ConfigError, Settings
from bot.letters import Signer
from bot.places import read_place
from bot.preview import (
    SCORE_MEANING,
    Preview,
    PreviewError,
    PreviewRequest,
    check_request,
    chosen_targets,
    preview,
)


def print_preview(args: argparse.Namespace, settings: Settings) -> int:
    campaign = load_campaign(find_campaign(args.campaign or settings.campaign))
    try:
        result = _letters(campaign, _request(args), settings.database_url)
    except PreviewError as error:
        raise ConfigError(str(error)) from None
    for item in result.letters:
        letter = item.letter
        variant = Path(letter.variant).name.removesuffix(".txt.j2")
        print(f"===== to {item.target.label} · {variant} · personalization {letter.score:.0%}")
        print(letter.body)
        print(f"----- sources: {' | '.join(letter.sources)}")
        print()
    for note in result.notes:
        print(f"note: {note}")
    print(SCORE_MEANING)
    return 0


def _request(args: argparse.Namespace) -> PreviewRequest:
    place = read_place(args.place) if args.place else None
    if args.place and place is None:
        raise ConfigError(f"--place {args.place!r}: give a US address or ZIP, or City, Country")
    return PreviewRequest(
        targets=args.target or (),
        demands=args.demand or (),
        signer=Signer(args.name, place.place if place else None),
        story=args.story,
        seed=args.seed,
        all_variants=args.all_variants,
        district=args.district,
    )


def _letters(campaign: Campaign, request: PreviewRequest, database_url: str) -> Preview:
    """The letters, with members of Congress from the directory when a lookup is asked for."""
    check_request(campaign, request)
    targets = chosen_targets(campaign, request)
    if not any(isinstance(t, LookupTarget) for t in targets) or missing_sqlite_file(database_url):
        return preview(campaign, request)
    with opened_store(database_url) as store:
        return store.query(lambda repo: preview(campaign, request, repo))
