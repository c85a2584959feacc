"""Command line: `campaign-bot run | preview | stats | export | check`. Problems end in one line
that says what to do (exit status 2)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from bot.campaign import Campaign, CampaignError, LookupTarget, find_campaign, load_campaign
from bot.config import DEFAULT_BASE_URL, ConfigError, Settings, load_settings
from bot.letters import LetterRenderer, LetterTemplateError, Signer
from bot.logsetup import RedactingFilter, install_excepthooks, setup_logging
from bot.places import read_place

if TYPE_CHECKING:
    from telegram.error import InvalidToken, TelegramError
    from telegram.ext import Application

    from bot.store import Store

log = logging.getLogger("bot")


def _campaign(settings: Settings, override: str | None = None) -> Campaign:
    return load_campaign(find_campaign(override or settings.campaign))


def _warn_stale(campaign: Campaign, store: Store) -> None:
    """At start-up, one warning per stale date: old data is seen where the bot is watched."""
    from bot.campaign.freshness import directory_age, stale_items

    today = datetime.now(UTC).date()
    for item in stale_items(campaign, today):
        log.warning("stale: %s", item.line)
    if campaign.lookups:
        for problem in store.query(directory_age, campaign.stale_after_days, today).problems():
            log.warning("officials directory: %s", problem)


# How many times PTB's bootstrap (`bootstrap_retries`) tries again while Telegram cannot be
# reached at start-up. It waits 1.5 s, then 1.5 times longer each time (capped at 30 s; no wait
# after a timeout, which has waited already): 8 retries wait about 75 s in all. That rides out a
# network that comes up after the bot (a reboot, a container, Wi-Fi reconnecting), yet an
# organizer at a terminal learns of a dead connection or a wrong TELEGRAM_BASE_URL within a
# minute or two. Not -1 (forever): a bot retrying unseen looks as if it runs; retrying forever is
# a service manager's job (systemd Restart=, Docker restart policies). A rejected token is never
# retried: PTB gives up on InvalidToken at once.
STARTUP_RETRIES = 8


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    secrets = [token, settings.webhook_secret or ""]
    install_excepthooks(secrets)  # before anything can fail with the token in its message
    setup_logging(logging.DEBUG if args.verbose else logging.INFO, secrets=secrets)
    if args.webhook:
        settings.require_webhook()
    app, store = _build(settings, webhook=args.webhook)
    try:
        with _telegram_errors(settings):
            if args.webhook:
                from bot.telegram.webhook import run_webhook

                run_webhook(app, settings, retries=STARTUP_RETRIES)
            else:
                _poll(app)
    finally:
        store.close()
    return 0


def _build(
    settings: Settings, webhook: bool = False
) -> tuple[Application[Any, Any, Any, Any, Any, Any], Store]:
    """The bot with its campaign and database, checked before Telegram is contacted.

    With webhooks, several instances may share the database: each is named by its port (so a
    restarted one takes back its own supporter leases) and they share one send budget.
    """
    campaign = _campaign(settings)
    LetterRenderer(campaign)  # fail now, not at a supporter's last step, if templates are broken
    # Imported here so `preview` and `--help` stay fast and work without Telegram's stack.
    from bot.telegram.app import build_application

    store = open_store(settings.database_url)
    try:
        app = build_application(
            settings,
            campaign,
            store,
            instance=f"webhook-{settings.webhook_port}" if webhook else "polling",
            shared_send_budget=webhook,
        )
        log.info("campaign %s loaded; database %s", campaign.id, _safe_url(settings.database_url))
        _warn_stale(campaign, store)
    except BaseException:
        store.close()
        raise
    return app, store


def _poll(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Updates arrive by long polling, until the process is stopped."""
    from bot.telegram.webhook import ALLOWED_UPDATES

    app.run_polling(allowed_updates=list(ALLOWED_UPDATES), bootstrap_retries=STARTUP_RETRIES)


@contextmanager
def _telegram_errors(settings: Settings) -> Iterator[None]:
    """Telegram refusing the bot, or out of reach, ends in one line on what to fix; PTB's
    messages name the token (InvalidToken), so the line is redacted too."""
    from telegram.error import TelegramError

    try:
        yield
    except TelegramError as error:
        advice = _telegram_advice(error, settings.base_url)
        raise ConfigError(RedactingFilter([settings.token or ""]).redact(advice)) from None


def _telegram_advice(error: TelegramError, base_url: str) -> str:
    from telegram.error import InvalidToken, NetworkError

    custom = base_url != DEFAULT_BASE_URL
    if isinstance(error, InvalidToken):
        return _rejected_advice(error, base_url if custom else None)
    reason = _one_line(str(error))
    if isinstance(error, NetworkError):
        url_too = ", and TELEGRAM_BASE_URL" if custom else ""
        return (
            f"cannot reach Telegram at {base_url} ({reason}): check the internet connection, "
            f"a proxy or firewall{url_too}; then start again."
        )
    return f"Telegram refused to start the bot: {reason}."


def _rejected_advice(error: InvalidToken, custom_url: str | None) -> str:
    """PTB raises InvalidToken for 401 and 404 alike; the server's description is its cause."""
    if "Not Found" not in str(error.__cause__):
        return (
            "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): it was revoked or "
            "mistyped; get a new token from @BotFather and set TELEGRAM_BOT_TOKEN."
        )
    if custom_url:  # a wrong URL answers 404 before any token is looked at
        return (
            f"TELEGRAM_BASE_URL {custom_url} answered 404 Not Found, so the token was not "
            f"checked: fix TELEGRAM_BASE_URL (Telegram's is {DEFAULT_BASE_URL})."
        )
    return (
        "Telegram does not know TELEGRAM_BOT_TOKEN (404 Not Found): copy it again from @BotFather."
    )


def _one_line(text: str) -> str:
    """Driver and network messages can span lines (PostgreSQL's do): one line to print."""
    return " ".join(text.split())


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Print letters for given answers, so organizers can proof every letter the bot writes."""
    from bot.preview import (
        SCORE_MEANING,
        PreviewError,
        PreviewRequest,
        check_request,
        chosen_targets,
        preview,
    )

    campaign = _campaign(settings, args.campaign)
    place = read_place(args.place) if args.place else None
    if args.place and place is None:
        raise ConfigError(f"--place {args.place!r}: give a US address or ZIP, or City, Country")
    request = PreviewRequest(
        targets=args.target or (),
        demands=args.demand or (),
        signer=Signer(args.name, place.place if place else None),
        story=args.story,
        seed=args.seed,
        all_variants=args.all_variants,
        district=args.district,
    )
    try:
        check_request(campaign, request)
        lookups = [t for t in chosen_targets(campaign, request) if isinstance(t, LookupTarget)]
        store = None
        if lookups and not _missing_sqlite_file(settings.database_url):
            store = open_store(settings.database_url)
        try:
            if store is None:
                result = preview(campaign, request)
            else:
                result = store.query(lambda repo: preview(campaign, request, repo))
        finally:
            if store is not None:
                store.close()
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


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print the campaign's numbers: the same function as /stats in Telegram."""
    from bot.stats import campaign_stats, format_stats_text

    campaign = _campaign(settings, args.campaign)
    store = open_store(settings.database_url)
    try:
        stats = store.query(campaign_stats, campaign)
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
                campaign=campaign,
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


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate a campaign file, then list its stale dates and the directory's: exit status 2
    only when the file cannot be used, so old dates warn without breaking scripts."""
    from bot.campaign.freshness import stale_items

    try:
        campaign = _campaign(settings, args.file)
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
    from bot.campaign.freshness import UPDATE_DIRECTORY, directory_age

    if _missing_sqlite_file(url):  # do not create a database just to look into it
        return [f"not loaded (no database at {_safe_url(url)}): {UPDATE_DIRECTORY}"]
    try:
        store = open_store(url)
        try:
            age = store.query(directory_age, stale_after_days, today)
        finally:
            store.close()
    except Exception as error:  # any database trouble is one line, never a failed check
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return [f"not checked: {reason}"]
    return [age.summary(), *age.warnings]


def _missing_sqlite_file(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # open_store says what is wrong with it
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return False
    return not database.startswith("file:") and not Path(database).expanduser().exists()


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
    except (ArgumentError, ValueError, ModuleNotFoundError) as error:  # ValueError: a bad port
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
        reason = _one_line(str(error.orig) if error.orig else str(error))
        raise ConfigError(
            f"cannot open the database {_safe_url(url)}: {reason}. Check DATABASE_URL."
        ) from None


# "user:password@" in a URL SQLAlchemy cannot parse, and a password given as a query parameter.
_URL_PASSWORD = re.compile(r"(://[^/@:]*:)[^/]*@")
_QUERY_PASSWORD = re.compile(r"(?i)(password=)[^&]*")


def _safe_url(url: str) -> str:
    """DATABASE_URL for messages and logs: the password hidden, even where the URL is broken."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        shown = _URL_PASSWORD.sub(r"\1***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", shown)


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line (and exit status 2), like every other problem."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="campaign-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--verbose", action="store_true", help="debug logging (token still redacted)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN, "
        "WEBHOOK_PORT) instead of long polling; several instances may share a PostgreSQL "
        "database",
    )
    run.set_defaults(func=cmd_run)

    preview = sub.add_parser(
        "preview",
        help="print letters for given answers",
        description="Print the letters the bot would write, to check templates and asks. "
        "Letters to senators and a representative need the officials directory and a US "
        "address or ZIP code in --place.",
    )
    preview.add_argument("--campaign", help="campaign file or id (default: CAMPAIGN)")
    preview.add_argument(
        "--target", action="append", help="office or lookup id, e.g. senators (repeatable)"
    )
    preview.add_argument("--demand", action="append", help="demand id (repeatable)")
    preview.add_argument("--name", default="Ani Hakobyan")
    preview.add_argument(
        "--place",
        default="Glendale, CA 91203",
        help='where the supporter lives: a ZIP, "City, ST 12345", a full address, "City, Country"',
    )
    preview.add_argument("--district", help="for a ZIP split between districts: WA-9")
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

    check = sub.add_parser(
        "check",
        help="validate a campaign file and list the dates to re-check",
        description="Validate a campaign file (exit status 2 if it cannot be used), then list "
        "every date older than its stale_after_days, and the officials directory's age.",
    )
    check.add_argument(
        "file", nargs="?", metavar="FILE", help="campaign file or id (default: CAMPAIGN)"
    )
    check.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="check as of this day")
    check.set_defaults(func=cmd_check)
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
