"""The GROUP BY queries behind the stats: the counting happens in the database, however many
letters there are, and bot/reports/stats.py only labels and adds up their few hundred rows.

The median personalization averages letters per supporter in the same kind of GROUP BY and
reads the middle one or two of those means at an OFFSET, instead of sorting scores in Python.
Supporters are counted per campaign through their Participation row in it: its source,
referrer and opt-in, so one bot serving several campaigns never mixes their sign-ups. Letters
carry their campaign. Queries of up to four columns use sqlmodel's typed `select`; wider ones
SQLAlchemy's, which sqlmodel does not type, through `session.execute`.

Every letter count reads one of the letter indexes that hold all it needs (models.py), never the
table's wide rows: at 1,000,000 letters on SQLite the stats take about 1.9 s that way, against
13.7 s from the table (`python -m bench dashboard`). tests/store/test_stats_plans.py keeps it so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.store.broadcast_queries import wants_updates
from bot.store.models import Letter, Participation, Party, Supporter, demand_ids
from bot.store.repo import Repo
from bot.store.reports import dialect, utc_day


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
    start, end = window
    sent_at = col(Letter.sent_at)
    in_window = and_(sent_at >= start, sent_at < end)
    sent_day = case((in_window, utc_day(dialect(repo), sent_at)), else_=None).label("sent_day")
    query = (
        select(col(Letter.target_id), sent_day, func.count(), func.count(sent_at))
        .where(col(Letter.campaign_id) == campaign_id)
        .group_by(col(Letter.target_id), sent_day)
    )
    return [TargetCount(*row) for row in repo.session.exec(query)]


def drafted_per_day(
    repo: Repo, campaign_id: str, window: tuple[datetime, datetime]
) -> dict[str, int]:
    """Letters created per day in [start, end), read from the (campaign_id, created_at) index."""
    start, end = window
    created_at = col(Letter.created_at)
    day = utc_day(dialect(repo), created_at).label("day")
    query = (
        select(day, func.count())
        .where(col(Letter.campaign_id) == campaign_id, created_at >= start, created_at < end)
        .group_by(day)
    )
    return {str(day): int(count) for day, count in repo.session.exec(query)}


def demand_counts(repo: Repo, campaign_id: str) -> list[KeyCount]:
    """Letters per demand: a letter making two demands counts for both.

    Letters are counted per demand list ("sanctions,aid": a handful of combinations) from
    ix_letter_campaign_target, then each list's counts go to every demand in it. Joining the
    LetterDemand rows instead looked up 1.8 rows per letter: 2.3 s at 1,000,000 letters
    against 0.35 s.
    """
    query = (
        select(col(Letter.demands), func.count(), func.count(col(Letter.sent_at)))
        .where(col(Letter.campaign_id) == campaign_id)
        .group_by(col(Letter.demands))
    )
    tallies: dict[str, list[int]] = {}
    for demands, drafted, sent in repo.session.exec(query):
        for demand_id in demand_ids(demands):
            tally = tallies.setdefault(demand_id, [0, 0])
            tally[0] += drafted
            tally[1] += sent
    return [KeyCount(key, drafted, sent) for key, (drafted, sent) in tallies.items()]


def party_counts(repo: Repo, campaign_id: str) -> list[KeyCount]:
    """Letters per letter-writing party (by the party's title, else its code).

    `party_id IS NOT NULL` lets the index skip the letters written elsewhere (most of them).
    """
    name = func.coalesce(col(Party.title), col(Party.code))
    query = (
        select(name, func.count(), func.count(col(Letter.sent_at)))
        .select_from(Letter)
        .join(Party, col(Party.id) == col(Letter.party_id))
        .where(col(Letter.campaign_id) == campaign_id, col(Letter.party_id).is_not(None))
        .group_by(col(Party.id), name)
        .order_by(func.count().desc())
    )
    return [KeyCount(*row) for row in repo.session.exec(query)]


def taking_part(
    supporter_id: ColumnElement[Any] | Mapped[int | None], campaign_id: str
) -> ColumnElement[bool]:
    """The join to a supporter's Participation row in the campaign: at most one, so joining it
    never multiplies rows."""
    return and_(
        col(Participation.supporter_id) == supporter_id,
        col(Participation.campaign_id) == campaign_id,
    )


def writer_counts(repo: Repo, campaign_id: str) -> list[WriterCount]:
    """Writers, letters and sends per (state, source) of the letters' supporters.

    Letters are first reduced to one row per supporter, so the joins to supporters and to their
    Participation in this campaign (the source) are one lookup per writer, not per letter, and
    "writers" needs no COUNT(DISTINCT). A writer without a Participation row has no source.
    """
    per_supporter = (
        select(
            col(Letter.supporter_id).label("supporter_id"),
            func.count().label("drafted"),
            func.count(col(Letter.sent_at)).label("sent"),
        )
        .where(col(Letter.campaign_id) == campaign_id)
        .group_by(col(Letter.supporter_id))
        .subquery()
    )
    forgotten = per_supporter.c.supporter_id.is_(None).label("forgotten")
    query = (
        sa_select(
            col(Supporter.state),
            col(Participation.source),
            forgotten,
            func.count(per_supporter.c.supporter_id),
            func.sum(per_supporter.c.drafted),
            func.sum(per_supporter.c.sent),
        )
        .select_from(per_supporter)
        .outerjoin(Supporter, col(Supporter.id) == per_supporter.c.supporter_id)
        .outerjoin(Participation, taking_part(per_supporter.c.supporter_id, campaign_id))
        .group_by(col(Supporter.state), col(Participation.source), forgotten)
    )
    return [
        WriterCount(state, source, bool(gone), int(writers), int(drafted or 0), int(sent or 0))
        for state, source, gone, writers, drafted, sent in repo.session.execute(query)
    ]


def supporter_counts(repo: Repo, campaign_id: str) -> list[SupporterCount]:
    """The campaign's supporters (a Participation row in it) per (state, source): how many,
    opted in to its updates (and not blocked), blocked, and referred to it."""
    state, source = col(Supporter.state), col(Participation.source)
    query = (
        sa_select(
            state,
            source,
            func.count(),
            func.count().filter(wants_updates()),
            func.count().filter(col(Supporter.blocked)),
            func.count(col(Participation.referrer_id)),
        )
        .select_from(Participation)
        .join(Supporter, col(Supporter.id) == col(Participation.supporter_id))
        .where(col(Participation.campaign_id) == campaign_id)
        .group_by(state, source)
    )
    return [SupporterCount(*row) for row in repo.session.execute(query)]


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
        select(func.avg(col(Letter.score)).label("mean"))
        .where(
            col(Letter.campaign_id) == campaign_id,
            col(Letter.supporter_id).is_not(None),
        )
        .group_by(col(Letter.supporter_id))
        .subquery()
    )
    query = (
        select(means.c.mean)
        .order_by(means.c.mean)
        .offset((writers - 1) // 2)
        .limit(1 if writers % 2 else 2)
    )
    scores = [float(mean) for mean in repo.session.exec(query)]
    return sum(scores) / len(scores) if scores else None


def top_referrers(repo: Repo, campaign_id: str, limit: int = 10) -> list[tuple[str, int]]:
    """(referrer's public id, supporters they brought to the campaign), most first; never a
    Telegram id. Only referrals into this campaign count."""
    referrer = aliased(Supporter)
    brought = func.count().label("brought")
    query = (
        select(col(referrer.public_id), brought)
        .select_from(Participation)
        .join(referrer, col(referrer.id) == col(Participation.referrer_id))
        .where(col(Participation.campaign_id) == campaign_id)
        .group_by(col(referrer.id), col(referrer.public_id))
        .order_by(brought.desc(), col(referrer.public_id))
        .limit(limit)
    )
    return [(str(public_id), int(count)) for public_id, count in repo.session.exec(query)]
