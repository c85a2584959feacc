"""Broadcasts to supporters who asked for updates: the rules, with no Telegram in sight.

Every function takes a `Repo` first and is one transaction through `Store.run`/`Store.call`.
The life of a broadcast:

1. `create` a draft (the organizer sees `Preview.recipients` and confirms);
2. `start` it: the recipient list is fixed as one pending delivery each (idempotent);
3. senders (on any instance) repeatedly `claim` a batch under a lease, mark each recipient
   `attempt`ed just before its send (so a crash can never cause a second send), then `settle`
   the outcomes, which updates the counters;
4. `finish` marks it done once nobody is pending or in flight.

After a crash, `recover` (once, at start-up, before claiming) gives the restarted instance's own
untried claims back and turns its attempts into "unknown" (counted as failed); another
instance's claims are taken over when their lease expires. `unfinished` lists what to work on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import ClassVar

from bot.flow.text import clean_block
from bot.store import broadcasts as q
from bot.store.broadcasts import (
    BLOCKED,
    CANCELLED,
    DELIVERED,
    DONE,
    DRAFT,
    FAILED,
    SENDING,
    SKIPPED,
    UNKNOWN,
    Progress,
    Recipient,
)
from bot.store.repo import Repo

__all__ = [
    "BLOCKED",
    "CANCELLED",
    "DELIVERED",
    "DONE",
    "DRAFT",
    "FAILED",
    "MAX_TEXT",
    "PAID_FEE_PER_MESSAGE",
    "PREVIEW_ROOM",
    "SENDING",
    "SKIPPED",
    "UNKNOWN",
    "BroadcastTextError",
    "Preview",
    "Progress",
    "Recipient",
    "attempt",
    "cancel",
    "claim",
    "clean_text",
    "create",
    "finish",
    "launch",
    "progress",
    "recipient_count",
    "recover",
    "report_target",
    "set_report_message",
    "settle",
    "start",
    "text_of",
    "unattempt",
    "unfinished",
]

# Telegram's limit for one message, in UTF-16 code units after entity parsing.
TELEGRAM_MAX_MESSAGE = 4096
# The organizer's preview shows the text under a header (recipients, the fee of a paid
# broadcast); tests/telegram/test_broadcast.py checks the header never needs more than this.
PREVIEW_ROOM = 296
# The longest broadcast: its preview still fits one message. Supporters get the text alone, as
# plain text (escaped), so its visible length is its own length.
MAX_TEXT = TELEGRAM_MAX_MESSAGE - PREVIEW_ROOM
# Telegram's fee in Stars for each message of a paid broadcast sent beyond the free rate
# (`allow_paid_broadcast`, Bot API: "a fee of 0.1 Telegram Stars per message").
PAID_FEE_PER_MESSAGE = Fraction(1, 10)


class BroadcastTextError(ValueError):
    """The organizer's text cannot be sent as one message; the message says why."""


@dataclass(frozen=True)
class Preview:
    """What the organizer confirms: the text as it will be sent, how many will get it, and
    whether it is a paid broadcast."""

    broadcast_id: int
    text: str
    recipients: int
    paid: bool = False
    fee_per_message: ClassVar[float] = float(PAID_FEE_PER_MESSAGE)

    @property
    def max_fee(self) -> int | float:
        """The most a paid broadcast costs, in Stars (Telegram bills only the messages sent
        beyond the free rate): 1,234.5 for 12,345 recipients, a whole number when it is one."""
        fee = self.recipients * PAID_FEE_PER_MESSAGE
        return int(fee) if fee.denominator == 1 else float(fee)


def clean_text(text: str) -> str:
    """The text to send: control characters out (PostgreSQL text cannot even hold NUL),
    non-empty, and short enough for its preview; else BroadcastTextError."""
    cleaned = clean_block(text, keep_tabs=True)
    if not cleaned:
        raise BroadcastTextError("The broadcast text is empty.")
    length = len(cleaned.encode("utf-16-le", "surrogatepass")) // 2
    if length > MAX_TEXT:
        raise BroadcastTextError(
            f"Your message is {length:,} characters; a broadcast can have at most {MAX_TEXT:,} "
            f"(the preview needs the rest of Telegram's {TELEGRAM_MAX_MESSAGE:,}). "
            f"Cut at least {length - MAX_TEXT:,} characters and send it again."
        )
    return cleaned


def recipient_count(repo: Repo) -> int:
    """Opted-in supporters who have not blocked the bot: who a broadcast would reach now."""
    return q.count_recipients(repo)


def create(
    repo: Repo, campaign_id: str, text: str, created_by: int, *, paid: bool = False
) -> Preview:
    """Record a draft broadcast (nothing is sent); raises BroadcastTextError for unusable text.
    `paid`: the bot sends paid broadcasts, so the preview tells what it may cost."""
    row = q.add_broadcast(repo, campaign_id, clean_text(text), created_by)
    if row.id is None:
        raise LookupError("broadcast not flushed")
    return Preview(row.id, row.text, row.recipients, paid)


def set_report_message(repo: Repo, broadcast_id: int, chat_id: int, message_id: int) -> None:
    """Where the organizer's progress message is, so a resumed broadcast can edit it too."""
    q.set_report_message(repo, broadcast_id, chat_id, message_id)


def report_target(repo: Repo, broadcast_id: int) -> tuple[int, int] | None:
    """(chat id, message id) of the organizer's progress message, if one was recorded."""
    row = q.broadcast(repo, broadcast_id)
    if row is None or row.report_chat_id is None or row.report_message_id is None:
        return None
    return row.report_chat_id, row.report_message_id


def text_of(repo: Repo, broadcast_id: int) -> str:
    row = q.broadcast(repo, broadcast_id)
    if row is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    return row.text


def start(repo: Repo, broadcast_id: int) -> Progress:
    """Fix the recipient list and mark the broadcast sending. Starting twice changes nothing."""
    q.start(repo, broadcast_id)
    return q.progress(repo, broadcast_id)  # LookupError for an unknown id


def launch(repo: Repo, broadcast_id: int) -> bool:
    """Like `start`, but True only for the one caller that started it (a double confirm, two
    instances): only that caller should run the sender."""
    return q.start(repo, broadcast_id)


# How long an instance's claim on recipients lasts. An instance that dies loses its untried
# claims to the others after this; each attempt renews it for its own send.
CLAIM_LEASE = timedelta(seconds=15)


def claim(repo: Repo, broadcast_id: int, limit: int, holder: str) -> list[Recipient]:
    """The next recipients, claimed by `holder`. Commit this before sending to any of them."""
    return q.claim(repo, broadcast_id, limit, holder, CLAIM_LEASE)


def attempt(repo: Repo, delivery_id: int, holder: str) -> bool:
    """Mark one claimed recipient attempted, just before the send; False: don't send it."""
    return q.attempt(repo, delivery_id, holder, CLAIM_LEASE)


def unattempt(repo: Repo, delivery_id: int, holder: str) -> None:
    """Take an attempt mark back: the send did not go out after all (it waits again)."""
    q.unattempt(repo, delivery_id, holder, CLAIM_LEASE)


def settle(
    repo: Repo,
    broadcast_id: int,
    outcomes: Iterable[tuple[Recipient, str]],
    not_sent: Sequence[int] = (),
    holder: str = "",
) -> None:
    """Record outcomes (delivered/blocked/failed/unknown) and hand back claims never sent.

    One transaction, so a sender that stops (shutdown, cancellation) leaves no claim behind
    except for sends whose fate it truly does not know, which it records as "unknown".
    """
    q.record(repo, broadcast_id, outcomes)
    q.release(repo, broadcast_id, not_sent, holder)


def finish(repo: Repo, broadcast_id: int) -> Progress:
    """Mark the broadcast done if nobody is left; return the report either way."""
    q.finish_if_complete(repo, broadcast_id)
    return q.progress(repo, broadcast_id)


def cancel(repo: Repo, broadcast_id: int) -> bool:
    """Stop sending; people not reached yet get nothing. False if it had already ended."""
    return q.cancel(repo, broadcast_id)


def unfinished(repo: Repo) -> list[int]:
    """Broadcasts that were sending when the bot stopped."""
    return q.unfinished(repo)


def recover(repo: Repo, holder: str) -> list[int]:
    """At `holder`'s start-up: its untried claims go back to pending, its attempts become
    "unknown" (never re-sent), and the unfinished broadcasts are returned for resuming. Other
    instances' claims stay theirs until their lease expires."""
    ids = q.unfinished(repo)
    for broadcast_id in ids:
        q.settle_interrupted(repo, broadcast_id, holder)
    return ids


def progress(repo: Repo, broadcast_id: int) -> Progress:
    return q.progress(repo, broadcast_id)
