"""Keeping supporters involved: campaign updates (opt-in), and their own impact with their
invite code. Each function takes a `Repo` first and runs in one `Store.run`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Repo
from bot.supporters.profile import district_of, home_of, invite_code
from bot.supporters.views import Person


@dataclass(frozen=True)
class Impact:
    """What /me shows: the supporter's letters, the campaign's totals, their invite code."""

    drafted: int
    sent: int
    opted_in: bool
    invite_code: str
    invited: int
    campaign_supporters: int
    campaign_sent: int
    place: str | None = None  # "Glendale, CA", as letters are signed
    district: str | None = None  # "CA-30", once known
    zip: str | None = None
    street: str | None = None  # printed letters only


@dataclass(frozen=True)
class AfterSend:
    """What to say after a recorded send: thanks, the invite code, maybe the updates offer."""

    invite_code: str
    offer_updates: bool


def impact(repo: Repo, campaign_id: str, person: Person) -> Impact | None:
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return None
    drafted, sent = repo.letter_counts(supporter.id)
    supporters, campaign_sent = repo.campaign_totals(campaign_id)
    return Impact(
        drafted=drafted,
        sent=sent,
        opted_in=supporter.opted_in,
        invite_code=invite_code(supporter),
        invited=repo.invited_count(supporter.id),
        campaign_supporters=supporters,
        campaign_sent=campaign_sent,
        place=home_of(supporter).label or None,
        district=district_of(supporter),
        zip=supporter.zip,
        street=supporter.street,
    )


def set_updates(repo: Repo, person: Person, on: bool) -> bool:
    """Opt in or out of campaign updates; False if the supporter is unknown."""
    supporter = repo.supporter(person.id)
    if supporter is None:
        return False
    supporter.opted_in = on
    supporter.offered_updates = True
    repo.touch(supporter)
    return True


def after_send(repo: Repo, person: Person) -> AfterSend | None:
    """After "I sent it": the invite code, and the updates offer the first time only."""
    supporter = repo.supporter(person.id)
    if supporter is None:
        return None
    offer = not supporter.offered_updates and not supporter.opted_in
    if offer:
        supporter.offered_updates = True
        repo.touch(supporter)
    return AfterSend(invite_code(supporter), offer)
