"""One recipient's send within a broadcast: the attempt mark made right before it, flood waits,
and how Telegram's answer becomes a delivery status."""

from __future__ import annotations

import asyncio
import html
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.store import Store, delivery_claims
from bot.store.broadcast_queries import DeliveryStatus
from bot.store.delivery_claims import Recipient
from bot.telegram.ratelimit import BotRateLimiter, SendCancelled, SendGate

log = logging.getLogger(__name__)

# Flood waits for one recipient before giving up on them (the limiter has retried already).
MAX_FLOOD_WAITS = 5
# Connection failures in a row that mean Telegram is unreachable: stop and leave the rest
# pending for a resume rather than marking everyone failed.
MAX_NETWORK_ERRORS = 10


def message_html(text: str) -> str:
    """The organizer's text is plain text: escape it for HTML parse mode, shown exactly as typed."""
    return html.escape(text, quote=False)


@dataclass
class Batch:
    """What happened to one claimed batch, kept so any exit can settle it exactly."""

    recipients: list[Recipient]
    attempted: set[int] = field(default_factory=set)
    taken: set[int] = field(default_factory=set)  # taken over by another instance: not ours
    outcomes: dict[int, tuple[Recipient, DeliveryStatus]] = field(default_factory=dict)

    def settlement(self) -> tuple[list[tuple[Recipient, DeliveryStatus]], list[int]]:
        """(outcomes, claims to hand back): an attempt without an outcome is "unknown"."""
        outcomes = list(self.outcomes.values())
        not_sent: list[int] = []
        for recipient in self.recipients:
            key = recipient.delivery_id
            if key in self.outcomes or key in self.taken:
                continue
            if key in self.attempted:
                outcomes.append((recipient, DeliveryStatus.UNKNOWN))
            else:
                not_sent.append(key)
        return outcomes, not_sent


class StopSending(Exception):
    """Raised inside a sender when the run must stop before the next send."""


@dataclass
class Deliverer:
    """Sends the broadcast's text to one claimed recipient after another, for every sender of
    one run: they share its flood wait and its count of network errors in a row."""

    bot: Bot
    store: Store
    broadcast_id: int
    holder: str
    paid: bool
    html: str  # the text as sent, escaped for HTML parse mode
    should_stop: Callable[[], bool]
    flood_until: float = 0.0
    network_errors: int = 0
    unreachable: bool = False

    def stopping(self) -> bool:
        return self.unreachable or self.should_stop()

    async def _mark_attempted(self, batch: Batch, key: int) -> bool:
        """Mark the recipient attempted: no claim of ours is ever sent unmarked."""
        if key in batch.attempted:  # a retry after flood control
            return True
        if await self.store.run(delivery_claims.attempt, key, self.holder):
            batch.attempted.add(key)
            return True
        batch.taken.add(key)  # our lease expired and another instance took it
        return False

    async def _unmark_attempted(self, batch: Batch, key: int) -> None:
        """Back to claimed: the send waits for another slot, and may never happen."""
        await self.store.run(delivery_claims.unattempt, key, self.holder)
        batch.attempted.discard(key)

    async def deliver(self, batch: Batch, recipient: Recipient) -> DeliveryStatus | None:
        """One recipient's send; a flood wait retries them (that send was refused, not made).

        None: the claim is no longer ours (our lease expired and another instance took it).
        """
        key = recipient.delivery_id
        await self._wait_out_flood()
        if self.stopping():
            raise StopSending
        # With the bot's rate limiter, the mark is made once the send has its slot, so sends
        # waiting for one when the process dies are untried, and another instance sends them.
        limiter = getattr(self.bot, "rate_limiter", None)  # an ExtBot's; a plain Bot has none
        gate: SendGate | None = None
        if isinstance(limiter, BotRateLimiter):
            gate = SendGate(
                partial(self._mark_attempted, batch, key),
                partial(self._unmark_attempted, batch, key),
            )
        elif not await self._mark_attempted(batch, key):
            return None
        for _ in range(MAX_FLOOD_WAITS + 1):
            try:
                await self._wait_out_flood()
            except StopSending:  # refused by flood control, so never sent: hand it back
                batch.attempted.discard(key)
                raise
            try:
                return await self._send(recipient, gate)
            except RetryAfter as error:
                self._flood_wait(error)
        log.warning("broadcast %d: giving up on one recipient after flood waits", self.broadcast_id)
        return DeliveryStatus.FAILED

    async def _send(self, recipient: Recipient, gate: SendGate | None) -> DeliveryStatus | None:
        """One send and its outcome; a flood wait (RetryAfter) is the caller's to handle."""
        through_gate: dict[str, Any] = {"rate_limit_args": gate} if gate else {}
        try:
            await self.bot.send_message(
                recipient.telegram_id,
                self.html,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=True if self.paid else None,
                **through_gate,
            )
        except SendCancelled:
            return None
        except RetryAfter:
            raise
        except Forbidden:
            self.network_errors = 0
            return DeliveryStatus.BLOCKED
        except TimedOut as error:
            # The request may have reached Telegram: its fate is unknown, never retried.
            log.info("broadcast %d: send timed out: %s", self.broadcast_id, error.message)
            return DeliveryStatus.UNKNOWN
        except NetworkError as error:
            self.network_errors += 1
            if self.network_errors >= MAX_NETWORK_ERRORS:
                self.unreachable = True
            log.info("broadcast %d: network error: %s", self.broadcast_id, error.message)
            return DeliveryStatus.FAILED
        except TelegramError as error:
            self.network_errors = 0
            log.info("broadcast %d: send failed: %s", self.broadcast_id, error.message)
            return DeliveryStatus.FAILED
        self.network_errors = 0
        return DeliveryStatus.DELIVERED

    def _flood_wait(self, error: RetryAfter) -> None:
        """Flood control refused a send: every sender of this run waits it out."""
        seconds = _retry_after_seconds(error)
        log.warning("broadcast %d hit flood control; waiting %.1fs", self.broadcast_id, seconds)
        loop = asyncio.get_running_loop()
        self.flood_until = max(self.flood_until, loop.time() + seconds)

    async def _wait_out_flood(self) -> None:
        """Sleep through a flood wait, in short steps so a stop is noticed."""
        loop = asyncio.get_running_loop()
        while (remaining := self.flood_until - loop.time()) > 0:
            if self.stopping():
                raise StopSending
            await asyncio.sleep(min(remaining, 0.5))


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0) + 0.1
