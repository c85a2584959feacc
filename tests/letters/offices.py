"""The four kinds of recipient a bundled letter goes to, built without a database."""

from __future__ import annotations

from datetime import date

from bot.campaign import Campaign, Target
from bot.officials.targets import member_target
from bot.store.models import Legislator

CHECKED = date(2026, 11, 1)


def _member(bioguide_id: str, name: str, chamber: str, **contact: str | int) -> Legislator:
    """A Democrat from Washington, as the congress-legislators import stores one."""
    first, last = name.split()
    return Legislator(
        bioguide_id=bioguide_id,
        first_name=first,
        last_name=last,
        official_full=name,
        chamber=chamber,
        state="WA",
        party="Democrat",
        **contact,
    )


SENATOR = _member(
    "C000127",
    "Maria Cantwell",
    "sen",
    phone="202-224-3441",
    address="511 Hart Senate Office Building Washington DC 20510",
    contact_form="https://www.cantwell.senate.gov/public/index.cfm/email-maria",
)
REPRESENTATIVE = _member(
    "J000298",
    "Pramila Jayapal",
    "rep",
    district=7,
    phone="202-225-3106",
    address="2346 Rayburn House Office Building Washington DC 20515",
    url="https://jayapal.house.gov",
)


def offices(campaign: Campaign) -> dict[str, tuple[Target, str]]:
    """name -> (the recipient as a letter target, the campaign route that says its demands)."""
    found: dict[str, tuple[Target, str]] = {t.id: (t, t.id) for t in campaign.targets}
    for lookup in campaign.lookups:
        member = SENATOR if lookup.lookup == "senators" else REPRESENTATIVE
        found[lookup.lookup] = (member_target(member, lookup.id, CHECKED), lookup.id)
    return found
