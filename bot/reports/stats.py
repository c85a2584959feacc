"""Campaign numbers for organizers: one function, so Telegram and the terminal never disagree.

    stats = store.query(campaign_stats, campaign)  # CLI (or `await store.read(...)`)
    print(format_stats_text(stats))                # bot/reports/stats_text.py

`campaign_stats` runs a few GROUP BY queries (bot/store/stats_queries.py) in one transaction, so
every number comes from the same snapshot on SQLite; here they are only labelled with the
campaign's names, ordered and zero-filled. Recipients are named by bot/reports/recipients.py
(members of Congress from the legislator table, in the same transaction). The result is plain frozen
data that a front end formats as it likes: `by_day` feeds a chart, the rest tables.

Scope: everything is the campaign's. Supporters count once they take part in it (their
Participation row): their source, referrer and opt-in are the ones of this campaign, so a
supporter of two campaigns is counted in each with that campaign's own. Days are UTC days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from bot.campaign import Campaign
from bot.reports.by_recipient import RecipientTally, by_kind, by_target, looked_up_kinds
from bot.reports.recipients import CONGRESS, recipients_for
from bot.store import Repo, reminders, stats_queries
from bot.store.reports import DIRECT, FORGOTTEN, UNKNOWN_STATE, day_window
from bot.store.stats_queries import SupporterCount, TargetCount, WriterCount

DAYS = 30
TOP_REFERRERS = 10


@dataclass(frozen=True)
class Totals:
    supporters: int
    """Everyone who took part in this campaign (opened it in the bot)."""
    writers: int
    """Supporters with at least one letter in this campaign."""
    drafted: int
    sent: int
    opted_in: int
    """Opted in to this campaign's updates and not blocked: who its broadcast would reach."""
    blocked: int
    """Supporters who blocked the bot (opted in or not)."""
    referred: int
    """Supporters who joined this campaign through another supporter's invite link."""
    reminders_sent: int = 0
    """"Remind me tomorrow" reminders delivered in this campaign."""
    sent_after_reminder: int = 0
    """Letters marked sent after their draft's reminder went out."""

    @property
    def share_sent(self) -> float | None:
        """Sent / drafted, None before the first letter."""
        return self.sent / self.drafted if self.drafted else None


@dataclass(frozen=True)
class LetterTally:
    """Letters to one target or making one demand. `key` is the id, `label` the title."""

    key: str
    label: str
    drafted: int
    sent: int


@dataclass(frozen=True)
class GroupTally:
    """A funnel for one state or one source: who joined, who wrote, what they wrote.

    `key` is the stored value: None for no state or no source (labelled "unknown" and
    "direct"), FORGOTTEN for letters of supporters who used /forget.
    """

    key: str | None
    label: str
    supporters: int
    writers: int
    drafted: int
    sent: int


@dataclass(frozen=True)
class DayTally:
    """Letters drafted that day, and letters sent that day (whenever they were drafted)."""

    day: date
    drafted: int
    sent: int


class Referrer(NamedTuple):
    """A supporter by public id (a pseudonym), and how many supporters their link brought."""

    public_id: str
    brought: int


@dataclass(frozen=True)
class CampaignStats:
    """Everything `/stats` and `campaign-bot stats` show about one campaign on one day."""

    campaign_id: str
    title: str
    today: date
    totals: Totals
    median_supporter_score: float | None
    """Median over the writers of each one's mean personalization score (0..1) in this
    campaign: a supporter with five letters counts once. None without writers."""
    by_target: tuple[RecipientTally, ...]
    """Every recipient: campaign offices in campaign order (zeros included), ids the campaign
    no longer has by id, then members of Congress, most letters first."""
    by_kind: tuple[RecipientTally, ...]
    """The offices of `by_target`, then "Senators (all)" and "Representatives (all)" (when
    the campaign looks them up or they have letters), "Former members (all)" if any."""
    by_demand: tuple[LetterTally, ...]
    """Campaign demands in campaign order (zeros included), then unknown ids by id. A letter
    making two demands counts for both."""
    by_state: tuple[GroupTally, ...]
    """Most letters first."""
    by_source: tuple[GroupTally, ...]
    """Deep-link payloads, most letters first; no payload is "direct"."""
    by_day: tuple[DayTally, ...]
    """The last DAYS days, oldest first, ending with `today`; days without letters are 0."""
    top_referrers: tuple[Referrer, ...]
    """Most supporters brought first."""
    by_party: tuple[LetterTally, ...] = ()
    """Letters written at letter-writing parties, most first (`key` and `label`: its name)."""

    @property
    def members(self) -> tuple[RecipientTally, ...]:
        """The members of Congress in `by_target`, most letters first."""
        return tuple(t for t in self.by_target if t.kind in CONGRESS)


def campaign_stats(
    repo: Repo,
    campaign: Campaign,
    today: date | None = None,
    *,
    days: int = DAYS,
    top: int = TOP_REFERRERS,
) -> CampaignStats:
    """Everything `/stats` and `campaign-bot stats` show, for `campaign` as of `today` (UTC)."""
    today = today or datetime.now(UTC).date()
    window = day_window(today, days)
    targets, sent_days = _split_targets(stats_queries.target_counts(repo, campaign.id, window))
    drafted_days = stats_queries.drafted_per_day(repo, campaign.id, window)
    supporter_rows = stats_queries.supporter_counts(repo, campaign.id)
    writer_rows = stats_queries.writer_counts(repo, campaign.id)
    totals = _totals(targets, supporter_rows, writer_rows, reminders.counts(repo, campaign.id))
    demand_rows = stats_queries.demand_counts(repo, campaign.id)
    recipients = by_target(targets, recipients_for(repo, campaign, targets))
    median = stats_queries.median_supporter_score(repo, campaign.id, totals.writers)
    return CampaignStats(
        campaign_id=campaign.id,
        title=campaign.title,
        today=today,
        totals=totals,
        median_supporter_score=median,
        by_target=recipients,
        by_kind=by_kind(recipients, looked_up_kinds(campaign)),
        by_demand=_labelled(
            {row.key: [row.drafted, row.sent] for row in demand_rows},
            {demand.id: demand.title for demand in campaign.demands},
        ),
        by_state=_groups(supporter_rows, writer_rows, "state"),
        by_source=_groups(supporter_rows, writer_rows, "source"),
        by_day=_days(today, days, drafted_days, sent_days),
        top_referrers=tuple(
            Referrer(*row) for row in stats_queries.top_referrers(repo, campaign.id, top)
        ),
        by_party=tuple(
            LetterTally(row.key, row.key, row.drafted, row.sent)
            for row in stats_queries.party_counts(repo, campaign.id)
        ),
    )


def _split_targets(
    rows: Iterable[TargetCount],
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """[drafted, sent] per target id, and sends per day: the one scan's two breakdowns."""
    targets: dict[str, list[int]] = {}
    sent_days: dict[str, int] = {}
    for row in rows:
        tally = targets.setdefault(row.target_id, [0, 0])
        tally[0] += row.drafted
        tally[1] += row.sent
        if row.sent_day is not None:
            sent_days[row.sent_day] = sent_days.get(row.sent_day, 0) + row.sent
    return targets, sent_days


def _totals(
    targets: Mapping[str, list[int]],
    supporter_rows: Sequence[SupporterCount],
    writer_rows: Sequence[WriterCount],
    reminded: tuple[int, int],
) -> Totals:
    return Totals(
        supporters=sum(row.supporters for row in supporter_rows),
        writers=sum(row.writers for row in writer_rows),
        drafted=sum(tally[0] for tally in targets.values()),
        sent=sum(tally[1] for tally in targets.values()),
        opted_in=sum(row.opted_in for row in supporter_rows),
        blocked=sum(row.blocked for row in supporter_rows),
        referred=sum(row.referred for row in supporter_rows),
        reminders_sent=reminded[0],
        sent_after_reminder=reminded[1],
    )


def _labelled(
    counts: Mapping[str, list[int]], labels: Mapping[str, str]
) -> tuple[LetterTally, ...]:
    """The campaign's ids first, in its order and even at zero; stray ids after, by id."""
    known = [LetterTally(key, label, *counts.get(key, (0, 0))) for key, label in labels.items()]
    stray = [LetterTally(key, key, *counts[key]) for key in sorted(set(counts) - set(labels))]
    return tuple(known + stray)


_LABELS = {"state": UNKNOWN_STATE, "source": DIRECT}


def _groups(
    supporter_rows: Iterable[SupporterCount],
    writer_rows: Iterable[WriterCount],
    field: str,
) -> tuple[GroupTally, ...]:
    """Merge supporters and letters on one field ("state" or "source"); most letters first."""
    tallies: dict[str | None, list[int]] = {}
    for supporter in supporter_rows:
        tallies.setdefault(getattr(supporter, field), [0, 0, 0, 0])[0] += supporter.supporters
    for writer in writer_rows:
        key = FORGOTTEN if writer.forgotten else getattr(writer, field)
        tally = tallies.setdefault(key, [0, 0, 0, 0])
        tally[1] += writer.writers
        tally[2] += writer.drafted
        tally[3] += writer.sent
    groups = [
        GroupTally(key, key if key is not None else _LABELS[field], *tally)
        for key, tally in tallies.items()
    ]
    groups.sort(key=lambda g: (-g.drafted, -g.supporters, g.key is None, g.label))
    return tuple(groups)


def _days(
    today: date, days: int, drafted: Mapping[str, int], sent: Mapping[str, int]
) -> tuple[DayTally, ...]:
    first = today - timedelta(days=days - 1)
    every_day = (first + timedelta(days=offset) for offset in range(days))
    return tuple(
        DayTally(day, drafted.get(day.isoformat(), 0), sent.get(day.isoformat(), 0))
        for day in every_day
    )
