"""The four kinds of recipient a bundled letter goes to, built without a database."""

from __future__ import annotations

from datetime import date

from bot.campaign import Campaign, Target
from bot.officials.members import Member
from bot.officials.targets import member_target

CHECKED = date(2026, 11, 1)
SENATOR = Member(
    bioguide_id="C000127",
    first_name="Maria",
    last_name="Cantwell",
    official_full="Maria Cantwell",
    chamber="sen",
    state="WA",
    party="Democrat",
    phone="202-224-3441",
    address="511 Hart Senate Office Building Washington DC 20510",
    contact_form="https://www.cantwell.senate.gov/public/index.cfm/email-maria",
)
REPRESENTATIVE = Member(
    bioguide_id="J000298",
    first_name="Pramila",
    last_name="Jayapal",
    official_full="Pramila Jayapal",
    chamber="rep",
    state="WA",
    district=7,
    party="Democrat",
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
