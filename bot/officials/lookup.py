"""From a supporter's ZIP to their members of Congress.

A ZIP never gives one certain answer: ZCTAs approximate USPS ZIP codes, about a fifth of them
straddle districts and about a hundred straddle states. So `resolve_zip` returns the candidate
districts and says what the supporter still has to pick; the flow asks, then calls `representative`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.districts import District
from bot.officials import members
from bot.officials.roster import roster
from bot.places import US_STATES, lookup_zip
from bot.store import Repo
from bot.store import officials as queries
from bot.store.models import Legislator


class ZipOutcome(StrEnum):
    SINGLE = "single"  # one district: that representative
    SPLIT = "split"  # several districts in one state: the supporter picks a member
    MULTI_STATE = "multi_state"  # the ZIP spans states: the supporter picks the state first
    STATE_ONLY = "state_only"  # not in the district data, but the state is known
    UNKNOWN = "unknown"  # five digits nobody knows (or a military APO/FPO code)


@dataclass(frozen=True)
class ZipResolution:
    """Where a ZIP puts a supporter: its states, and the districts they choose among."""

    zip: str
    states: tuple[str, ...] = ()
    districts: tuple[District, ...] = ()
    source: str | None = None  # "zccd", "zipcodes" (state only) or None

    @property
    def state(self) -> str | None:
        """The state, when there is exactly one."""
        return self.states[0] if len(self.states) == 1 else None

    @property
    def outcome(self) -> ZipOutcome:
        if not self.states:
            return ZipOutcome.UNKNOWN
        if not self.districts:
            return ZipOutcome.STATE_ONLY
        if len(self.states) > 1:
            return ZipOutcome.MULTI_STATE
        return ZipOutcome.SINGLE if len(self.districts) == 1 else ZipOutcome.SPLIT


def resolve_zip(repo: Repo, zip5: str) -> ZipResolution:
    """Candidate states and districts for a five-digit ZIP, as `bot.places` read it."""
    if not (len(zip5) == 5 and zip5.isascii() and zip5.isdigit()):
        raise ValueError(f"not a five-digit ZIP: {zip5!r}")
    seats = queries.districts_of_zcta(repo, zip5)
    if seats:
        held = roster(repo).seats
        districts = tuple(_district(s, n, held.get((s, n))) for s, n in seats)
        states = tuple(dict.fromkeys(d.state for d in districts))
        return ZipResolution(zip5, states, districts, "zccd")
    # Not a ZCTA (PO boxes, single-building ZIPs, the territories zccd leaves out): the
    # offline ZIP table still knows the state, and an at-large state has only one seat.
    place = lookup_zip(zip5)
    if place is None or place.state not in US_STATES:  # AA/AE/AP: military mail
        return ZipResolution(zip5)
    state = place.state
    if queries.districts_of_state(repo, state) == {0}:
        district = _district(state, 0, representative(repo, state, 0))
        return ZipResolution(zip5, (state,), (district,), "zipcodes")
    return ZipResolution(zip5, (state,), (), "zipcodes")


def _district(state: str, number: int, member: Legislator | None) -> District:
    """The district, labelled by its member (None: a vacant seat, or the data lacks them)."""
    if member is not None:
        return District(state, number, members.label(member))
    return District(
        state, number, f"{members.district_label(state, number)} (no member in the data)"
    )


def senators(repo: Repo, state: str) -> list[Legislator]:
    """The state's senators: two for a state, none for DC and the territories."""
    return list(roster(repo).senators.get(state.upper(), ()))


def representative(repo: Repo, state: str, district: int) -> Legislator | None:
    """The House member for a seat (district 0: at-large, or a delegate); None if vacant."""
    return roster(repo).seats.get((state.upper(), district))


def member(repo: Repo, bioguide_id: str) -> Legislator | None:
    return roster(repo).by_id.get(bioguide_id)
