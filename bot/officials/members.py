"""How letters and buttons address a member of Congress, read straight from their `legislator`
row: a title, a salutation, an address block, and a way to reach the office even when the open
data lacks a contact form (most House members)."""

from __future__ import annotations

import re

from bot.store.models import Legislator

# Non-voting members of the House: delegates, and Puerto Rico's resident commissioner.
DELEGATE_TERRITORIES = frozenset({"DC", "AS", "GU", "MP", "VI"})
RESIDENT_COMMISSIONER_TERRITORIES = frozenset({"PR"})
NON_STATES = DELEGATE_TERRITORIES | RESIDENT_COMMISSIONER_TERRITORIES

SENATE = "sen"
HOUSE = "rep"

# Mail reaches a member by name at the chamber's ZIP even without a room number.
_CHAMBER_LINE = {SENATE: "United States Senate", HOUSE: "U.S. House of Representatives"}
_CHAMBER_CITY = {SENATE: "Washington, DC 20510", HOUSE: "Washington, DC 20515"}
# "511 Hart Senate Office Building Washington DC 20510" (the data's one-line address).
_DC_ADDRESS = re.compile(
    r"^(?P<street>.+?)[,\s]+Washington,?\s+D\.?C\.?,?\s+(?P<zip>\d{5}(?:-\d{4})?)$", re.IGNORECASE
)
_QUOTED_NICKNAME = re.compile(r'\s+["“][^"”]*["”]')
_SHORT_TITLE = {
    "Senator": "Sen.",
    "Representative": "Rep.",
    "Delegate": "Del.",
    "Resident Commissioner": "Res. Comm.",
}
_SUFFIX = re.compile(r",?\s+(?:Jr\.|Sr\.|II|III|IV|V)$")


def is_senator(member: Legislator) -> bool:
    return member.chamber == SENATE


def title(member: Legislator) -> str:
    """ "Senator", "Representative", "Delegate" or "Resident Commissioner"."""
    if is_senator(member):
        return "Senator"
    if member.state in RESIDENT_COMMISSIONER_TERRITORIES:
        return "Resident Commissioner"
    if member.state in DELEGATE_TERRITORIES:
        return "Delegate"
    return "Representative"


def formal_name(member: Legislator) -> str:
    """The name as the member styles it, without a quoted nickname: "Henry C. Johnson, Jr."."""
    name = _QUOTED_NICKNAME.sub("", member.official_full).strip()
    return name or f"{member.first_name} {member.last_name}"


def surname(member: Legislator) -> str:
    """The surname the salutation uses.

    Usually `last_name`; but Puerto Rico's "Hernández Rivera" styles himself "Pablo José
    Hernández", so the part of the last name his official name uses wins.
    """
    styled = _SUFFIX.sub("", formal_name(member))
    if styled.endswith(member.last_name):
        return member.last_name
    words = member.last_name.split()
    for end in range(len(words) - 1, 0, -1):
        part = " ".join(words[:end])
        if styled.endswith(part):
            return part
    return member.last_name


def salutation(member: Legislator) -> str:
    """ "Dear Senator Cantwell:" (a colon: the business-letter form Congress offices use)."""
    return f"Dear {title(member)} {surname(member)}:"


def district_label(state: str, district: int | None) -> str:
    """ "CA-12", or "VT at-large" for district 0."""
    return f"{state}-{district}" if district else f"{state} at-large"


def label(member: Legislator) -> str:
    """ "Rep. Jane Doe (D, CA-12)": how a candidate reads on a button."""
    short = _SHORT_TITLE[title(member)]
    in_a_state_district = not is_senator(member) and member.state not in NON_STATES
    where = district_label(member.state, member.district) if in_a_state_district else member.state
    party = f"{member.party[0]}, " if member.party else ""
    return f"{short} {formal_name(member)} ({party}{where})"


def address_block(member: Legislator) -> tuple[str, ...]:
    """The inside address of a letter: "The Honorable ...", chamber, office, city line."""
    street, city = _split_address(member.chamber, member.office, member.address)
    lines = [f"The Honorable {formal_name(member)}"]
    lines.append(_CHAMBER_LINE.get(member.chamber, _CHAMBER_LINE[HOUSE]))
    if street:
        lines.append(street)
    lines.append(city)
    return tuple(lines)


def contact_link(member: Legislator) -> tuple[str, str] | None:
    """(address, "contact form" or "website"): the contact form, else the website, else None."""
    if member.contact_form:
        return member.contact_form, "contact form"
    if member.url:
        return member.url, "website"
    return None


def _split_address(chamber: str, office: str | None, address: str | None) -> tuple[str | None, str]:
    """(street line, "Washington, DC 205xx") from the data's one-line address."""
    default_city = _CHAMBER_CITY.get(chamber, _CHAMBER_CITY[HOUSE])
    match = _DC_ADDRESS.match(address.strip()) if address else None
    if match:
        return (office or match["street"]).strip(), f"Washington, DC {match['zip']}"
    if address and not office:
        return address.strip(), default_city
    return (office.strip() if office else None), default_city
