"""A member of Congress as a letter target, so letters, kits and phone scripts treat the
supporter's own senators and representative exactly like the campaign's fixed offices."""

from __future__ import annotations

from datetime import date

from bot.campaign import CONGRESS, Channel, Target
from bot.officials.members import NON_STATES, Member
from bot.places import US_STATES
from bot.store import Repo
from bot.store import officials as officials_store


def member_target(member: Member, routing: str, checked: date) -> Target:
    """The member as a Target. Its id is their bioguide id in lower case (how letters remember
    them); `routing` is the campaign's lookup target, which says what demands they get."""
    contact = member.contact
    channels: list[Channel] = []
    if contact.link:
        label = "Contact form" if contact.link_kind == "contact form" else "Website"
        channels.append(Channel(kind="web", label=label, value=contact.link))
    if contact.phone:
        channels.append(Channel(kind="phone", label="Washington office", value=contact.phone))
    channels.append(Channel(kind="post", label="Mail", value=", ".join(member.address_block)))
    return Target(
        id=member.bioguide_id.lower(),
        label=f"{member.title} {member.formal_name}",
        office=office_name(member),
        holder=member.address_block[0],
        salutation=member.salutation.rstrip(":"),
        address=list(member.address_block[1:]),
        demands=[routing],
        channels=channels,
        checked=checked,
        checked_source="congress-legislators open data, as imported by the organizers",
        kind=CONGRESS,
        short_name=f"{member.title} {member.surname}",
        constituent=True,
    )


def office_name(member: Member) -> str:
    """ "United States Senator for Washington", "Representative for Washington's 9th district"."""
    state = US_STATES.get(member.state, member.state)
    if member.is_senator:
        return f"United States Senator for {state}"
    if member.state in NON_STATES:
        return f"{member.title} for {state}"
    if not member.district:
        return f"{member.title} for {state} (at large)"
    return f"{member.title} for {state}'s {ordinal(member.district)} district"


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def directory_date(repo: Repo) -> date | None:
    """When the members' data was imported: the "checked" date shown beside their contacts."""
    for dataset in officials_store.datasets(repo):
        if dataset.name == "legislators":
            return dataset.imported_at.date()
    return None
