"""From a supporter's ZIP to their members of Congress.

A ZIP never gives one certain answer: ZCTAs approximate USPS ZIP codes, about a fifth of them
straddle districts and about a hundred straddle states. So `resolve_zip` returns the candidates
and says what the supporter still has to pick; the flow asks, then calls `representative`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.officials.members import Member
from bot.places import US_STATES, find_zip, lookup_zip
from bot.store import officials as queries

if TYPE_CHECKING:
    from sqlalchemy import Row

    from bot.store import Repo

_MEMBER_FIELDS = tuple(Member.__dataclass_fields__)


class ZipOutcome(StrEnum):
    SINGLE = "single"  # one district: that representative
    SPLIT = "split"  # several districts in one state: the supporter picks a member
    MULTI_STATE = "multi_state"  # the ZIP spans states: the supporter picks the state first
    STATE_ONLY = "state_only"  # not in the district data, but the state is known
    UNKNOWN = "unknown"  # five digits nobody knows (or a military APO/FPO code)
    NOT_US = "not_us"  # not a US ZIP code at all


@dataclass(frozen=True)
class DistrictCandidate:
    state: str
    district: int  # 0 = at-large, or a delegate's seat
    member: Member | None  # None: a vacant seat, or the data lacks its member

    @property
    def label(self) -> str:
        if self.member is not None:
            return self.member.label
        seat = f"{self.state} at-large" if self.district == 0 else f"{self.state}-{self.district}"
        return f"{seat} (no member in the data)"


@dataclass(frozen=True)
class ZipResolution:
    """Where a ZIP puts a supporter, and what they still have to choose."""

    outcome: ZipOutcome
    zip: str | None = None
    states: tuple[str, ...] = ()
    candidates: tuple[DistrictCandidate, ...] = ()
    source: str | None = None  # "zccd", "zipcodes" (state only) or None

    @property
    def state(self) -> str | None:
        """The state, when there is exactly one."""
        return self.states[0] if len(self.states) == 1 else None

    @property
    def district(self) -> DistrictCandidate | None:
        """The district, when there is exactly one."""
        return self.candidates[0] if self.outcome is ZipOutcome.SINGLE else None

    @property
    def representative(self) -> Member | None:
        """The member, when the ZIP leaves no choice."""
        return self.district.member if self.district else None

    def in_state(self, state: str) -> ZipResolution:
        """The resolution once the supporter picked `state` (after MULTI_STATE)."""
        state = state.upper()
        if state not in self.states:
            raise ValueError(f"{state} is not one of {self.states}")
        candidates = tuple(c for c in self.candidates if c.state == state)
        outcome = _outcome_of(candidates) if candidates else ZipOutcome.STATE_ONLY
        return replace(self, outcome=outcome, states=(state,), candidates=candidates)

    def choose(self, state: str, district: int) -> DistrictCandidate | None:
        """The candidate the supporter picked, or None if it is not one of this ZIP's
        (a stale or tampered button)."""
        for candidate in self.candidates:
            if candidate.state == state.upper() and candidate.district == district:
                return candidate
        return None


def resolve_zip(repo: Repo, text: str) -> ZipResolution:
    """Candidate states and districts (with their members) for a ZIP, a ZIP+4 or an address."""
    zip5 = find_zip(text)
    if zip5 is None:
        return ZipResolution(ZipOutcome.NOT_US)
    rows = queries.members_of_zcta(repo, zip5)
    if rows:
        # One candidate per seat, even if the data gave a seat two members (first one wins).
        seats: dict[tuple[str, int], Row[Any]] = {}
        for row in rows:
            seats.setdefault((row.zip_state, row.zip_district), row)
        candidates = tuple(_candidate(row) for row in seats.values())
        states = tuple(dict.fromkeys(c.state for c in candidates))
        return ZipResolution(_outcome_of(candidates), zip5, states, candidates, "zccd")
    # Not a ZCTA (PO boxes, single-building ZIPs, the territories zccd leaves out): the
    # offline ZIP table still knows the state, and an at-large state has only one seat.
    place = lookup_zip(zip5)
    if place is None or place.state not in US_STATES:  # AA/AE/AP: military mail
        return ZipResolution(ZipOutcome.UNKNOWN, zip5)
    state = place.state
    if queries.districts_of_state(repo, state) == {0}:
        candidate = DistrictCandidate(state, 0, representative(repo, state, 0))
        return ZipResolution(ZipOutcome.SINGLE, zip5, (state,), (candidate,), "zipcodes")
    return ZipResolution(ZipOutcome.STATE_ONLY, zip5, (state,), (), "zipcodes")


def senators(repo: Repo, state: str) -> list[Member]:
    """The state's senators: two for a state, none for DC and the territories."""
    return [_member(row) for row in queries.senator_rows(repo, state.upper())]


def representative(repo: Repo, state: str, district: int) -> Member | None:
    """The House member for a seat (district 0: at-large, or a delegate); None if vacant."""
    rows = queries.seat_rows(repo, state.upper(), district)
    return _member(rows[0]) if rows else None


def member(repo: Repo, bioguide_id: str) -> Member | None:
    row = queries.member_row(repo, bioguide_id)
    return _member(row) if row is not None else None


def members_for(repo: Repo, state: str, district: int | None) -> list[Member]:
    """Everyone a supporter in this seat writes to: senators, then the House member if known."""
    found = senators(repo, state)
    if district is not None:
        house = representative(repo, state, district)
        if house is not None:
            found.append(house)
    return found


def _outcome_of(candidates: tuple[DistrictCandidate, ...]) -> ZipOutcome:
    if len({c.state for c in candidates}) > 1:
        return ZipOutcome.MULTI_STATE
    return ZipOutcome.SINGLE if len(candidates) == 1 else ZipOutcome.SPLIT


def _candidate(row: Row[Any]) -> DistrictCandidate:
    state, district = row.zip_state, row.zip_district
    has_member = row._mapping["bioguide_id"] is not None
    return DistrictCandidate(state, int(district), _member(row) if has_member else None)


def _member(row: Row[Any]) -> Member:
    mapping = row._mapping
    return Member(**{name: mapping[name] for name in _MEMBER_FIELDS})
