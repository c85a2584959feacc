"""Every command and option of `campaign-bot`, in one parser; each command names the function
that runs it (a `Command`), which is imported only when that command runs."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from bot.config import Settings
from bot.officials.importers import (
    DEFAULT_MAX_BAD_FRACTION,
    DOWNLOAD_TIMEOUT_S,
    LEGISLATORS_URL,
    ZCCD_URL,
)

DESCRIPTION = """Command line: `campaign-bot run | preview | stats | export | campaigns | check |
reload | officials`. Problems end in one line that says what to do (exit status 2)."""
CAMPAIGN_HELP = "a campaign's id in CAMPAIGNS, or its file (default: the default campaign)"
WEBHOOK_HELP = """serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN,
WEBHOOK_PORT) instead of long polling; several instances may share a PostgreSQL database"""
PLACE_HELP = 'where the supporter lives: a ZIP, "City, ST 12345", a full address, "City, Country"'
PERSONAL_HELP = "add names, Telegram ids, city, ZIP and letter bodies (letters, supporters)"
SINCE_HELP = "letters drafted (supporters joined) on or after this UTC day"

# What `--help` says of each command: its line in the list of commands, and its description
# (argparse joins the description's lines and wraps them to the terminal).
COMMAND_HELP: dict[str, tuple[str, str | None]] = {
    "run": ("run the bot (long polling, or --webhook)", None),
    "preview": (
        "print letters for given answers",
        """Print the letters the bot would write, to check templates and asks. Letters to
        senators and a representative need the officials directory and a US address or ZIP code
        in --place.""",
    ),
    "stats": ("print the campaign's numbers", None),
    "export": (
        "write a participation export (CSV or JSON)",
        """Write a participation export. The default summary holds counts only; letters and
        supporters have one row each, with pseudonymous ids unless --include-personal.""",
    ),
    "campaigns": (
        "list the campaigns with their state and letters",
        """List every campaign in the CAMPAIGNS folder (and the CAMPAIGN file): its state (draft,
        upcoming, open or closed) with its dates, and the supporters who wrote, letters drafted
        and letters marked sent in the database.""",
    ),
    "check": (
        "validate the campaign files and list the dates to re-check",
        """Validate every campaign file in the CAMPAIGNS folder (and the CAMPAIGN file), or only
        FILE (exit status 2 if one cannot be used), then list every date older than its
        campaign's stale_after_days, and the officials directory's age.""",
    ),
    "reload": (
        "reload the campaign files in the running bot",
        """Check every campaign file as the bot loads them; if all load, ask the running bot (every
        instance sharing DATABASE_URL) to reload them within 10 seconds, without a restart. With
        an error nothing is asked, and the bot keeps what it runs.""",
    ),
    "officials": (
        "load, refresh and inspect the members of Congress and ZIP→district data",
        """The officials directory: members of Congress (congress-legislators) and ZIP →
        district candidates (zccd). An import replaces the previous data atomically.""",
    ),
    "import": (
        "load legislators-current.json/.csv and/or zccd.csv",
        """Load congress-legislators files (legislators-current.json or .csv) and/or zccd.csv
        (state_fips,state_abbr,zcta,cd). All files are applied in one transaction: if one
        fails, nothing changes.""",
    ),
    "status": ("what is loaded, and how old it is", None),
    "update": (
        "download the current files and import them",
        """Download legislators-current.json and zccd.csv from their public addresses and
        import both (all or nothing).""",
    ),
}

Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"


@dataclass(frozen=True)
class Command:
    """The function that runs a command, as `bot.cli.<module>.<function>`: imported only when
    the command runs, so `--help` loads neither Telegram's stack nor SQLAlchemy."""

    module: str
    function: str

    def load(self) -> Callable[[argparse.Namespace, Settings], int]:
        command: Callable[[argparse.Namespace, Settings], int] = getattr(
            importlib.import_module(f"bot.cli.{self.module}"), self.function
        )
        return command


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line (and exit status 2), like every other problem."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="campaign-bot", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_run(commands)
    _add_preview(commands)
    _add_stats(commands)
    _add_export(commands)
    _command(commands, "campaigns", Command("campaigns", "list_campaigns"))
    _add_check(commands)
    _command(commands, "reload", Command("reload", "request_reload"))
    _add_officials(commands)
    return parser


def _command(commands: Subparsers, name: str, runs: Command | None) -> argparse.ArgumentParser:
    """Add the command `name` with its help from COMMAND_HELP; `runs` runs it (None: a group of
    commands)."""
    summary, description = COMMAND_HELP[name]
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description
    )
    if runs is not None:
        parser.set_defaults(handler=runs)
    return parser


def _add_run(commands: Subparsers) -> None:
    run = _command(commands, "run", Command("run", "run"))
    run.add_argument("--verbose", action="store_true", help="debug logging (token still redacted)")
    run.add_argument("--webhook", action="store_true", help=WEBHOOK_HELP)


def _add_preview(commands: Subparsers) -> None:
    preview = _command(commands, "preview", Command("preview", "print_preview"))
    preview.add_argument("--campaign", help=CAMPAIGN_HELP)
    preview.add_argument(
        "--target", action="append", help="office or lookup id, e.g. senators (repeatable)"
    )
    preview.add_argument("--demand", action="append", help="demand id (repeatable)")
    preview.add_argument("--name", default="Ani Hakobyan")
    preview.add_argument("--place", default="Glendale, CA 91203", help=PLACE_HELP)
    preview.add_argument("--district", help="for a ZIP split between districts: WA-9")
    preview.add_argument("--story", default="")
    preview.add_argument("--seed", type=int, default=0)
    preview.add_argument("--all-variants", action="store_true", help="one letter per variant")


def _add_stats(commands: Subparsers) -> None:
    stats = _command(commands, "stats", Command("reports", "print_stats"))
    stats.add_argument("--campaign", help=CAMPAIGN_HELP)


def _add_export(commands: Subparsers) -> None:
    export = _command(commands, "export", Command("reports", "write_export"))
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", help="file to write (default, or -: standard output)")
    export.add_argument("--what", choices=("summary", "letters", "supporters"), default="summary")
    export.add_argument("--include-personal", action="store_true", help=PERSONAL_HELP)
    export.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help=SINCE_HELP)
    export.add_argument("--campaign", help=CAMPAIGN_HELP)


def _add_check(commands: Subparsers) -> None:
    check = _command(commands, "check", Command("check", "check_campaign"))
    check.add_argument(
        "file", nargs="?", metavar="FILE", help="campaign file or id (default: all campaigns)"
    )
    check.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="check as of this day")


def _add_officials(commands: Subparsers) -> None:
    officials = _command(commands, "officials", None)
    sub = officials.add_subparsers(
        dest="officials_command", required=True, metavar="{import,status,update}"
    )
    load = _command(sub, "import", Command("officials", "import_officials"))
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _add_max_bad(load)
    _command(sub, "status", Command("officials", "show_status"))
    refresh = _command(sub, "update", Command("officials", "update_officials"))
    refresh.add_argument("--legislators-url", default=LEGISLATORS_URL, metavar="URL")
    refresh.add_argument("--zccd-url", default=ZCCD_URL, metavar="URL")
    refresh.add_argument(
        "--timeout", type=float, default=DOWNLOAD_TIMEOUT_S, help="seconds per download"
    )
    _add_max_bad(refresh)


def _add_max_bad(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-bad",
        type=float,
        default=DEFAULT_MAX_BAD_FRACTION,
        metavar="FRACTION",
        help="refuse a file when more than this share of its records is malformed "
        f"(default {DEFAULT_MAX_BAD_FRACTION})",
    )


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-05-31") from None
