"""Keeping supporters involved: campaign updates (opt-in), and their own impact with their
invite code. Each function takes a `Repo` first and runs in one `Store.run`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Repo, participation
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
    """The supporter's part in one campaign (their current one, as /me shows it)."""
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return None
    drafted, sent = repo.letter_counts(supporter.id, campaign_id)
    joined = participation.participation(repo, supporter.id, campaign_id)
    return Impact(
        drafted=drafted,
        sent=sent,
        opted_in=joined is not None and joined.opted_in,
        invite_code=invite_code(supporter),
        invited=participation.invited_count(repo, supporter.id, campaign_id),
        campaign_supporters=participation.supporters_in(repo, campaign_id),
        campaign_sent=repo.campaign_sent(campaign_id),
        place=home_of(supporter).label or None,
        district=district_of(supporter),
        zip=supporter.zip,
        street=supporter.street,
    )


def set_updates(repo: Repo, person: Person, on: bool, campaign_id: str) -> bool:
    """Opt in or out of one campaign's updates; False if the supporter is unknown."""
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return False
    if not on:
        joined = participation.participation(repo, supporter.id, campaign_id)
    else:
        joined, _ = participation.join(repo, supporter.id, campaign_id)
    if joined is not None:
        joined.opted_in = on
        joined.offered_updates = True
        repo.session.add(joined)
    return True


def stop_all_updates(repo: Repo, person: Person) -> int:
    """/stop: no updates from any campaign; how many subscriptions it ended."""
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return 0
    return participation.stop_updates(repo, supporter.id)


def after_send(repo: Repo, person: Person, campaign_id: str) -> AfterSend | None:
    """After "I sent it": the invite code, and the campaign's updates offer the first time
    only."""
    supporter = repo.supporter(person.id)
    if supporter is None or supporter.id is None:
        return None
    joined, _ = participation.join(repo, supporter.id, campaign_id)
    offer = not joined.offered_updates and not joined.opted_in
    if offer:
        joined.offered_updates = True
        repo.session.add(joined)
    return AfterSend(invite_code(supporter), offer)
