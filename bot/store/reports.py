"""Read-only queries behind the stats and the exports; the only SQL of the reporting module.

Stats are a handful of GROUP BY queries whose answers are a few hundred rows at most, however
many letters there are: the counting happens in the database, and Python only labels and adds
up those small results (see bot/stats.py). The median personalization averages letters per
supporter in the same kind of GROUP BY and reads the middle one or two of those means at an
OFFSET, instead of sorting scores in Python.

Exports are one query each, read from the DBAPI cursor in batches (`stream_results`, a server
side cursor on PostgreSQL), so memory does not grow with the table. Their rows are plain tuples
of str / int / float / None: timestamps are formatted and booleans turned into 0/1 by the
database, so CSV and JSON carry the same values on SQLite and PostgreSQL, and no per-row Python
conversion slows a million-row export down.

Days are UTC calendar days, and timestamps are UTC ("YYYY-MM-DD HH:MM:SS").
Supporters are not tied to a campaign (one bot, one supporter list); letters are.
"""

from __future__ import annotations

import typing
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Float, Numeric, RowMapping, Select, String, and_, case, cast, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from bot.store.models import Legislator, Letter, LetterDemand, Supporter
from bot.store.repo import Repo

DIRECT = "direct"
"""How a supporter without a deep-link payload (source NULL) is shown."""
UNKNOWN_STATE = "unknown"
"""How a supporter without a known state is shown."""
FORGOTTEN = "(forgotten)"
"""Letters whose supporter used /forget: they still count, but have no state or source."""

EXPORT_BATCH = 2000
"""Rows fetched from the cursor at a time: big enough to amortize calls, small in memory."""
PERSONAL_BATCH = 200
"""The same with letter bodies (a few KB each), so a batch stays around a megabyte."""


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`, the bound every day-based filter compares with."""
    return datetime.combine(day, time.min, tzinfo=UTC)


# Dialect-specific formatting, so every database hands back the same strings.
def _personal_columns() -> list[Column]:
    """Who a supporter is: only in exports made with include_personal."""
    return [
        Column("telegram_id", col(Supporter.telegram_id)),
        Column("display_name", col(Supporter.display_name)),
        Column("signing_name", col(Supporter.signing_name)),
        Column("city", col(Supporter.city)),
        Column("zip", col(Supporter.zip)),
    ]


def _day(connection: Connection, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp as 'YYYY-MM-DD'."""
    return _utc_text(connection, column, 10, "YYYY-MM-DD")


def _timestamp(connection: Connection, column: Any) -> ColumnElement[Any]:
    """A UTC timestamp as 'YYYY-MM-DD HH:MM:SS', which Excel and LibreOffice read as a date."""
    return _utc_text(connection, column, 19, "YYYY-MM-DD HH24:MI:SS")


def _utc_text(
    connection: Connection, column: Any, length: int, postgres_format: str
) -> ColumnElement[Any]:
    if connection.dialect.name == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: a prefix is the text, and cheap.
        return func.substr(column, 1, length)
    if connection.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), postgres_format)
    return func.substr(cast(column, String), 1, length)  # pragma: no cover - other databases


def _score(connection: Connection, column: Any) -> ColumnElement[Any]:
    """The personalization score rounded to 3 decimals, as a float on every database."""
    if connection.dialect.name == "sqlite":
        return func.round(column, 3)
    return cast(func.round(cast(column, Numeric), 3), Float)


class unindexed(FunctionElement[Any]):
    """A column the SQLite planner must not use an index for: rendered "+column".

    Stats read every letter of a campaign, and deployments usually hold one campaign. Without
    ANALYZE data SQLite then "narrows" by the campaign_id index (or walks the supporter_id or
    target_id index to skip a sort) and reads the whole table in random order: 3-5x slower
    at a million letters than one sequential scan. Unary + (a no-op on any value) is SQLite's
    documented way to disqualify an index; a covering index stays usable. Other databases,
    which keep statistics, get the plain column.
    """

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type  # compare and bind like the column itself


@compiles(unindexed)
def _plain(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def _flag(column: Any) -> ColumnElement[Any]:
    """A boolean as 0/1 (PostgreSQL would say True/False, SQLite 1/0)."""
    return case((column, 1), else_=0)


# Stats
class TargetCount(NamedTuple):
    """Letters to one target, split by the day they were sent if that day is in the window."""

    target_id: str
    sent_day: str | None
    drafted: int
    sent: int


class KeyCount(NamedTuple):
    key: str
    drafted: int
    sent: int


class WriterCount(NamedTuple):
    """Letters of the supporters of one (state, source) group; `forgotten` for /forget-ers."""

    state: str | None
    source: str | None
    forgotten: bool
    writers: int
    drafted: int
    sent: int


class SupporterCount(NamedTuple):
    state: str | None
    source: str | None
    supporters: int
    opted_in: int
    blocked: int
    referred: int


def target_counts(
    repo: Repo, campaign_id: str, window: tuple[datetime, datetime]
) -> list[TargetCount]:
    """Letters per target, and sends per day in [start, end): one pass over the letters.

    Totals, the by-target breakdown and the sends per day all need `sent_at`, which no index
    holds, so they share this single scan instead of three.
    """
    connection = repo.session.connection()
    start, end = window
    sent_at = col(Letter.sent_at)
    sent_day = case(
        (and_(sent_at >= start, sent_at < end), _day(connection, sent_at)), else_=None
    ).label("sent_day")
    query = (
        sa_select(col(Letter.target_id), sent_day, func.count(), func.count(sent_at))
        .where(unindexed(col(Letter.campaign_id)) == campaign_id)
        .group_by(unindexed(col(Letter.target_id)), sent_day)
    )
    return [TargetCount(*row) for row in connection.execute(query)]


def drafted_per_day(
    repo: Repo, campaign_id: str, window: tuple[datetime, datetime]
) -> dict[str, int]:
    """Letters created per day in [start, end), read from the (campaign_id, created_at) index."""
    connection = repo.session.connection()
    start, end = window
    created_at = col(Letter.created_at)
    day = _day(connection, created_at).label("day")
    query = (
        sa_select(day, func.count())
        .where(col(Letter.campaign_id) == campaign_id, created_at >= start, created_at < end)
        .group_by(day)
    )
    return {str(row[0]): int(row[1]) for row in connection.execute(query)}


def demand_counts(repo: Repo, campaign_id: str) -> list[KeyCount]:
    """Letters per demand, through LetterDemand: a letter making two demands counts for both."""
    # Letters drive the join (one scan, then an index probe per letter), not letter_demand
    # (a lookup into the big letter table per demand row): hence the unindexed letter.id.
    query = (
        sa_select(col(LetterDemand.demand_id), func.count(), func.count(col(Letter.sent_at)))
        .select_from(Letter)
        .join(LetterDemand, col(LetterDemand.letter_id) == unindexed(col(Letter.id)))
        .where(unindexed(col(Letter.campaign_id)) == campaign_id)
        .group_by(unindexed(col(LetterDemand.demand_id)))
    )
    return [KeyCount(*row) for row in repo.session.connection().execute(query)]


def writer_counts(repo: Repo, campaign_id: str) -> list[WriterCount]:
    """Writers, letters and sends per (state, source) of the letters' supporters.

    Letters are first reduced to one row per supporter, so the join to supporters is one
    lookup per writer, not per letter, and "writers" needs no COUNT(DISTINCT).
    """
    per_supporter = (
        sa_select(
            col(Letter.supporter_id).label("supporter_id"),
            func.count().label("drafted"),
            func.count(col(Letter.sent_at)).label("sent"),
        )
        .where(unindexed(col(Letter.campaign_id)) == campaign_id)
        .group_by(unindexed(col(Letter.supporter_id)))
        .subquery()
    )
    forgotten = per_supporter.c.supporter_id.is_(None).label("forgotten")
    query = (
        sa_select(
            col(Supporter.state),
            col(Supporter.source),
            forgotten,
            func.count(per_supporter.c.supporter_id),
            func.sum(per_supporter.c.drafted),
            func.sum(per_supporter.c.sent),
        )
        .select_from(per_supporter)
        .outerjoin(Supporter, col(Supporter.id) == per_supporter.c.supporter_id)
        .group_by(col(Supporter.state), col(Supporter.source), forgotten)
    )
    return [
        WriterCount(state, source, bool(gone), int(writers), int(drafted or 0), int(sent or 0))
        for state, source, gone, writers, drafted, sent in repo.session.connection().execute(query)
    ]


def supporter_counts(repo: Repo) -> list[SupporterCount]:
    """Supporters per (state, source): how many, opted in (and not blocked), blocked, referred."""
    state, source = col(Supporter.state), col(Supporter.source)
    opted_in = and_(col(Supporter.opted_in), ~col(Supporter.blocked))
    query = sa_select(
        state,
        source,
        func.count(),
        func.count().filter(opted_in),
        func.count().filter(col(Supporter.blocked)),
        func.count(col(Supporter.referrer_id)),
    ).group_by(state, source)
    return [SupporterCount(*row) for row in repo.session.connection().execute(query)]


def median_supporter_score(repo: Repo, campaign_id: str, writers: int) -> float | None:
    """The median, over the campaign's `writers` supporters, of each one's mean letter score.

    Per supporter, so one who writes to five offices counts once, like one who writes once.
    One scan averages the letters per supporter (GROUP BY, as `writer_counts` counts them:
    `writers` is its total), then ORDER BY mean with an OFFSET reads the middle mean; with an
    even count the two middle ones are averaged. Letters of supporters who used /forget have
    no supporter to count and are left out. None without writers.
    """
    if writers <= 0:
        return None
    means = (
        sa_select(func.avg(col(Letter.score)).label("mean"))
        .where(
            unindexed(col(Letter.campaign_id)) == campaign_id,
            unindexed(col(Letter.supporter_id)).is_not(None),
        )
        .group_by(unindexed(col(Letter.supporter_id)))
        .subquery()
    )
    query = (
        sa_select(means.c.mean)
        .order_by(means.c.mean)
        .offset((writers - 1) // 2)
        .limit(1 if writers % 2 else 2)
    )
    scores = [float(row[0]) for row in repo.session.connection().execute(query)]
    return sum(scores) / len(scores) if scores else None


def legislator_rows(repo: Repo, bioguide_ids: Collection[str] | None = None) -> list[RowMapping]:
    """Members of Congress (every column) by bioguide id, upper case; all of them for None.

    One query for the lot, so naming the recipients of a report never costs a query each.
    """
    table: Any = Legislator.__table__  # type: ignore[attr-defined]
    query = sa_select(table).order_by(table.c.bioguide_id)
    if bioguide_ids is not None:
        query = query.where(table.c.bioguide_id.in_(sorted(bioguide_ids)))
    return list(repo.session.connection().execute(query).mappings())


def top_referrers(repo: Repo, limit: int = 10) -> list[tuple[str, int]]:
    """(referrer's public id, supporters they brought), most first; never a Telegram id."""
    referrer = aliased(Supporter)
    brought = func.count().label("brought")
    query = (
        sa_select(col(referrer.public_id), brought)
        .select_from(Supporter)
        .join(referrer, col(referrer.id) == col(Supporter.referrer_id))
        .group_by(col(referrer.id), col(referrer.public_id))
        .order_by(brought.desc(), col(referrer.public_id))
        .limit(limit)
    )
    return [(str(row[0]), int(row[1])) for row in repo.session.connection().execute(query)]


# Exports
class Column(NamedTuple):
    """One export column: its name and its SQL (a column or an expression)."""

    name: str
    expr: Any


@dataclass(frozen=True)
class RowStream:
    """Column names and batches of row tuples, valid while the transaction is open."""

    columns: tuple[str, ...]
    batches: Iterator[list[tuple[Any, ...]]]

    @property
    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The same rows one by one."""
        return chain.from_iterable(self.batches)


def _row_stream(
    connection: Connection, columns: list[Column], query: Select[Any], batch: int
) -> RowStream:
    """Stream `query` with `columns` as its select list."""
    names = tuple(c.name for c in columns)
    valued = query.with_only_columns(*(c.expr for c in columns))
    return RowStream(names, _stream(connection, valued, batch))


def _stream(
    connection: Connection, query: Select[Any], batch: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Lists of up to `batch` rows, read as they are needed.

    On SQLite the rows come straight from the DBAPI cursor, which steps through the result
    lazily: SQLAlchemy's Row objects would cost about as much as the query itself at a million
    rows, and the queries already return plain, formatted values. Other databases stream
    through SQLAlchemy (`yield_per`: a server-side cursor on PostgreSQL).
    """
    if connection.dialect.name == "sqlite":
        result = connection.execute(query)  # plain strategy: it fetches nothing ahead
        try:
            while rows := result.cursor.fetchmany(batch):
                yield typing.cast(list[tuple[Any, ...]], rows)
        finally:
            result.close()
        return
    streamed = connection.execution_options(stream_results=True, yield_per=batch)
    with streamed.execute(query) as result:
        for partition in result.partitions():
            yield [tuple(row) for row in partition]


def _since(column: Any, since: date | None) -> list[ColumnElement[bool]]:
    """The WHERE condition of `--since`, if one was given."""
    return [column >= start_of(since)] if since is not None else []


def _source_label(forgotten: ColumnElement[bool]) -> ColumnElement[Any]:
    return case(
        (forgotten, FORGOTTEN),
        (col(Supporter.source).is_(None), DIRECT),
        else_=col(Supporter.source),
    )


def summary_rows(
    repo: Repo,
    campaign_id: str,
    since: date | None = None,
    *,
    batch: int = EXPORT_BATCH,
) -> RowStream:
    """Letters and sends per day × target × demand × state × source; no personal data.

    `day` is the day the letter was drafted; `sent` counts those letters sent since. A letter
    making two demands is in two rows (one per demand), like in the stats' demand breakdown;
    a letter without demands has an empty `demand`. No source is "direct", no state "unknown".
    """
    connection = repo.session.connection()
    forgotten = col(Letter.supporter_id).is_(None)
    keys: list[Column] = [
        Column("day", _day(connection, col(Letter.created_at))),
        Column("target", col(Letter.target_id)),
        Column("demand", col(LetterDemand.demand_id)),
        Column(
            "state",
            case(
                (forgotten, FORGOTTEN),
                else_=func.coalesce(col(Supporter.state), UNKNOWN_STATE),
            ),
        ),
        Column("source", _source_label(forgotten)),
    ]
    counts = [
        Column("letters", func.count()),
        Column("sent", func.count(col(Letter.sent_at))),
    ]
    key_exprs = [c.expr for c in keys]
    query = (
        sa_select(col(Letter.id))
        .select_from(Letter)
        .outerjoin(LetterDemand, col(LetterDemand.letter_id) == col(Letter.id))
        .outerjoin(Supporter, col(Supporter.id) == col(Letter.supporter_id))
        .where(col(Letter.campaign_id) == campaign_id, *_since(col(Letter.created_at), since))
        .group_by(*key_exprs)
        .order_by(*key_exprs)
    )
    return _row_stream(connection, keys + counts, query, batch)


def letter_rows(
    repo: Repo,
    campaign_id: str,
    since: date | None = None,
    include_personal: bool = False,
    *,
    batch: int | None = None,
) -> RowStream:
    """One row per letter drafted since `since`, in id order.

    `supporter` is the supporter's public id, a stable pseudonym (empty once they used
    /forget). Names, Telegram id, city, ZIP and the letter body only with `include_personal`.
    Times are UTC, "YYYY-MM-DD HH:MM:SS"; `score` is the personalization score (0..1).
    """
    connection = repo.session.connection()
    query = letters_query(connection, campaign_id, since, include_personal)
    batch = batch or (PERSONAL_BATCH if include_personal else EXPORT_BATCH)
    names = tuple(str(c.key) for c in query.selected_columns)
    return RowStream(names, _stream(connection, query, batch))


def letters_query(
    connection: Connection,
    campaign_id: str,
    since: date | None = None,
    include_personal: bool = False,
) -> Select[Any]:
    """The SELECT behind `letter_rows` (the benchmark hands the same SQL to sqlite3)."""
    forgotten = col(Letter.supporter_id).is_(None)
    columns = [
        Column("letter_id", col(Letter.id)),
        Column("supporter", col(Supporter.public_id)),
        Column("state", col(Supporter.state)),
        Column("source", case((forgotten, None), else_=_source_label(forgotten))),
        Column("target", col(Letter.target_id)),
        Column("demands", col(Letter.demands)),
        Column("created_at_utc", _timestamp(connection, col(Letter.created_at))),
        Column("sent_at_utc", _timestamp(connection, col(Letter.sent_at))),
        Column("outcome", col(Letter.outcome)),
        Column("score", _score(connection, col(Letter.score))),
    ]
    if include_personal:
        columns += [*_personal_columns(), Column("body", col(Letter.body))]
    query = (
        sa_select(col(Letter.id))
        .select_from(Letter)
        .outerjoin(Supporter, col(Supporter.id) == col(Letter.supporter_id))
        .where(col(Letter.campaign_id) == campaign_id, *_since(col(Letter.created_at), since))
        .order_by(col(Letter.id))
    )
    return query.with_only_columns(*(c.expr.label(c.name) for c in columns))


def supporter_rows(
    repo: Repo,
    campaign_id: str,
    since: date | None = None,
    include_personal: bool = False,
    *,
    batch: int = EXPORT_BATCH,
) -> RowStream:
    """One row per supporter who joined since `since`, with their letters in this campaign.

    `supporter` and `referred_by` are public ids (pseudonyms). `opted_in` is 1 only for
    supporters who asked for updates and have not blocked the bot. Names, Telegram id, city
    and ZIP only with `include_personal`.
    """
    connection = repo.session.connection()
    letters = (
        sa_select(
            col(Letter.supporter_id).label("supporter_id"),
            func.count().label("drafted"),
            func.count(col(Letter.sent_at)).label("sent"),
            func.max(col(Letter.sent_at)).label("last_sent"),
        )
        .where(col(Letter.campaign_id) == campaign_id, col(Letter.supporter_id).is_not(None))
        .group_by(col(Letter.supporter_id))
        .subquery()
    )
    referrer = aliased(Supporter)
    columns = [
        Column("supporter", col(Supporter.public_id)),
        Column("state", col(Supporter.state)),
        Column("source", func.coalesce(col(Supporter.source), DIRECT)),
        Column("referred_by", col(referrer.public_id)),
        Column("joined_at_utc", _timestamp(connection, col(Supporter.created_at))),
        Column("opted_in", _flag(and_(col(Supporter.opted_in), ~col(Supporter.blocked)))),
        Column("blocked", _flag(col(Supporter.blocked))),
        Column("letters_drafted", func.coalesce(letters.c.drafted, 0)),
        Column("letters_sent", func.coalesce(letters.c.sent, 0)),
        Column("last_sent_at_utc", _timestamp(connection, letters.c.last_sent)),
    ]
    if include_personal:
        columns += _personal_columns()
    query = (
        sa_select(col(Supporter.id))
        .select_from(Supporter)
        .outerjoin(letters, letters.c.supporter_id == col(Supporter.id))
        .outerjoin(referrer, col(referrer.id) == col(Supporter.referrer_id))
        .where(*_since(col(Supporter.created_at), since))
        .order_by(col(Supporter.id))
    )
    return _row_stream(connection, columns, query, batch)


def day_window(today: date, days: int) -> tuple[datetime, datetime]:
    """[start, end) of the `days` days that end with `today` (UTC)."""
    return start_of(today - timedelta(days=days - 1)), start_of(today + timedelta(days=1))
