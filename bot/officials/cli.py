"""`campaign-bot officials import | status | update`: the organizer's side of the directory.

`bot/cli.py` mounts these with `add_officials_commands(sub)`. Each command returns 0, or prints
one line that says what is wrong and returns 2, like the rest of the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, Settings, load_settings
from bot.officials.importers import (
    DEFAULT_MAX_BAD_FRACTION,
    DOWNLOAD_TIMEOUT_S,
    LEGISLATORS_URL,
    ZCCD_URL,
    OfficialsDataError,
)

# The database side (SQLAlchemy) is imported by the commands, not here: adding these commands
# to `campaign-bot` must not slow down `--help` and `preview`.
if TYPE_CHECKING:
    from bot.officials.datasets import ImportReport
    from bot.store import Store

PROG = "campaign-bot officials"
_SHOWN_PROBLEMS = 20
Command = Callable[[argparse.Namespace, Settings], int]


def add_officials_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `officials import|status|update` to a `campaign-bot` subparsers object."""
    officials = subparsers.add_parser(
        "officials",
        help="load, refresh and inspect the members of Congress and ZIP→district data",
        description="The officials directory: members of Congress (congress-legislators) and "
        "ZIP → district candidates (zccd). An import replaces the previous data atomically.",
    )
    sub = officials.add_subparsers(
        dest="officials_command", required=True, metavar="{import,status,update}"
    )

    load = sub.add_parser(
        "import",
        help="load legislators-current.json/.csv and/or zccd.csv",
        description="Load congress-legislators files (legislators-current.json or .csv) and/or "
        "zccd.csv (state_fips,state_abbr,zcta,cd). All files are applied in one transaction: "
        "if one fails, nothing changes.",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _add_max_bad(load)
    load.set_defaults(func=cmd_officials_import)

    show = sub.add_parser("status", help="what is loaded, and how old it is")
    show.set_defaults(func=cmd_officials_status)

    refresh = sub.add_parser(
        "update",
        help="download the current files and import them",
        description="Download legislators-current.json and zccd.csv from their public "
        "addresses and import both (all or nothing).",
    )
    refresh.add_argument("--legislators-url", default=LEGISLATORS_URL, metavar="URL")
    refresh.add_argument("--zccd-url", default=ZCCD_URL, metavar="URL")
    refresh.add_argument(
        "--timeout", type=float, default=DOWNLOAD_TIMEOUT_S, help="seconds per download"
    )
    _add_max_bad(refresh)
    refresh.set_defaults(func=cmd_officials_update)


def _add_max_bad(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-bad",
        type=float,
        default=DEFAULT_MAX_BAD_FRACTION,
        metavar="FRACTION",
        help="refuse a file when more than this share of its records is malformed "
        f"(default {DEFAULT_MAX_BAD_FRACTION})",
    )


def cmd_officials_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.officials.datasets import import_files

    return _with_store(
        settings,
        lambda store: _print_reports(
            import_files(store, args.files, max_bad_fraction=args.max_bad)
        ),
    )


def cmd_officials_update(args: argparse.Namespace, settings: Settings) -> int:
    from bot.officials.datasets import update

    return _with_store(
        settings,
        lambda store: _print_reports(
            update(
                store,
                legislators_url=args.legislators_url,
                zccd_url=args.zccd_url,
                timeout=args.timeout,
                max_bad_fraction=args.max_bad,
            )
        ),
    )


def cmd_officials_status(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.officials.datasets import format_status, status

    def show(store: Store) -> int:
        for line in format_status(store.call(status)):
            print(line)
        return 0

    return _with_store(settings, show)


def _print_reports(reports: Sequence[ImportReport]) -> int:
    for report in reports:
        print(report.summary())
        for problem in report.problems[:_SHOWN_PROBLEMS]:
            kind = "skipped" if problem.skipped else "warning"
            print(f"  {kind}: {problem}", file=sys.stderr)
        if len(report.problems) > _SHOWN_PROBLEMS:
            print(f"  … and {len(report.problems) - _SHOWN_PROBLEMS} more", file=sys.stderr)
    return 0


def _with_store(settings: Settings, work: Callable[[Store], int]) -> int:
    """Open the database, run `work`, and turn every expected failure into one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli import open_store  # here, not at the top: bot.cli imports this module

    try:
        store = open_store(settings.database_url)
        try:
            return work(store)
        finally:
            store.close()
    except (OfficialsDataError, ConfigError) as error:
        return _fail(str(error))
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return _fail(f"database error, nothing was changed: {reason}")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    """A parser with only the officials commands, for `python -m bot.officials.cli`."""
    parser = argparse.ArgumentParser(prog="campaign-bot")
    add_officials_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        return _fail(str(error))
    command: Command = args.func
    return int(command(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
