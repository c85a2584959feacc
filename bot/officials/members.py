"""Members of Congress as letters need them: a title, a salutation, an address block, and a
way to reach the office even when the open data lacks a contact form (most House members)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class Contact:
    """How to reach an office: the best link first, then phone and post.

    `link` is the contact form when the data has one, else the member's website; `link_kind`
    says which, so the bot can word its button ("Open the contact form" / "Open the website").
    """

    link: str | None
    link_kind: str | None  # "contact form", "website" or None
    phone: str | None
    postal: tuple[str, ...]
    website: str | None


@dataclass(frozen=True)
class Member:
    """One legislator in their current term. Field names match the `legislator` table."""

    bioguide_id: str
    first_name: str
    last_name: str
    official_full: str
    chamber: str
    state: str
    district: int | None = None
    middle_name: str | None = None
    suffix: str | None = None
    nickname: str | None = None
    senate_class: int | None = None
    party: str | None = None
    url: str | None = None
    phone: str | None = None
    address: str | None = None
    office: str | None = None
    contact_form: str | None = None
    term_start: date | None = None
    term_end: date | None = None

    @property
    def is_senator(self) -> bool:
        return self.chamber == SENATE

    @property
    def title(self) -> str:
        """ "Senator", "Representative", "Delegate" or "Resident Commissioner"."""
        if self.is_senator:
            return "Senator"
        if self.state in RESIDENT_COMMISSIONER_TERRITORIES:
            return "Resident Commissioner"
        if self.state in DELEGATE_TERRITORIES:
            return "Delegate"
        return "Representative"

    @property
    def votes(self) -> bool:
        """Delegates and the resident commissioner cannot vote on the House floor."""
        return self.is_senator or self.state not in NON_STATES

    @property
    def formal_name(self) -> str:
        """The name as the member styles it, without a quoted nickname: "Henry C. Johnson, Jr."."""
        name = _QUOTED_NICKNAME.sub("", self.official_full).strip()
        return name or f"{self.first_name} {self.last_name}"

    @property
    def surname(self) -> str:
        """The surname the salutation uses.

        Usually `last_name`; but Puerto Rico's "Hernández Rivera" styles himself "Pablo José
        Hernández", so the part of the last name his official name uses wins.
        """
        styled = _SUFFIX.sub("", self.formal_name)
        if styled.endswith(self.last_name):
            return self.last_name
        words = self.last_name.split()
        for end in range(len(words) - 1, 0, -1):
            part = " ".join(words[:end])
            if styled.endswith(part):
                return part
        return self.last_name

    @property
    def honorific(self) -> str:
        return f"The Honorable {self.formal_name}"

    @property
    def salutation(self) -> str:
        """ "Dear Senator Cantwell:" (a colon: the business-letter form Congress offices use)."""
        return f"Dear {self.title} {self.surname}:"

    @property
    def seat(self) -> str:
        """A short label: "Senator for WA", "CA-12", "VT at-large", "DC delegate"."""
        if self.is_senator:
            return f"Senator for {self.state}"
        if self.state in NON_STATES:
            return f"{self.state} {self.title.lower()}"
        if not self.district:
            return f"{self.state} at-large"
        return f"{self.state}-{self.district}"

    @property
    def label(self) -> str:
        """ "Rep. Jane Doe (D, CA-12)": how a candidate reads on a button."""
        short = _SHORT_TITLE[self.title]
        where = self.state if self.is_senator or self.state in NON_STATES else self.seat
        party = f"{self.party[0]}, " if self.party else ""
        return f"{short} {self.formal_name} ({party}{where})"

    @property
    def address_block(self) -> tuple[str, ...]:
        """The inside address of a letter: name, chamber, office, city line."""
        street, city = _split_address(self.chamber, self.office, self.address)
        lines = [self.honorific, _CHAMBER_LINE.get(self.chamber, _CHAMBER_LINE[HOUSE])]
        if street:
            lines.append(street)
        lines.append(city)
        return tuple(lines)

    @property
    def contact(self) -> Contact:
        """Contact form, else website; plus the DC phone and the postal address (always)."""
        if self.contact_form:
            link, kind = self.contact_form, "contact form"
        elif self.url:
            link, kind = self.url, "website"
        else:
            link, kind = None, None
        return Contact(link, kind, self.phone, self.address_block, self.url)


def _split_address(chamber: str, office: str | None, address: str | None) -> tuple[str | None, str]:
    """(street line, "Washington, DC 205xx") from the data's one-line address."""
    default_city = _CHAMBER_CITY.get(chamber, _CHAMBER_CITY[HOUSE])
    match = _DC_ADDRESS.match(address.strip()) if address else None
    if match:
        return (office or match["street"]).strip(), f"Washington, DC {match['zip']}"
    if address and not office:
        return address.strip(), default_city
    return (office.strip() if office else None), default_city
