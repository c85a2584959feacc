"""A member of Congress as a letter target, so letters, kits and phone scripts treat the
supporter's own senators and representative exactly like the campaign's fixed offices."""

from __future__ import annotations

from datetime import date

from bot.campaign import CONGRESS, Channel, Target
from bot.officials import members
from bot.officials.importers import LEGISLATORS
from bot.places import US_STATES
from bot.store import Repo
from bot.store import officials as queries
from bot.store.models import Legislator

_LINK_LABEL = {"contact form": "Contact form", "website": "Website"}


def member_target(member: Legislator, routing: str, checked: date) -> Target:
    """The member as a Target. Its id is their bioguide id in lower case (how letters remember
    them); `routing` is the campaign's lookup target, which says what demands they get."""
    title = members.title(member)
    address = members.address_block(member)
    return Target(
        id=member.bioguide_id.lower(),
        label=f"{title} {members.formal_name(member)}",
        office=_office_name(member),
        holder=address[0],
        salutation=members.salutation(member).rstrip(":"),
        address=list(address[1:]),
        demands=[routing],
        channels=_channels(member, address),
        checked=checked,
        checked_source="congress-legislators open data, as imported by the organizers",
        kind=CONGRESS,
        short_name=f"{title} {members.surname(member)}",
        constituent=True,
    )


def _channels(member: Legislator, address: tuple[str, ...]) -> list[Channel]:
    """Contact form or website, then the DC phone, then the postal address (always)."""
    channels: list[Channel] = []
    link = members.contact_link(member)
    if link is not None:
        url, kind = link
        channels.append(Channel(kind="web", label=_LINK_LABEL[kind], value=url))
    if member.phone:
        channels.append(Channel(kind="phone", label="Washington office", value=member.phone))
    channels.append(Channel(kind="post", label="Mail", value=", ".join(address)))
    return channels


def _office_name(member: Legislator) -> str:
    """ "United States Senator for Washington", "Representative for Washington's 9th district"."""
    state = US_STATES.get(member.state, member.state)
    title = members.title(member)
    if members.is_senator(member):
        return f"United States Senator for {state}"
    if member.state in members.NON_STATES:
        return f"{title} for {state}"
    if not member.district:
        return f"{title} for {state} (at large)"
    return f"{title} for {state}'s {_ordinal(member.district)} district"


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def directory_date(repo: Repo) -> date | None:
    """When the members' data was imported: the "checked" date shown beside their contacts."""
    for dataset in queries.datasets(repo):
        if dataset.name == LEGISLATORS:
            return dataset.imported_at.date()
    return None
