"""Who a letter went to, from the id it stores: a campaign office, or a member of Congress.

A letter keeps only `target_id`: a campaign office's id ("president"), or for a supporter's own
member of Congress their bioguide id in lower case ("c000127"). Reports show names, so the stats
and the exports both name recipients here, from the campaign file and the `legislator` table,
read in the report's own transaction with one query for all members.

Campaign offices keep their campaign labels, even one that is a member of Congress. A member is
named as the bot's buttons name them ("Sen. Maria Cantwell (D, WA)", bot/officials/members.py);
one no longer in the table, which each `officials import` replaces whole, left Congress after
the letter and is "Former member C000127". Any other id (an office since removed from the
campaign file) names itself.

Exports add the names to the rows as they stream, with one dict lookup per row (about 0.2 s a
million rows, a few percent of the export). Not a join with a VALUES list: SQLite (3.40) does
not index one, and scanning a few hundred members for each of a million letters took 30 s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.campaign import Campaign, Target
from bot.officials.members import is_senator, label, title
from bot.store import Repo
from bot.store.export_queries import Batch, RowStream
from bot.store.models import Legislator
from bot.store.reports import legislators

OFFICE = "office"
"""A campaign office (or an id no longer in the campaign file)."""
SENATE = "senate"
HOUSE = "house"
"""Representatives, delegates and Puerto Rico's resident commissioner: the House."""
FORMER = "former"
"""A member of Congress no longer in the legislator table: their chamber is unknown."""
CONGRESS = (SENATE, HOUSE, FORMER)

FORMER_MEMBER = "Former member"
FORMER_OFFICE = "Former member of Congress"
LETTER_COLUMNS = ("recipient", "recipient_office", "recipient_state")
"""What the letters export adds after `target`; the summary adds the first two."""
SUMMARY_COLUMNS = LETTER_COLUMNS[:2]

_BIOGUIDE = re.compile(r"[a-z][0-9]{6}")


@dataclass(frozen=True)
class Recipient:
    """How reports name a target id."""

    key: str
    """The target id as letters store it."""
    label: str
    """ "The President", "Sen. Maria Cantwell (D, WA)", "Former member C000127"."""
    office: str
    """The campaign office's `office`; "Senator", "Representative", "Delegate" or "Resident
    Commissioner" for a member; FORMER_OFFICE; "" for an id the campaign no longer has."""
    state: str | None
    """A member's state or territory; None for offices and former members."""
    kind: str
    """OFFICE, SENATE, HOUSE or FORMER."""


def recipients_for(repo: Repo, campaign: Campaign, keys: Iterable[str]) -> dict[str, Recipient]:
    """The campaign's offices (in campaign order), then a Recipient for each other key."""
    found = {target.id: office_recipient(target) for target in campaign.targets}
    others = sorted(set(keys) - set(found))
    bioguide_ids = [key.upper() for key in others if _BIOGUIDE.fullmatch(key)]
    members = _members(repo, bioguide_ids) if bioguide_ids else {}
    for key in others:
        member = members.get(key.upper())
        found[key] = member_recipient(member) if member else unknown_recipient(key)
    return found


def office_recipient(target: Target) -> Recipient:
    return Recipient(target.id, target.label, target.office, None, OFFICE)


def member_recipient(member: Legislator) -> Recipient:
    kind = SENATE if is_senator(member) else HOUSE
    return Recipient(member.bioguide_id.lower(), label(member), title(member), member.state, kind)


def unknown_recipient(key: str) -> Recipient:
    """An id that neither the campaign nor the legislator table knows (any more)."""
    if _BIOGUIDE.fullmatch(key):
        return Recipient(key, f"{FORMER_MEMBER} {key.upper()}", FORMER_OFFICE, None, FORMER)
    return Recipient(key, key, "", None, OFFICE)


def named(
    repo: Repo,
    campaign: Campaign | None,
    stream: RowStream,
    columns: tuple[str, ...] = LETTER_COLUMNS,
) -> RowStream:
    """`stream` with `columns` (LETTER_COLUMNS or SUMMARY_COLUMNS) after its `target` column.

    Every loaded member is read now, in one query; without `campaign` its offices keep ids.
    """
    known = [member_recipient(member) for member in _members(repo, None).values()]
    if campaign is not None:
        known += [office_recipient(target) for target in campaign.targets]  # offices win
    cells = _Cells(known, len(columns))
    at = stream.columns.index("target") + 1
    return RowStream(
        stream.columns[:at] + columns + stream.columns[at:], _insert(stream.batches, at, cells)
    )


class _Cells(dict[str, tuple[Any, ...]]):
    """A target id's export cells (name, office, state), cut to `width`; an id not known
    beforehand is named when first seen, so a lookup never misses twice."""

    def __init__(self, known: Iterable[Recipient], width: int) -> None:
        super().__init__((r.key, _cells(r)[:width]) for r in known)
        self.width = width

    def __missing__(self, key: str) -> tuple[Any, ...]:
        cells = self[key] = _cells(unknown_recipient(key))[: self.width]
        return cells


def _cells(recipient: Recipient) -> tuple[Any, ...]:
    return (recipient.label, recipient.office or None, recipient.state)


def _insert(
    batches: Iterable[Batch], at: int, cells: Mapping[str, tuple[Any, ...]]
) -> Iterator[Batch]:
    """The rows with the cells of the id just before `at` inserted at `at`."""
    for batch in batches:
        yield [row[:at] + cells[row[at - 1]] + row[at:] for row in batch]


def _members(repo: Repo, bioguide_ids: list[str] | None) -> dict[str, Legislator]:
    """Members by upper-case bioguide id, in one query; all of them for None."""
    return {member.bioguide_id: member for member in legislators(repo, bioguide_ids)}
