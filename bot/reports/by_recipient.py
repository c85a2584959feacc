"""Letters per recipient, and per kind of recipient: each campaign office, then all Senators,
all Representatives and all former members together, for the stats (bot/reports/stats.py)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.campaign import Campaign
from bot.reports.recipients import FORMER, HOUSE, OFFICE, SENATE, Recipient

_GROUPS = {
    SENATE: "Senators (all)",
    HOUSE: "Representatives (all)",
    FORMER: "Former members (all)",
}
_LOOKUPS = {"senators": SENATE, "representative": HOUSE}


@dataclass(frozen=True)
class RecipientTally:
    """Letters to one recipient (see bot/reports/recipients.py), or to all members of one `kind`.

    A kind's line has the key "(senate)", "(house)" or "(former)" and an empty office.
    """

    key: str
    label: str
    office: str
    state: str | None
    kind: str
    drafted: int
    sent: int


def looked_up_kinds(campaign: Campaign) -> set[str]:
    """The kinds of member the campaign looks up for each supporter (listed even at zero)."""
    return {_LOOKUPS[lookup.lookup] for lookup in campaign.lookups}


def by_target(
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


def by_kind(
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
