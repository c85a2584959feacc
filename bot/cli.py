"""Command line: `campaign-bot run | preview | stats | export`. Problems end in one line that
says what to do (exit status 2)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from bot.campaign import Campaign, CampaignError, find_campaign, load_campaign
from bot.config import ConfigError, Settings, load_settings
from bot.letters import LetterRenderer, LetterTemplateError, Signer, letter_seed
from bot.logsetup import setup_logging

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger("bot")


def _campaign(settings: Settings, override: str | None = None) -> Campaign:
    return load_campaign(find_campaign(override or settings.campaign))


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    setup_logging(logging.DEBUG if args.verbose else logging.INFO, secrets=[token])
    campaign = _campaign(settings)
    LetterRenderer(campaign)  # fail now, not at a supporter's last step, if templates are broken
    # Imported here so `preview` and `--help` stay fast and work without Telegram's stack.
    from telegram import Update

    from bot.telegram.app import build_application

    store = open_store(settings.database_url)
    app = build_application(settings, campaign, store)
    log.info("campaign %s loaded; database %s", campaign.id, _safe_url(settings.database_url))
    try:
        app.run_polling(
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
        )
    finally:
        store.close()
    return 0


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Print letters for given answers, so organizers can proof their templates."""
    campaign = _campaign(settings, args.campaign)
    renderer = LetterRenderer(campaign)
    targets = [t for t in campaign.targets if not args.target or t.id in args.target]
    if not targets:
        known = ", ".join(t.id for t in campaign.targets)
        raise ConfigError(f"no target matches {args.target}; this campaign has: {known}")
    variants = range(len(renderer.variants)) if args.all_variants else [args.seed]
    for target in targets:
        demands = campaign.demands_for([target.id], chosen=args.demand or None)
        for offset in variants:
            seed = letter_seed(campaign.id, "preview", target.id) if args.all_variants else 0
            letter = renderer.render(
                target, demands, Signer(args.name, args.place), args.story, seed + offset
            )
            print(f"===== to {target.label} · {letter.variant} · score {letter.score:.0%}")
            print(letter.body)
            print()
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print the campaign's numbers: the same function as /stats in Telegram."""
    from bot.stats import campaign_stats, format_stats_text

    campaign = _campaign(settings, args.campaign)
    store = open_store(settings.database_url)
    try:
        stats = store.call(campaign_stats, campaign)
    finally:
        store.close()
    sys.stdout.write(format_stats_text(stats))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write an export to --out (atomically: a failed run leaves no half file) or stdout."""
    from bot.export import export

    if args.include_personal and args.what == "summary":
        raise ConfigError(
            "--include-personal needs --what letters or --what supporters: "
            "the summary holds counts only."
        )
    campaign = _campaign(settings, args.campaign)
    to_stdout = args.out in (None, "-")
    # The temporary file comes first, so an unwritable --out fails before any database work.
    out, temporary = (sys.stdout.buffer, None) if to_stdout else _temporary_beside(Path(args.out))
    try:
        store = open_store(settings.database_url)
        try:
            export(
                store,
                out,
                campaign_id=campaign.id,
                what=args.what,
                fmt=args.format,
                include_personal=args.include_personal,
                since=args.since,
            )
        finally:
            store.close()
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


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-05-31") from None


def open_store(url: str) -> Store:
    """Connect and create tables, turning driver and connection failures into one-line advice."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from bot.store import Store

    try:
        return Store.from_url(url)
    except (ArgumentError, ModuleNotFoundError) as error:
        raise ConfigError(
            f"DATABASE_URL {_safe_url(url)!r} cannot be used ({error}). For PostgreSQL install "
            'the driver: pip install -e ".[postgres]" and use postgresql+psycopg://...'
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot create the database folder for {_safe_url(url)}: {error.strerror}. "
            "Check DATABASE_URL."
        ) from None
    except OperationalError as error:
        reason = str(error.orig) if error.orig else str(error)
        raise ConfigError(
            f"cannot open the database {_safe_url(url)}: {reason}. Check DATABASE_URL."
        ) from None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line (and exit status 2), like every other problem."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="campaign-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--verbose", action="store_true", help="debug logging (token still redacted)")
    run.set_defaults(func=cmd_run)

    preview = sub.add_parser("preview", help="print letters for given answers")
    preview.add_argument("--campaign", help="campaign file or id (default: CAMPAIGN)")
    preview.add_argument("--target", action="append", help="target id (repeatable)")
    preview.add_argument("--demand", action="append", help="demand id (repeatable)")
    preview.add_argument("--name", default="Ani Hakobyan")
    preview.add_argument("--place", default="Glendale, CA")
    preview.add_argument("--story", default="")
    preview.add_argument("--seed", type=int, default=0)
    preview.add_argument("--all-variants", action="store_true", help="one letter per variant")
    preview.set_defaults(func=cmd_preview)

    stats = sub.add_parser("stats", help="print the campaign's numbers")
    stats.add_argument("--campaign", help="campaign file or id (default: CAMPAIGN)")
    stats.set_defaults(func=cmd_stats)

    export = sub.add_parser(
        "export",
        help="write a participation export (CSV or JSON)",
        description="Write a participation export. The default summary holds counts only; "
        "letters and supporters have one row each, with pseudonymous ids unless "
        "--include-personal.",
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", help="file to write (default, or -: standard output)")
    export.add_argument("--what", choices=("summary", "letters", "supporters"), default="summary")
    export.add_argument(
        "--include-personal",
        action="store_true",
        help="add names, Telegram ids, city, ZIP and letter bodies (letters, supporters)",
    )
    export.add_argument(
        "--since",
        type=_day,
        metavar="YYYY-MM-DD",
        help="letters drafted (supporters joined) on or after this UTC day",
    )
    export.add_argument("--campaign", help="campaign file or id (default: CAMPAIGN)")
    export.set_defaults(func=cmd_export)
    from bot.officials.cli import add_officials_commands

    add_officials_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except (ConfigError, CampaignError, LetterTemplateError) as error:
        print(f"campaign-bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `campaign-bot preview | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
