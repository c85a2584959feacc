"""`campaign-bot officials import | status | update`: the organizer's side of the officials
directory. Each command returns 0, or prints one line that says what is wrong and returns 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.cli.database import opened_store
from bot.config import ConfigError, Settings
from bot.officials.datasets import ImportReport, import_files, update
from bot.officials.importers import OfficialsDataError
from bot.officials.status import format_status, status
from bot.store import Store

PROG = "campaign-bot officials"
_SHOWN_PROBLEMS = 20


def import_officials(args: argparse.Namespace, settings: Settings) -> int:
    return _with_store(
        settings,
        lambda store: _print_reports(
            import_files(store, args.files, max_bad_fraction=args.max_bad)
        ),
    )


def update_officials(args: argparse.Namespace, settings: Settings) -> int:
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


def show_status(_args: argparse.Namespace, settings: Settings) -> int:
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
    try:
        with opened_store(settings.database_url) as store:
            return work(store)
    except (OfficialsDataError, ConfigError) as error:
        return _fail(str(error))
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return _fail(f"database error, nothing was changed: {reason}")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2
