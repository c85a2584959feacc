"""What the stats and export queries share: labels for missing values, UTC day windows, values
formatted in SQL alike on every database, and the members of Congress that name recipients.

Days are UTC calendar days, and timestamps are UTC ("YYYY-MM-DD HH:MM:SS"). The queries themselves
live in bot/store/stats_queries.py and bot/store/export_queries.py.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Float, Numeric, String, case, cast, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.store.models import Legislator
from bot.store.repo import Repo

DIRECT = "direct"
"""How a supporter without a deep-link payload (source NULL) is shown."""
UNKNOWN_STATE = "unknown"
"""How a supporter without a known state is shown."""
FORGOTTEN = "(forgotten)"
"""Letters whose supporter used /forget: they still count, but have no state or source."""


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`, the bound every day-based filter compares with."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_window(today: date, days: int) -> tuple[datetime, datetime]:
    """[start, end) of the `days` days that end with `today` (UTC)."""
    return start_of(today - timedelta(days=days - 1)), start_of(today + timedelta(days=1))


def since(column: Any, day: date | None) -> list[ColumnElement[bool]]:
    """The WHERE condition of `--since`, if a day was given."""
    return [column >= start_of(day)] if day is not None else []


def dialect(repo: Repo) -> str:
    """The database's dialect name ("sqlite", "postgresql"): formatting differs by database."""
    return repo.session.get_bind().dialect.name


def utc_day(dialect: str, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp as 'YYYY-MM-DD'."""
    return _utc_text(dialect, column, 10, "YYYY-MM-DD")


def utc_timestamp(dialect: str, column: Any) -> ColumnElement[Any]:
    """A UTC timestamp as 'YYYY-MM-DD HH:MM:SS', which Excel and LibreOffice read as a date."""
    return _utc_text(dialect, column, 19, "YYYY-MM-DD HH24:MI:SS")


def _utc_text(dialect: str, column: Any, length: int, postgres_format: str) -> ColumnElement[Any]:
    if dialect == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: a prefix is the text, and cheap.
        return func.substr(column, 1, length)
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), postgres_format)
    return func.substr(cast(column, String), 1, length)  # pragma: no cover - other databases


def rounded_score(dialect: str, column: Any) -> ColumnElement[Any]:
    """The personalization score rounded to 3 decimals, as a float on every database."""
    if dialect == "sqlite":
        return func.round(column, 3)
    return cast(func.round(cast(column, Numeric), 3), Float)


def flag(condition: Any) -> ColumnElement[Any]:
    """A boolean as 0/1 (PostgreSQL would say True/False, SQLite 1/0)."""
    return case((condition, 1), else_=0)


def legislators(repo: Repo, bioguide_ids: Collection[str] | None = None) -> list[Legislator]:
    """Members of Congress by bioguide id, upper case; all of them for None.

    One query for the lot, so naming the recipients of a report never costs a query each.
    """
    query = select(Legislator).order_by(col(Legislator.bioguide_id))
    if bioguide_ids is not None:
        query = query.where(col(Legislator.bioguide_id).in_(sorted(bioguide_ids)))
    return list(repo.session.exec(query))
