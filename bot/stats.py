"""Campaign numbers for organizers: one function, so Telegram and the terminal never disagree.

    stats = store.call(campaign_stats, campaign)          # CLI (or `await store.run(...)`)
    print(format_stats_text(stats))

`campaign_stats` runs a few GROUP BY queries (bot/store/reports.py) in one transaction, so
every number comes from the same snapshot on SQLite; here they are only labelled with the
campaign's names, ordered and zero-filled. The result is plain frozen data that a front end
formats as it likes: `by_day` feeds a chart, the rest tables.

Scope: letter counts are the campaign's; supporter counts are the bot's (supporters are not
tied to one campaign). Days are UTC days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.campaign import Campaign
from bot.store import Repo, reports
from bot.store.reports import DIRECT, FORGOTTEN, UNKNOWN_STATE

DAYS = 30
TOP_REFERRERS = 10


@dataclass(frozen=True)
class Totals:
    supporters: int
    """Everyone who started the bot."""
    writers: int
    """Supporters with at least one letter in this campaign."""
    drafted: int
    sent: int
    opted_in: int
    """Opted in to updates and not blocked: who a broadcast would reach."""
    blocked: int
    """Supporters who blocked the bot (opted in or not)."""
    referred: int
    """Supporters who joined through another supporter's invite link."""

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
    "direct"), reports.FORGOTTEN for letters of supporters who used /forget.
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


@dataclass(frozen=True)
class Referrer:
    """A supporter by public id (a pseudonym), and how many supporters their link brought."""

    public_id: str
    brought: int


@dataclass(frozen=True)
class CampaignStats:
    campaign_id: str
    title: str
    today: date
    totals: Totals
    median_score: float | None
    """Median personalization score (0..1) of the campaign's letters; None without letters."""
    by_target: tuple[LetterTally, ...]
    """Campaign targets in campaign order (zeros included), then unknown ids by id."""
    by_demand: tuple[LetterTally, ...]
    """Like by_target. A letter making two demands counts for both."""
    by_state: tuple[GroupTally, ...]
    """Most letters first."""
    by_source: tuple[GroupTally, ...]
    """Deep-link payloads, most letters first; no payload is "direct"."""
    by_day: tuple[DayTally, ...]
    """The last DAYS days, oldest first, ending with `today`; days without letters are 0."""
    top_referrers: tuple[Referrer, ...]
    """Most supporters brought first."""


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
    window = reports.day_window(today, days)
    target_rows = reports.target_counts(repo, campaign.id, window)
    drafted_days = reports.drafted_per_day(repo, campaign.id, window)
    supporter_rows = reports.supporter_counts(repo)
    writer_rows = reports.writer_counts(repo, campaign.id)

    drafted = sum(row.drafted for row in target_rows)
    sent_days: dict[str, int] = {}
    targets: dict[str, list[int]] = {}
    for row in target_rows:
        tally = targets.setdefault(row.target_id, [0, 0])
        tally[0] += row.drafted
        tally[1] += row.sent
        if row.sent_day is not None:
            sent_days[row.sent_day] = sent_days.get(row.sent_day, 0) + row.sent

    totals = Totals(
        supporters=sum(row.supporters for row in supporter_rows),
        writers=sum(row.writers for row in writer_rows),
        drafted=drafted,
        sent=sum(tally[1] for tally in targets.values()),
        opted_in=sum(row.opted_in for row in supporter_rows),
        blocked=sum(row.blocked for row in supporter_rows),
        referred=sum(row.referred for row in supporter_rows),
    )
    demands = {row.key: [row.drafted, row.sent] for row in reports.demand_counts(repo, campaign.id)}
    return CampaignStats(
        campaign_id=campaign.id,
        title=campaign.title,
        today=today,
        totals=totals,
        median_score=reports.median_score(repo, campaign.id, drafted),
        by_target=_labelled(targets, {t.id: t.label for t in campaign.targets}),
        by_demand=_labelled(demands, {d.id: d.title for d in campaign.demands}),
        by_state=_groups(supporter_rows, writer_rows, "state"),
        by_source=_groups(supporter_rows, writer_rows, "source"),
        by_day=_days(today, days, drafted_days, sent_days),
        top_referrers=tuple(Referrer(*row) for row in reports.top_referrers(repo, top)),
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
    supporter_rows: Iterable[reports.SupporterCount],
    writer_rows: Iterable[reports.WriterCount],
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


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def _table(title: str, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> list[str]:
    """A left-aligned first column and right-aligned numbers, under a title."""
    body = [tuple(str(cell) for cell in row) for row in rows]
    if not body:
        return [title, "  (none yet)"]
    grid = [header, *body]
    widths = [max(len(row[i]) for row in grid) for i in range(len(header))]
    lines = [title]
    for row in grid:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def format_stats_text(stats: CampaignStats) -> str:
    """The stats as plain text for a terminal (fixed-width columns, no colours)."""
    t = stats.totals
    median = "n/a" if stats.median_score is None else f"{stats.median_score:.0%}"
    lines = [
        f"{stats.title} ({stats.campaign_id}), as of {stats.today.isoformat()} (UTC)",
        "",
        *_table(
            "Totals",
            ("", "count"),
            [
                ("supporters", f"{t.supporters:,}"),
                ("wrote a letter", f"{t.writers:,}"),
                ("letters drafted", f"{t.drafted:,}"),
                ("letters sent", f"{t.sent:,}"),
                ("share sent", _percent(t.share_sent)),
                ("opted in to updates (not blocked)", f"{t.opted_in:,}"),
                ("blocked the bot", f"{t.blocked:,}"),
                ("joined through an invite", f"{t.referred:,}"),
                ("median personalization", median),
            ],
        ),
    ]
    letter_header = ("", "drafted", "sent")
    for title, tallies in (("By target", stats.by_target), ("By demand", stats.by_demand)):
        lines += ["", *_table(title, letter_header, [_letter_row(x) for x in tallies])]
    group_header = ("", "supporters", "wrote", "drafted", "sent")
    for title, groups in (("By state", stats.by_state), ("By source", stats.by_source)):
        lines += ["", *_table(title, group_header, [_group_row(x) for x in groups])]
    lines += [
        "",
        *_table(
            f"Last {len(stats.by_day)} days",
            ("", "drafted", "sent"),
            [(d.day.isoformat(), f"{d.drafted:,}", f"{d.sent:,}") for d in stats.by_day],
        ),
        "",
        *_table(
            "Top referrers (public ids)",
            ("", "brought"),
            [(r.public_id, f"{r.brought:,}") for r in stats.top_referrers],
        ),
    ]
    return "\n".join(lines) + "\n"


def _letter_row(tally: LetterTally) -> tuple[str, ...]:
    label = tally.label if tally.label == tally.key else f"{tally.label} [{tally.key}]"
    return (label, f"{tally.drafted:,}", f"{tally.sent:,}")


def _group_row(group: GroupTally) -> tuple[str, ...]:
    counts = (group.supporters, group.writers, group.drafted, group.sent)
    return (group.label, *(f"{n:,}" for n in counts))
