"""Campaign numbers for organizers: one function, so Telegram and the terminal never disagree.

    stats = store.query(campaign_stats, campaign)         # CLI (or `await store.read(...)`)
    print(format_stats_text(stats))

`campaign_stats` runs a few GROUP BY queries (bot/store/reports.py) in one transaction, so
every number comes from the same snapshot on SQLite; here they are only labelled with the
campaign's names, ordered and zero-filled. Recipients are named by bot/recipients.py (members
of Congress from the legislator table, in the same transaction). The result is plain frozen
data that a front end formats as it likes: `by_day` feeds a chart, the rest tables.

Scope: letter counts are the campaign's; supporter counts are the bot's (supporters are not
tied to one campaign). Days are UTC days.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.campaign import Campaign
from bot.letters.score import MEANING
from bot.recipients import CONGRESS, FORMER, HOUSE, OFFICE, SENATE, Recipient, recipients_for
from bot.store import Repo, reports
from bot.store.reports import DIRECT, FORGOTTEN, UNKNOWN_STATE

DAYS = 30
TOP_REFERRERS = 10
PERSONALIZATION = MEANING
_GROUPS = {
    SENATE: "Senators (all)",
    HOUSE: "Representatives (all)",
    FORMER: "Former members (all)",
}
_LOOKUPS = {"senators": SENATE, "representative": HOUSE}


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
class RecipientTally:
    """Letters to one recipient (see bot/recipients.py), or to all members of one `kind`.

    A kind's line has the key "(senate)", "(house)" or "(former)" and an empty office.
    """

    key: str
    label: str
    office: str
    state: str | None
    kind: str
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
    by_target = _by_target(targets, recipients_for(repo, campaign, targets))
    looked_up = {_LOOKUPS[lookup.lookup] for lookup in campaign.lookups}
    return CampaignStats(
        campaign_id=campaign.id,
        title=campaign.title,
        today=today,
        totals=totals,
        median_supporter_score=reports.median_supporter_score(repo, campaign.id, totals.writers),
        by_target=by_target,
        by_kind=_by_kind(by_target, looked_up),
        by_demand=_labelled(demands, {d.id: d.title for d in campaign.demands}),
        by_state=_groups(supporter_rows, writer_rows, "state"),
        by_source=_groups(supporter_rows, writer_rows, "source"),
        by_day=_days(today, days, drafted_days, sent_days),
        top_referrers=tuple(Referrer(*row) for row in reports.top_referrers(repo, top)),
    )


def _by_target(
    counts: Mapping[str, list[int]], recipients: Mapping[str, Recipient]
) -> tuple[RecipientTally, ...]:
    """Offices in `recipients` order (campaign first, even at zero), then members by letters."""
    tallies = [
        RecipientTally(r.key, r.label, r.office, r.state, r.kind, *counts.get(r.key, (0, 0)))
        for r in recipients.values()
    ]
    offices = [t for t in tallies if t.kind == OFFICE]
    members = sorted(
        (t for t in tallies if t.kind != OFFICE), key=lambda t: (-t.drafted, -t.sent, t.label)
    )
    return tuple(offices + members)


def _by_kind(
    by_target: Sequence[RecipientTally], looked_up: Collection[str]
) -> tuple[RecipientTally, ...]:
    """Each office, then one line per kind of member: how many letters went to Congress."""
    lines = [t for t in by_target if t.kind == OFFICE]
    totals = {kind: [0, 0] for kind in _GROUPS if kind in looked_up}
    for tally in by_target:
        if tally.kind in _GROUPS:
            total = totals.setdefault(tally.kind, [0, 0])
            total[0] += tally.drafted
            total[1] += tally.sent
    lines += [
        RecipientTally(f"({kind})", label, "", None, kind, *totals[kind])
        for kind, label in _GROUPS.items()
        if kind in totals
    ]
    return tuple(lines)


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


def _table(
    title: str, header: tuple[str, ...], rows: Iterable[tuple[object, ...]], text: int = 1
) -> list[str]:
    """The first `text` columns left-aligned and the numbers after them right-aligned."""
    body = [tuple(str(cell) for cell in row) for row in rows]
    if not body:
        return [title, "  (none yet)"]
    grid = [header, *body]
    widths = [max(len(row[i]) for row in grid) for i in range(len(header))]
    lines = [title]
    for row in grid:
        cells = [
            c.ljust(w) if i < text else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def format_stats_text(stats: CampaignStats) -> str:
    """The stats as plain text for a terminal (fixed-width columns, no colours)."""
    t = stats.totals
    median = _percent(stats.median_supporter_score)
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
                ("median personalization (per supporter)", median),
            ],
        ),
        "  " + PERSONALIZATION,
    ]
    letter_header = ("", "drafted", "sent")
    lines += ["", *_table("By recipient", letter_header, [_kind_row(x) for x in stats.by_kind])]
    if any(kind.kind != OFFICE for kind in stats.by_kind):
        member_header = ("", "office", "state", "drafted", "sent")
        member_rows = [_member_row(x) for x in stats.members]
        lines += ["", *_table("Members of Congress", member_header, member_rows, text=3)]
    by_demand = [_letter_row(x) for x in stats.by_demand]
    lines += ["", *_table("By demand", letter_header, by_demand)]
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


def _letter_row(tally: LetterTally | RecipientTally) -> tuple[str, ...]:
    """A demand or office with its id when that differs from its label."""
    label = tally.label if tally.label == tally.key else f"{tally.label} [{tally.key}]"
    return (label, f"{tally.drafted:,}", f"{tally.sent:,}")


def _kind_row(tally: RecipientTally) -> tuple[str, ...]:
    """An office, or all members of one kind (their key is no id: it is left out)."""
    if tally.kind == OFFICE:
        return _letter_row(tally)
    return (tally.label, f"{tally.drafted:,}", f"{tally.sent:,}")


def _member_row(tally: RecipientTally) -> tuple[str, ...]:
    return (tally.label, tally.office, tally.state or "", f"{tally.drafted:,}", f"{tally.sent:,}")


def _group_row(group: GroupTally) -> tuple[str, ...]:
    counts = (group.supporters, group.writers, group.drafted, group.sent)
    return (group.label, *(f"{n:,}" for n in counts))
