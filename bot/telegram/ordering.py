"""One supporter's updates one at a time, in order, once, on any number of instances.

Updates of different supporters run concurrently (up to `workers` at once). Updates of one
supporter wait for each other: in this process with an asyncio lock per supporter (taken in
arrival order, which for long polling is update order), and across instances with a lease row
in the database (bot/store/leases.py), which also drops an update Telegram delivers twice.

A supporter who floods the bot gets one notice and is then ignored until their window passes.
Their queued updates wait on their own lock, never on the shared workers, so nobody else is
slowed down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.store import Store
from bot.store.leases import Take, finish, release_all, seen, take

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # longer than any one update takes, even behind the rate limiter
BUSY_RETRY_SECONDS = (0.02, 0.05, 0.1, 0.2, 0.5)  # waiting for another instance's lease
QUEUE_LIMIT = 10_000  # updates accepted at once; PTB's own semaphore, never the bottleneck


@dataclass
class FloodGuard:
    """At most `limit` updates per supporter in any fixed `window` of seconds.

    `admit` says "handle", "notify" (the first update over the limit: tell them once) or
    "drop" (the rest of that window).
    """

    # Three a second for ten seconds is more than anyone taps or types; a pasted letter that
    # Telegram splits arrives as two or three messages.
    limit: int = 30
    window: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _windows: dict[int, tuple[float, int]] = field(default_factory=dict)

    def admit(self, user_id: int) -> str:
        now = self.clock()
        started, count = self._windows.get(user_id, (now, 0))
        if now - started >= self.window:
            started, count = now, 0
        count += 1
        self._windows[user_id] = (started, count)
        if len(self._windows) > 50_000:
            self._forget_old(now)
        if count <= self.limit:
            return "handle"
        return "notify" if count == self.limit + 1 else "drop"

    def _forget_old(self, now: float) -> None:
        for user_id, (started, _) in list(self._windows.items()):
            if now - started >= self.window:
                del self._windows[user_id]


def sender_of(update: object) -> int | None:
    """Whose update this is: the user behind a message or a button tap."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


class OneAtATime(BaseUpdateProcessor):
    """PTB update processor: per-supporter order and once-only handling (see module doc)."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int,
        flood: FloodGuard,
        on_flood: Callable[[Update], Awaitable[None]],
        holder: str,
    ) -> None:
        super().__init__(max_concurrent_updates=QUEUE_LIMIT)
        self.store = store
        self.flood = flood
        self.on_flood = on_flood
        self.holder = holder
        self._workers = workers
        self._work: asyncio.Semaphore | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def initialize(self) -> None:
        self._work = asyncio.Semaphore(self._workers)
        if cleared := await self.store.run(release_all, self.holder):
            log.info("cleared %d supporter leases left by this instance's last run", cleared)

    async def shutdown(self) -> None:
        self._locks.clear()
        self._waiting.clear()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user_id = sender_of(update)
        update_id = update.update_id if isinstance(update, Update) else None
        if user_id is None or update_id is None:
            await self._handle_unowned(update_id, coroutine)
            return
        verdict = self.flood.admit(user_id)
        if verdict != "handle":
            _discard(coroutine)
            if verdict == "notify" and isinstance(update, Update):
                log.info("flood limit reached by a supporter; ignoring them for a while")
                await self.on_flood(update)
            return
        lock = self._lock(user_id)
        try:
            async with lock:
                await self._handle_owned(user_id, update_id, coroutine)
        finally:
            self._unlock(user_id)

    async def _handle_owned(self, user_id: int, update_id: int, coroutine: Awaitable[Any]) -> None:
        attempt = 0
        while (
            outcome := await self.store.run(take, user_id, update_id, self.holder, LEASE)
        ) is Take.BUSY:
            await asyncio.sleep(BUSY_RETRY_SECONDS[min(attempt, len(BUSY_RETRY_SECONDS) - 1)])
            attempt += 1
        if outcome is Take.DUPLICATE:
            log.info("update %s was delivered twice; handled once", update_id)
            _discard(coroutine)
            return
        try:
            async with self._gate():
                await coroutine
        finally:
            await self.store.run(finish, user_id, update_id, self.holder)

    async def _handle_unowned(self, update_id: int | None, coroutine: Awaitable[Any]) -> None:
        if update_id is not None and not await self.store.run(seen, update_id):
            _discard(coroutine)
            return
        async with self._gate():
            await coroutine

    def _gate(self) -> asyncio.Semaphore:
        if self._work is None:
            self._work = asyncio.Semaphore(self._workers)
        return self._work

    def _lock(self, user_id: int) -> asyncio.Lock:
        self._waiting[user_id] = self._waiting.get(user_id, 0) + 1
        return self._locks.setdefault(user_id, asyncio.Lock())

    def _unlock(self, user_id: int) -> None:
        left = self._waiting[user_id] - 1
        if left:
            self._waiting[user_id] = left
        else:  # nobody else waits for this supporter: keep memory bounded
            del self._waiting[user_id]
            del self._locks[user_id]


def _discard(coroutine: Awaitable[Any]) -> None:
    """Drop an update's handling coroutine without running it (and without a warning)."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
