"""Sends one broadcast over Telegram while the bot keeps serving everyone: batches claimed,
sent by a few senders at once (bot/telegram/broadcasting/delivery.py), settled, and reported.

Pacing is the bot's rate limiter (bot/telegram/ratelimit.py; the Application is built with
it): every send, reply and edit takes a slot from the same clock, so a broadcast uses the slots
nobody else needs. A few senders at a time keep the limiter busy without queueing a whole batch
ahead of other users' replies.

A paid broadcast (`paid=True`, the PAID_BROADCASTS setting) sends each message with
`allow_paid_broadcast`: Telegram then takes up to 1,000 a second and bills the bot's Stars for
those beyond the free rate. AIORateLimiter paces such sends on a 1,000-a-second limiter of their
own, apart from everyone else's replies, so more senders run at once to use it.

The database is the source of truth (bot/broadcast_lifecycle.py): recipients are claimed under
a lease and marked attempted before their send, so no instance ever sends anyone the message
twice. A graceful stop lets the sends in flight finish and hands the untouched claims back; a
cancellation records the sends it interrupted as "unknown". Either way no claim is left dangling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Bot

from bot import broadcast_lifecycle
from bot.store import Store, broadcast_queries, delivery_claims
from bot.store.broadcast_queries import Progress
from bot.store.delivery_claims import Recipient
from bot.telegram.broadcasting.delivery import Batch, Deliverer, StopSending, message_html

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], Awaitable[object]]
T = TypeVar("T")

# Claims per transaction. A crash can cost at most this many "unknown" deliveries; at ~28 sends
# per second it is one claim and one settle transaction per second or so.
BATCH_SIZE = 20
# Broadcast sends waiting on the rate limiter at once. Enough to keep it saturated over a slow
# link; few enough that another user's reply never queues behind more than a handful.
CONCURRENCY = 4
# Paid broadcasts: enough senders for hundreds of sends a second at ~50-100 ms a request, well
# inside PTB's 256-connection pool (a request waiting for a connection could time out unsent),
# and batches that keep them all busy. A crash can cost one batch as "unknown".
PAID_CONCURRENCY = 64
PAID_BATCH_SIZE = 200
# The organizer's progress message: each edit takes a send slot from the broadcast.
PROGRESS_INTERVAL = 5.0
# Who claims recipients when the caller does not say (one process, long polling).
LOCAL_HOLDER = f"{socket.gethostname()}/polling"


async def run_broadcast(
    bot: Bot,
    store: Store,
    broadcast_id: int,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress_interval: float = PROGRESS_INTERVAL,
    paid: bool = False,
    batch_size: int | None = None,
    concurrency: int | None = None,
    holder: str = LOCAL_HOLDER,
) -> Progress:
    """Send broadcast `broadcast_id` to everyone not yet reached; return the final report.

    Run it as a background task (bot/telegram/broadcasting/tasks.py). It starts a draft broadcast
    itself (idempotently). `on_progress(snapshot)` is called at most every `progress_interval`
    seconds while sending, never concurrently with itself and never after this returns, so the
    caller's final edit with the returned report always comes last.

    The report is not `finished` when sending stopped early: `should_stop()` became true (the
    Application is stopping), the broadcast was cancelled, or Telegram was unreachable. The
    people not reached stay pending for a resume.

    `paid` sends with `allow_paid_broadcast` (see the module docstring); batch size and
    concurrency default to what the mode needs.
    """
    if batch_size is None:
        batch_size = PAID_BATCH_SIZE if paid else BATCH_SIZE
    if concurrency is None:
        concurrency = PAID_CONCURRENCY if paid else CONCURRENCY
    run = _Run(
        bot=bot,
        store=store,
        broadcast_id=broadcast_id,
        on_progress=on_progress,
        should_stop=should_stop or (lambda: False),
        progress_interval=progress_interval,
        paid=paid,
        batch_size=max(1, batch_size),
        concurrency=max(1, concurrency),
        holder=holder,
    )
    return await run.run()


@dataclass
class _Run:
    bot: Bot
    store: Store
    broadcast_id: int
    on_progress: ProgressCallback | None
    should_stop: Callable[[], bool]
    progress_interval: float
    paid: bool
    batch_size: int
    concurrency: int
    holder: str
    progress_task: asyncio.Task[None] | None = None

    async def run(self) -> Progress:
        await self.store.run(broadcast_lifecycle.start, self.broadcast_id)
        text = await self.store.run(broadcast_queries.broadcast_text, self.broadcast_id)
        deliverer = Deliverer(
            self.bot,
            self.store,
            self.broadcast_id,
            self.holder,
            self.paid,
            message_html(text),
            self.should_stop,
        )
        try:
            await self._send_all(deliverer)
        except BaseException:
            if self.progress_task is not None:
                self.progress_task.cancel()
            raise
        if self.progress_task is not None:
            await asyncio.gather(self.progress_task, return_exceptions=True)
        report = await self.store.run(broadcast_lifecycle.finish, self.broadcast_id)
        if deliverer.unreachable:
            log.error(
                "broadcast %d paused: Telegram unreachable; %d people left for a resume",
                self.broadcast_id,
                report.pending,
            )
        log.info(
            "broadcast %d %s: %d delivered, %d blocked, %d failed, %d pending",
            self.broadcast_id,
            report.status,
            report.delivered,
            report.blocked,
            report.failed,
            report.pending,
        )
        return report

    async def _send_all(self, deliverer: Deliverer) -> None:
        """Claim and send batch after batch, reporting progress now and then, until nobody is
        left or the run must stop."""
        loop = asyncio.get_running_loop()
        last_progress = loop.time()
        while not deliverer.stopping():
            batch = await self._claim()
            if not batch:
                break
            await self._send_batch(deliverer, Batch(batch))
            if self.on_progress and loop.time() - last_progress >= self.progress_interval:
                last_progress = loop.time()
                await self._report_progress()

    async def _report_progress(self) -> None:
        """Start one progress callback in the background unless the previous one still runs."""
        if self.on_progress is None:
            return
        if self.progress_task is not None and not self.progress_task.done():
            return
        snapshot = await self.store.run(broadcast_queries.progress, self.broadcast_id)
        self.progress_task = asyncio.create_task(_call_progress(self.on_progress, snapshot))

    async def _claim(self) -> list[Recipient]:
        """Claim the next batch; if cancelled meanwhile, let the claim commit and hand it back."""
        task = asyncio.ensure_future(
            self.store.run(delivery_claims.claim, self.broadcast_id, self.batch_size, self.holder)
        )
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                claimed = await asyncio.shield(task)
                not_sent = [recipient.delivery_id for recipient in claimed]
                await _shielded(
                    self.store.run(
                        broadcast_lifecycle.settle, self.broadcast_id, [], not_sent, self.holder
                    )
                )
            raise

    async def _send_batch(self, deliverer: Deliverer, batch: Batch) -> None:
        pending = iter(batch.recipients)

        async def sender() -> None:
            for recipient in pending:
                try:
                    outcome = await deliverer.deliver(batch, recipient)
                except StopSending:
                    return
                if outcome is not None:
                    batch.outcomes[recipient.delivery_id] = (recipient, outcome)

        workers = min(self.concurrency, len(batch.recipients))
        try:
            await asyncio.gather(*(sender() for _ in range(workers)))
        except BaseException:
            # Cancelled (shutdown) or a bug: settle what is known before letting it propagate.
            try:
                await _shielded(self._settle(batch))
            except Exception:
                log.exception("broadcast %d: could not record a batch", self.broadcast_id)
            raise
        await _shielded(self._settle(batch))

    async def _settle(self, batch: Batch) -> None:
        outcomes, not_sent = batch.settlement()
        await self.store.run(
            broadcast_lifecycle.settle, self.broadcast_id, outcomes, not_sent, self.holder
        )


async def _call_progress(callback: ProgressCallback, snapshot: Progress) -> None:
    """A failing progress message must never stop the broadcast."""
    try:
        await callback(snapshot)
    except Exception:
        log.warning("broadcast progress callback failed", exc_info=True)


async def _shielded(awaitable: Awaitable[T]) -> T:
    """Database work that must happen even if this task is cancelled while waiting for it.

    `Store.run` hands the work to a thread pool; cancelling the wait would drop a job that has
    not started yet, leaving claims dangling. Shielded, the job always runs; a cancellation
    still propagates once it is done.
    """
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.shield(task)
        raise
