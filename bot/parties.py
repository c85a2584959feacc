"""Letter-writing parties: a group chat opens one, people write their letters in private through
its link, the group sees a live count, and the party ends with a thank-you summary.

A group only ever sees counts and the title: never names, places or letter texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import Repo
from bot.store import parties as queries
from bot.store.models import Party, as_utc

# A group chat allows about 20 messages a minute: the card's count is edited at most this often.
CARD_EVERY = timedelta(seconds=10)
PARTY_PREFIX = "p-"  # the deep link's payload: ?start=p-<code>
MAX_TITLE = 120


@dataclass(frozen=True)
class PartyCard:
    """What a group sees of its party."""

    party_id: int
    chat_id: int
    code: str
    title: str | None
    campaign_id: str
    language: str
    written: int
    sent: int
    writers: int
    open: bool
    message_id: int | None


def _card(repo: Repo, party: Party) -> PartyCard:
    if party.id is None:
        raise LookupError("party not flushed")
    written, sent, writers = queries.tally(repo, party.id)
    return PartyCard(
        party.id,
        party.chat_id,
        party.code,
        party.title,
        party.campaign_id,
        party.language,
        written,
        sent,
        writers,
        party.status == queries.OPEN,
        party.card_message_id,
    )


def open_party(
    repo: Repo,
    chat_id: int,
    campaign_id: str,
    title: str | None,
    opened_by: int,
    language: str = "en",
) -> tuple[PartyCard, bool]:
    """The group's open party, opened now unless one is (True: opened by this call); its card
    speaks `language`."""
    found = queries.open_in(repo, chat_id)
    if found is not None:
        return _card(repo, found), False
    clean = " ".join((title or "").split())[:MAX_TITLE] or None
    party = Party(
        chat_id=chat_id,
        campaign_id=campaign_id,
        title=clean,
        opened_by=opened_by,
        language=language,
    )
    party, created = queries.add(repo, party)
    return _card(repo, party), created


def end_party(repo: Repo, chat_id: int) -> PartyCard | None:
    """End the group's open party; its final card (None: there was none to end)."""
    party = queries.open_in(repo, chat_id)
    if party is None or party.id is None or not queries.end(repo, party.id):
        return None
    repo.session.refresh(party)
    return _card(repo, party)


def open_code(repo: Repo, chat_id: int) -> str | None:
    """The link code of the group's open party, if it has one."""
    party = queries.open_in(repo, chat_id)
    return party.code if party is not None else None


def joinable(repo: Repo, payload: str | None) -> Party | None:
    """The open party a deep-link payload names (p-<code>), if any."""
    if not payload or not payload.startswith(PARTY_PREFIX):
        return None
    party = queries.by_code(repo, payload[len(PARTY_PREFIX) :])
    return party if party is not None and party.status == queries.OPEN else None


def cards_to_refresh(repo: Repo, now: datetime) -> list[PartyCard]:
    """Open parties whose count moved since their card last showed it, and whose card was not
    edited in the last CARD_EVERY."""
    due = []
    for party in queries.open_parties(repo):
        shown_at = as_utc(party.shown_at)
        if party.card_message_id is None or (shown_at and now - shown_at < CARD_EVERY):
            continue
        card = _card(repo, party)
        if (card.written, card.sent) != (party.shown_written, party.shown_sent):
            due.append(card)
    return due


def card_posted(repo: Repo, card: PartyCard, message_id: int, now: datetime) -> None:
    queries.record_card(repo, card.party_id, message_id)
    queries.record_shown(repo, card.party_id, card.written, card.sent, now)


def card_shown(repo: Repo, card: PartyCard, now: datetime) -> None:
    queries.record_shown(repo, card.party_id, card.written, card.sent, now)
