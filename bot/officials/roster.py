"""The loaded members of Congress, held in memory: one copy per database and import.

A ZIP lookup needs a state's senators and a seat's House member. Reading those as ORM rows took
three queries per lookup and halved the lookup rate against the earlier column queries
(bench/officials_bench.py: 1,000-1,050/s against 1,700-2,000/s). The 537 rows are read once per
import instead, and every lookup checks the legislators dataset's import stamp, so a re-import,
here or by another instance, shows at the next lookup.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.store import Repo
from bot.store import officials as queries
from bot.store.models import Legislator

HOUSE, SENATE = "rep", "sen"


@dataclass(frozen=True)
class Roster:
    """Members by bioguide id, senators by state, and House members by seat."""

    by_id: Mapping[str, Legislator]
    senators: Mapping[str, tuple[Legislator, ...]]
    seats: Mapping[tuple[str, int], Legislator]

    @classmethod
    def of(cls, members: Iterable[Legislator]) -> Roster:
        """Should the data give a seat two members, the first by bioguide id holds it."""
        ordered = sorted(members, key=lambda m: m.bioguide_id)
        senators: dict[str, list[Legislator]] = {}
        seats: dict[tuple[str, int], Legislator] = {}
        for member in ordered:
            if member.chamber == SENATE:
                senators.setdefault(member.state, []).append(member)
            elif member.chamber == HOUSE and member.district is not None:
                seats.setdefault((member.state, member.district), member)
        by_name = {
            state: tuple(sorted(found, key=lambda m: (m.last_name, m.first_name)))
            for state, found in senators.items()
        }
        return cls({m.bioguide_id: m for m in ordered}, by_name, seats)


_KEY = "bot.officials.roster"  # in Session.info: this transaction's roster
_lock = threading.Lock()
_held: weakref.WeakKeyDictionary[Engine, tuple[Any, Roster]] = weakref.WeakKeyDictionary()


def roster(repo: Repo) -> Roster:
    """The roster of the repo's database, checked once per transaction and read again only
    after a new import. Rows added without an import (no stamp) are read in every transaction,
    so nothing stale is ever served."""
    checked = repo.session.info.get(_KEY)
    if isinstance(checked, Roster):
        return checked
    stamp = queries.legislators_stamp(repo)
    engine = repo.session.get_bind().engine
    with _lock:
        held = _held.get(engine)
    if stamp is None or held is None or held[0] != stamp:
        held = (stamp, Roster.of(queries.all_legislators(repo)))
        if stamp is not None:
            with _lock:
                _held[engine] = held
    repo.session.info[_KEY] = held[1]
    return held[1]


def forget(repo: Repo) -> None:
    """Drop this transaction's roster, after it replaced the members."""
    repo.session.info.pop(_KEY, None)
