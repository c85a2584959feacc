"""A broadcast to the supporters who asked for its campaign's updates: its rules and its life
cycle, with no Telegram in sight. Each step is one transaction through `Store.run`/`Store.call`.

1. `create` a draft (the organizer sees `Preview.recipients` and confirms);
2. `start` it: the recipient list is fixed as one pending delivery each (idempotent;
   `bot.store.broadcast_queries.start_sending` says which caller won);
3. senders (on any instance) repeatedly `claim` a batch under a lease, mark each recipient
   `attempt`ed just before its send (so a crash can never cause a second send), then `settle`
   the outcomes, which updates the counters (bot/store/delivery_claims.py);
4. `finish` marks it done once nobody is pending or in flight.

After a crash, `recover` (once, at start-up, before claiming) gives the restarted instance's own
untried claims back and turns its attempts into "unknown" (counted as failed); another
instance's claims are taken over when their lease expires.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.flow.text import clean_block
from bot.store import broadcast_queries, delivery_claims
from bot.store.broadcast_queries import DeliveryStatus, Progress
from bot.store.delivery_claims import Recipient
from bot.store.repo import Repo


class BroadcastTextError(ValueError):
    """The organizer's text cannot be sent: empty (`length` 0), or `length` characters where
    `limit` is the most allowed. The adapter tells the organizer in its own words."""

    def __init__(self, length: int, limit: int | None = None) -> None:
        super().__init__(f"broadcast text of {length} characters (limit {limit})")
        self.length = length
        self.limit = limit


@dataclass(frozen=True)
class Preview:
    """What the organizer confirms: the text as it will be sent, how many will get it, and
    whether it is a paid broadcast."""

    broadcast_id: int
    text: str
    recipients: int
    paid: bool = False


def clean_text(text: str) -> str:
    """The text to send: control characters out (PostgreSQL text cannot even hold NUL) and
    non-empty, else BroadcastTextError. How long it may be is the front end's rule."""
    cleaned = clean_block(text, keep_tabs=True)
    if not cleaned:
        raise BroadcastTextError(0)
    return cleaned


def create(
    repo: Repo,
    campaign_id: str,
    text: str,
    created_by: int,
    *,
    paid: bool = False,
) -> Preview:
    """Record a draft broadcast (nothing is sent); raises BroadcastTextError for unusable text
    (see `clean_text`). `paid`: the bot sends paid broadcasts, so the preview tells what it may
    cost."""
    cleaned = clean_text(text)
    row = broadcast_queries.add_broadcast(repo, campaign_id, cleaned, created_by)
    return Preview(broadcast_queries.row_id(row), row.text, row.recipients, paid)


def redirect(
    repo: Repo, broadcast_id: int, campaign_id: str, created_by: int, *, paid: bool = False
) -> Preview | None:
    """A draft's text as a new draft for another campaign's supporters, the old draft
    cancelled; None if it is no longer a draft (started, cancelled) or unknown."""
    try:
        text = broadcast_queries.broadcast_text(repo, broadcast_id)
    except LookupError:
        return None
    if not broadcast_queries.cancel_draft(repo, broadcast_id):
        return None
    return create(repo, campaign_id, text, created_by, paid=paid)


def start(repo: Repo, broadcast_id: int) -> Progress:
    """Fix the recipient list and mark the broadcast sending. Starting twice changes nothing."""
    broadcast_queries.start_sending(repo, broadcast_id)
    return broadcast_queries.progress(repo, broadcast_id)  # LookupError for an unknown id


def settle(
    repo: Repo,
    broadcast_id: int,
    outcomes: Iterable[tuple[Recipient, DeliveryStatus]],
    not_sent: Sequence[int] = (),
    holder: str = "",
) -> None:
    """Record outcomes (delivered/blocked/failed/unknown) and hand back claims never sent.

    One transaction, so a sender that stops (shutdown, cancellation) leaves no claim behind
    except for sends whose fate it truly does not know, which it records as "unknown".
    """
    delivery_claims.record(repo, broadcast_id, outcomes)
    delivery_claims.release(repo, broadcast_id, not_sent, holder)


def finish(repo: Repo, broadcast_id: int) -> Progress:
    """Mark the broadcast done if nobody is left; return the report either way."""
    broadcast_queries.finish_if_complete(repo, broadcast_id)
    return broadcast_queries.progress(repo, broadcast_id)


def recover(repo: Repo, holder: str) -> list[int]:
    """At `holder`'s start-up: its untried claims go back to pending, its attempts become
    "unknown" (never re-sent), and the unfinished broadcasts are returned for resuming. Other
    instances' claims stay theirs until their lease expires."""
    ids = broadcast_queries.unfinished(repo)
    for broadcast_id in ids:
        delivery_claims.settle_interrupted(repo, broadcast_id, holder)
    return ids
