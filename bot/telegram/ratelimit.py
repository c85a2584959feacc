"""Telegram's cap of about 30 messages a second, held for the bot as a whole.

Every Bot API call that carries a chat id takes the next free send slot, 1/SENDS_PER_SECOND
apart, from a clock: in this process when the bot long-polls (only one process can), or in the
database when several webhook instances share the bot, so that together they never exceed the
cap. Slots are spaced, not counted per calendar second, so no one-second window, wherever it
starts, holds more than SENDS_PER_SECOND + 1 sends. Per-group limits, paid broadcasts (up to
1,000 a second, outside the free cap) and retries after a 429 are python-telegram-bot's
AIORateLimiter, which this wraps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.store import Store
from bot.store.sendclock import next_slot

# A leaky bucket refilled 29 times a second: timer lateness keeps the sustained rate a little
# lower (about 28/s measured, bench/broadcast_bench.py), never above 30 in any second.
SENDS_PER_SECOND = 29


class SendClock(Protocol):
    async def wait_for_slot(self) -> None: ...


class LocalClock:
    """Slots for one process."""

    def __init__(self, per_second: float = SENDS_PER_SECOND) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait_for_slot(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class SharedClock:
    """Slots shared through the database by every instance (bot/store/sendclock.py)."""

    def __init__(self, store: Store, per_second: float = SENDS_PER_SECOND) -> None:
        self.store = store
        self.interval = 1.0 / per_second

    async def wait_for_slot(self) -> None:
        slot, now = await self.store.run(next_slot, self.interval)
        if slot > now:
            await asyncio.sleep(slot - now)


class BotRateLimiter(BaseRateLimiter[int]):
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
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if data.get("chat_id") is not None and not data.get("allow_paid_broadcast"):
            await self.clock.wait_for_slot()
        return await self.inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
