"""Telegram's cap of about 30 messages a second, held for the bot as a whole.

Every Bot API call that carries a chat id takes the next free send slot, 1/SENDS_PER_SECOND
apart, from a clock: in this process when the bot long-polls (only one process can), or in the
database when several webhook instances share the bot, so that together they never exceed the
cap. Slots are spaced, not counted per calendar second, so no one-second window, wherever it
starts, holds more than SENDS_PER_SECOND + 1 sends. A slot is taken only when it is due: a
sender that wakes late (a busy machine) takes a later slot instead of bunching up with others.
Per-group limits, paid broadcasts (up to 1,000 a second, outside the free cap) and retries
after a 429 are python-telegram-bot's AIORateLimiter, which this wraps.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.store import Store
from bot.store.sendclock import next_slot

# Slots 1/28.7 s apart: 31 sends span 1.045 s, so a send may reach Telegram up to 45 ms later than
# the one before it without 31 falling in one second. Two instances sharing the clock broadcast
# 28.1 messages a second to 10,000 supporters with 0 x 429 (bench/broadcast_bench.py --mode two).
SENDS_PER_SECOND = 28.7


@dataclass(frozen=True)
class SendGate:
    """Passed as a send's `rate_limit_args`: asked once the send has its slot, right before
    the request goes out. A broadcast marks its recipient attempted here, so a crash while
    sends wait for their slots leaves them untried (taken over later), not lost. `undo` takes
    the mark back when the send must wait for another slot after all."""

    before_send: Callable[[], Awaitable[bool]]
    undo: Callable[[], Awaitable[None]]


# How late after its slot a request may still go out, as a share of the interval. Sends that
# keep to their slots within d seconds never put more than SENDS_PER_SECOND + 1 in any second
# while d stays under one interval; this leaves half of it for the trip to Telegram.
LATE_SHARE = 0.5


class SendCancelled(Exception):
    """The send's gate said no (its recipient is no longer this instance's to send to)."""


class SendClock(Protocol):
    interval: float

    async def take_slot(self) -> float:
        """Take a send slot (at most one interval ahead); return its time on this process's
        monotonic clock. The caller sleeps until then (and may do a little work meanwhile)."""
        ...


class LocalClock:
    """Slots for one process."""

    def __init__(self, per_second: float = SENDS_PER_SECOND) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def take_slot(self) -> float:
        # In one process the next free slot is handed out at once, however far ahead: waking
        # every waiting sender at each slot to see whose turn it is swamps a busy event loop.
        # A sender that wakes too late for its slot takes a fresh one (BotRateLimiter).
        async with self._lock:
            slot = max(self._next, time.monotonic())
            self._next = slot + self.interval
            return slot


class DatabaseTime:
    """Where the database's clock stands against this process's monotonic clock.

    An answer from the database gives its time somewhere between asking and answering, so a
    reading is off by at most half its round trip. The reading with the shortest round trip in
    the last WINDOW seconds is kept (a sliding minimum): a busy moment's slow answer, tens of
    milliseconds under load, would otherwise move this instance's sends against the other's.
    """

    WINDOW = 5.0

    def __init__(self) -> None:
        # (asked, round trip, database time minus local time), round trips increasing.
        self._readings: deque[tuple[float, float, float]] = deque()

    def read(self, asked: float, answered: float, database_now: float) -> None:
        trip = answered - asked
        offset = database_now - (asked + answered) / 2
        while self._readings and self._readings[-1][1] >= trip:
            self._readings.pop()
        self._readings.append((asked, trip, offset))
        while self._readings[0][0] < answered - self.WINDOW:
            self._readings.popleft()

    def local(self, database_time: float) -> float:
        """`database_time` on this process's monotonic clock (after at least one reading)."""
        return database_time - self._readings[0][2]


class SharedClock:
    """Slots shared through the database by every instance (bot/store/sendclock.py)."""

    def __init__(self, store: Store, per_second: float = SENDS_PER_SECOND) -> None:
        self.store = store
        self.interval = 1.0 / per_second
        self.database_time = DatabaseTime()

    async def take_slot(self) -> float:
        while True:
            asked = time.monotonic()
            slot = await self.store.run(next_slot, self.interval)
            self.database_time.read(asked, time.monotonic(), slot.now)
            if slot.taken:
                return self.database_time.local(slot.at)
            # Polling the shared clock is the point: the slot frees up in another process.
            # Back as soon as the next slot may be taken (one interval ahead of it), so slots
            # stay evenly spaced instead of each starting when a late poller arrives.
            await asyncio.sleep(max(slot.at - slot.now - self.interval, 0.002))


class BotRateLimiter(BaseRateLimiter[Any]):
    """The bot-wide send clock in front of PTB's AIORateLimiter (groups, paid, 429 retries)."""

    def __init__(self, clock: SendClock, max_retries: int = 3) -> None:
        self.clock = clock
        # overall_max_rate=0: the overall cap is the clock's; AIORateLimiter keeps the rest.
        self.inner = AIORateLimiter(overall_max_rate=0, max_retries=max_retries)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendGate | int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        clocked = data.get("chat_id") is not None and not data.get("allow_paid_broadcast")
        gate = rate_limit_args if isinstance(rate_limit_args, SendGate) else None
        retries = None if isinstance(rate_limit_args, SendGate) else rate_limit_args

        async def paced(*call_args: Any, **call_kwargs: Any) -> bool | JSONDict | list[JSONDict]:
            """The request itself, once it has its slot: called by AIORateLimiter after any
            pause it makes (a 429 pauses all of this instance's requests), and again for
            each of its retries, so no request goes out on a slot that has gone stale."""
            await self._slot_then_gate(clocked, gate)
            return await callback(*call_args, **call_kwargs)

        return await self.inner.process_request(paced, args, kwargs, endpoint, data, retries)

    async def _slot_then_gate(self, clocked: bool, gate: SendGate | None) -> None:
        while True:
            slot = await self.clock.take_slot() if clocked else 0.0
            # The gate's work (a broadcast marks its recipient attempted) is done while the
            # slot comes round, not after it, so it never makes the send late.
            if gate is not None and not await gate.before_send():
                raise SendCancelled
            if (wait := slot - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            # Sent late (a busy machine, a slow gate), it would land right before the next
            # slot's send: take a fresh slot instead, so sends never bunch up past the cap.
            if not clocked or time.monotonic() - slot <= self.clock.interval * LATE_SHARE:
                return
            if gate is not None:
                await gate.undo()
