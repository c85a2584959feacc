"""Keeping supporters involved: campaign updates (opt-in), invite links and their own impact.

Like service.py, each method takes a `Repo` first and runs in one transaction via `Store.run`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.campaign import Campaign
from bot.store import Repo, Supporter

REFERRAL_PREFIX = "r-"
REFERRAL_SOURCE = "referral"
_PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{4,16}$")


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


def invite_code(supporter: Supporter) -> str:
    """The deep-link payload of a supporter's invite link (t.me/<bot>?start=<code>)."""
    return REFERRAL_PREFIX + supporter.public_id


def referrer_of(repo: Repo, payload: str | None) -> Supporter | None:
    """The supporter whose invite link carried `payload`, if it is one."""
    if not payload or not payload.startswith(REFERRAL_PREFIX):
        return None
    public_id = payload[len(REFERRAL_PREFIX) :]
    return repo.supporter_by_public_id(public_id) if _PUBLIC_ID.match(public_id) else None


@dataclass
class EngagementService:
    campaign: Campaign

    def impact(self, repo: Repo, telegram_id: int) -> Impact | None:
        supporter = repo.supporter(telegram_id)
        if supporter is None or supporter.id is None:
            return None
        drafted, sent = repo.letter_counts(supporter.id)
        supporters, campaign_sent = repo.campaign_totals(self.campaign.id)
        return Impact(
            drafted=drafted,
            sent=sent,
            opted_in=supporter.opted_in,
            invite_code=invite_code(supporter),
            invited=repo.invited_count(supporter.id),
            campaign_supporters=supporters,
            campaign_sent=campaign_sent,
            place=", ".join(p for p in (supporter.city, supporter.state or supporter.region) if p)
            or None,
            district=(
                f"{supporter.state}-{supporter.district}"
                if supporter.state and supporter.district is not None
                else None
            ),
            zip=supporter.zip,
            street=supporter.street,
        )

    def set_updates(self, repo: Repo, telegram_id: int, on: bool) -> bool:
        """Opt in or out of campaign updates; False if the supporter is unknown."""
        supporter = repo.supporter(telegram_id)
        if supporter is None:
            return False
        supporter.opted_in = on
        supporter.offered_updates = True
        repo.touch(supporter)
        return True

    def after_send(self, repo: Repo, telegram_id: int) -> AfterSend | None:
        """After "I sent it": the invite code, and the updates offer the first time only."""
        supporter = repo.supporter(telegram_id)
        if supporter is None:
            return None
        offer = not supporter.offered_updates and not supporter.opted_in
        if offer:
            supporter.offered_updates = True
            repo.touch(supporter)
        return AfterSend(invite_code(supporter), offer)
