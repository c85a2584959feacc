"""The stats as plain text for a terminal: fixed-width tables, no colours (`campaign-bot stats`).

Telegram shows the same CampaignStats through its own templates (templates/messages/stats*).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.letters.score import MEANING
from bot.reports.by_recipient import RecipientTally
from bot.reports.recipients import OFFICE
from bot.reports.stats import CampaignStats, GroupTally, LetterTally


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
                ("reminders sent", f"{t.reminders_sent:,}"),
                ("letters sent after a reminder", f"{t.sent_after_reminder:,}"),
                ("median personalization (per supporter)", median),
            ],
        ),
        "  " + MEANING,
    ]
    letter_header = ("", "drafted", "sent")
    lines += ["", *_table("By recipient", letter_header, [_kind_row(x) for x in stats.by_kind])]
    if any(kind.kind != OFFICE for kind in stats.by_kind):
        member_header = ("", "office", "state", "drafted", "sent")
        member_rows = [_member_row(x) for x in stats.members]
        lines += ["", *_table("Members of Congress", member_header, member_rows, text=3)]
    by_demand = [_letter_row(x) for x in stats.by_demand]
    lines += ["", *_table("By demand", letter_header, by_demand)]
    if stats.by_party:
        by_party = [_letter_row(x) for x in stats.by_party]
        lines += ["", *_table("By party", letter_header, by_party)]
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
