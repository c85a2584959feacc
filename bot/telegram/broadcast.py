"""Sends a broadcast over Telegram in the background while the bot keeps serving everyone.

Pacing is the bot's rate limiter (bot/telegram/ratelimit.py; the Application is built with
it): every send, reply and edit takes a slot from the same clock, so a broadcast uses the slots
nobody else needs. A few senders at a
time keep the limiter busy without queueing a whole batch ahead of other users' replies.

A paid broadcast (`paid=True`, the PAID_BROADCASTS setting) sends each message with
`allow_paid_broadcast`: Telegram then takes up to 1,000 a second and bills the bot's Stars for
those beyond the free rate. AIORateLimiter paces such sends on a 1,000-a-second limiter of their
own, apart from everyone else's replies, so more senders run at once to use it.

The database is the source of truth (see `bot.broadcasts`): recipients are claimed under a
lease and marked attempted before their send, so no instance ever sends anyone the message
twice, and any instance can work on a running broadcast (`resume_unfinished`, run every
few seconds): one that dies loses its untried claims to the others when their lease expires. A
graceful stop lets the sends in flight finish and hands the untouched claims back; a
cancellation records the sends it interrupted as "unknown". Either way no claim is left dangling.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import socket
import warnings
from collections.abc import Awaitable, Callable, Collection, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning

from bot import broadcasts
from bot.broadcasts import BLOCKED, DELIVERED, FAILED, UNKNOWN, Progress, Recipient
from bot.store import Store
from bot.telegram.ratelimit import BotRateLimiter, SendCancelled, SendGate

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], Awaitable[object]]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
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
# Flood waits for one recipient before giving up on them (the limiter has retried already).
MAX_FLOOD_WAITS = 5
# Connection failures in a row that mean Telegram is unreachable: stop and leave the rest
# pending for a resume rather than marking everyone failed.
MAX_NETWORK_ERRORS = 10


def message_html(text: str) -> str:
    """The organizer's text is plain text: escape it for HTML parse mode, shown exactly as typed."""
    return html.escape(text, quote=False)


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

    Run it as a background task (`application.create_task(...)`, or `start_broadcast`). It
    starts a draft broadcast itself (idempotently). `on_progress(snapshot)` is called at most
    every `progress_interval` seconds while sending, never concurrently with itself and never
    after this returns, so the caller's final edit with the returned report always comes last.

    The report is not `finished` when sending stopped early: `should_stop()` became true (the
    Application is stopping), the broadcast was cancelled, or Telegram was unreachable. The
    people not reached stay pending for `resume_unfinished`.

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


def start_broadcast(
    app: AnyApplication,
    store: Store,
    broadcast_id: int,
    *,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = PROGRESS_INTERVAL,
    paid: bool = False,
    holder: str = LOCAL_HOLDER,
) -> asyncio.Task[Progress]:
    """`run_broadcast` as an Application task that stops cleanly when the Application stops.

    `Application.stop()` waits for its tasks; without a stop signal it would wait for the whole
    broadcast. Here the senders finish their in-flight sends and return within seconds, and the
    rest resumes at the next start.
    """
    coroutine = run_broadcast(
        app.bot,
        store,
        broadcast_id,
        on_progress=on_progress,
        should_stop=_stopping(app),
        progress_interval=progress_interval,
        paid=paid,
        holder=holder,
    )
    return _spawn(app, coroutine, name=f"broadcast-{broadcast_id}")


async def resume_unfinished(
    app_or_bot: AnyApplication | Bot,
    store: Store,
    *,
    progress_for: Callable[[int], ProgressCallback | None] | None = None,
    on_finished: Callable[[Progress], Awaitable[object]] | None = None,
    paid: bool = False,
    holder: str = LOCAL_HOLDER,
    skip: Collection[int] = (),
    at_start: bool = True,
) -> list[asyncio.Task[Progress]]:
    """Work on every unfinished broadcast in the background, except `skip` (those this process
    is sending already). Returns the tasks.

    `at_start` (post_init, once per process, before it sends broadcasts): first settle the
    claims this instance's crash left in flight; its attempts found in flight become "unknown"
    and are never re-sent. Later calls (every few seconds, with several instances) pick up
    broadcasts that other instances started or left. `progress_for(broadcast_id)` may give a
    progress callback per broadcast and `on_finished(report)` is awaited with each final
    report, e.g. to edit the organizer's message found with `bot.broadcasts.report_target`.
    `paid` as in `run_broadcast`: the bot's setting at this start.
    """
    if at_start:
        ids = await store.run(broadcasts.recover, holder)
    else:
        ids = await store.run(broadcasts.unfinished)
    return _work_on(
        app_or_bot, store, ids, progress_for, on_finished, paid=paid, holder=holder, skip=skip
    )


def _work_on(
    app_or_bot: AnyApplication | Bot,
    store: Store,
    ids: Iterable[int],
    progress_for: Callable[[int], ProgressCallback | None] | None,
    on_finished: Callable[[Progress], Awaitable[object]] | None,
    *,
    paid: bool,
    holder: str,
    skip: Collection[int],
) -> list[asyncio.Task[Progress]]:
    tasks: list[asyncio.Task[Progress]] = []
    for broadcast_id in ids:
        if broadcast_id in skip:
            continue
        log.info("resuming broadcast %d", broadcast_id)
        on_progress = progress_for(broadcast_id) if progress_for else None
        if isinstance(app_or_bot, Application):
            coroutine = run_broadcast(
                app_or_bot.bot,
                store,
                broadcast_id,
                on_progress=on_progress,
                should_stop=_stopping(app_or_bot),
                paid=paid,
                holder=holder,
            )
            coroutine = _then(coroutine, on_finished)
            tasks.append(_spawn(app_or_bot, coroutine, name=f"broadcast-{broadcast_id}"))
        else:
            coroutine = _then(
                run_broadcast(
                    app_or_bot,
                    store,
                    broadcast_id,
                    on_progress=on_progress,
                    paid=paid,
                    holder=holder,
                ),
                on_finished,
            )
            tasks.append(asyncio.create_task(coroutine, name=f"broadcast-{broadcast_id}"))
    return tasks


# Internals


@dataclass
class _Batch:
    """What happened to one claimed batch, kept so any exit can settle it exactly."""

    recipients: list[Recipient]
    attempted: set[int] = field(default_factory=set)
    taken: set[int] = field(default_factory=set)  # taken over by another instance: not ours
    outcomes: dict[int, tuple[Recipient, str]] = field(default_factory=dict)

    def settlement(self) -> tuple[list[tuple[Recipient, str]], list[int]]:
        """(outcomes, claims to hand back): an attempt without an outcome is "unknown"."""
        outcomes = list(self.outcomes.values())
        not_sent: list[int] = []
        for recipient in self.recipients:
            key = recipient.delivery_id
            if key in self.outcomes or key in self.taken:
                continue
            if key in self.attempted:
                outcomes.append((recipient, UNKNOWN))
            else:
                not_sent.append(key)
        return outcomes, not_sent


class _Stop(Exception):
    """Raised inside a sender when the run must stop before the next send."""


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
    html: str = ""
    flood_until: float = 0.0
    network_errors: int = 0
    unreachable: bool = False
    progress_task: asyncio.Task[None] | None = None

    def stopping(self) -> bool:
        return self.unreachable or self.should_stop()

    async def run(self) -> Progress:
        loop = asyncio.get_running_loop()
        await self.store.run(broadcasts.start, self.broadcast_id)
        self.html = message_html(await self.store.run(broadcasts.text_of, self.broadcast_id))
        last_progress = loop.time()
        try:
            while not self.stopping():
                batch = await self._claim()
                if not batch:
                    break
                await self._send_batch(_Batch(batch))
                if self.on_progress and loop.time() - last_progress >= self.progress_interval:
                    last_progress = loop.time()
                    await self._report_progress()
        except BaseException:
            if self.progress_task is not None:
                self.progress_task.cancel()
            raise
        if self.progress_task is not None:
            await asyncio.gather(self.progress_task, return_exceptions=True)
        report = await self.store.run(broadcasts.finish, self.broadcast_id)
        if self.unreachable:
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

    async def _report_progress(self) -> None:
        """Start one progress callback in the background unless the previous one still runs."""
        if self.on_progress is None:
            return
        if self.progress_task is not None and not self.progress_task.done():
            return
        snapshot = await self.store.run(broadcasts.progress, self.broadcast_id)
        self.progress_task = asyncio.create_task(_call_progress(self.on_progress, snapshot))

    async def _claim(self) -> list[Recipient]:
        """Claim the next batch; if cancelled meanwhile, let the claim commit and hand it back."""
        task = asyncio.ensure_future(
            self.store.run(broadcasts.claim, self.broadcast_id, self.batch_size, self.holder)
        )
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                claimed = await asyncio.shield(task)
                not_sent = [recipient.delivery_id for recipient in claimed]
                await _shielded(
                    self.store.run(broadcasts.settle, self.broadcast_id, [], not_sent, self.holder)
                )
            raise

    async def _send_batch(self, batch: _Batch) -> None:
        pending = iter(batch.recipients)

        async def sender() -> None:
            for recipient in pending:
                try:
                    outcome = await self._deliver(batch, recipient)
                except _Stop:
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

    async def _settle(self, batch: _Batch) -> None:
        outcomes, not_sent = batch.settlement()
        await self.store.run(broadcasts.settle, self.broadcast_id, outcomes, not_sent, self.holder)

    async def _deliver(self, batch: _Batch, recipient: Recipient) -> str | None:
        """One recipient's send; a flood wait retries them (that send was refused, not made).

        None: the claim is no longer ours (our lease expired and another instance took it).
        """
        key = recipient.delivery_id

        async def before_send() -> bool:
            """Mark the recipient attempted: no claim of ours is ever sent unmarked."""
            if key in batch.attempted:  # a retry after flood control
                return True
            if await self.store.run(broadcasts.attempt, key, self.holder):
                batch.attempted.add(key)
                return True
            batch.taken.add(key)  # our lease expired and another instance took it
            return False

        async def undo() -> None:
            """Back to claimed: the send waits for another slot, and may never happen."""
            await self.store.run(broadcasts.unattempt, key, self.holder)
            batch.attempted.discard(key)

        await self._wait_out_flood()
        if self.stopping():
            raise _Stop
        # With the bot's rate limiter, the mark is made once the send has its slot, so sends
        # waiting for one when the process dies are untried, and another instance sends them.
        limiter = getattr(self.bot, "rate_limiter", None)  # an ExtBot's; a plain Bot has none
        gate = SendGate(before_send, undo) if isinstance(limiter, BotRateLimiter) else None
        if gate is None and not await before_send():
            return None
        through_gate: dict[str, Any] = {"rate_limit_args": gate} if gate else {}
        for _ in range(MAX_FLOOD_WAITS + 1):
            try:
                await self._wait_out_flood()
            except _Stop:  # refused by flood control, so never sent: hand it back
                batch.attempted.discard(key)
                raise
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
            except RetryAfter as error:
                seconds = _retry_after_seconds(error)
                log.warning(
                    "broadcast %d hit flood control; waiting %.1fs", self.broadcast_id, seconds
                )
                loop = asyncio.get_running_loop()
                self.flood_until = max(self.flood_until, loop.time() + seconds)
                continue
            except Forbidden:
                self.network_errors = 0
                return BLOCKED
            except TimedOut as error:
                # The request may have reached Telegram: its fate is unknown, never retried.
                log.info("broadcast %d: send timed out: %s", self.broadcast_id, error.message)
                return UNKNOWN
            except NetworkError as error:
                self.network_errors += 1
                if self.network_errors >= MAX_NETWORK_ERRORS:
                    self.unreachable = True
                log.info("broadcast %d: network error: %s", self.broadcast_id, error.message)
                return FAILED
            except TelegramError as error:
                self.network_errors = 0
                log.info("broadcast %d: send failed: %s", self.broadcast_id, error.message)
                return FAILED
            self.network_errors = 0
            return DELIVERED
        log.warning("broadcast %d: giving up on one recipient after flood waits", self.broadcast_id)
        return FAILED

    async def _wait_out_flood(self) -> None:
        """Sleep through a flood wait, in short steps so a stop is noticed."""
        loop = asyncio.get_running_loop()
        while (remaining := self.flood_until - loop.time()) > 0:
            if self.stopping():
                raise _Stop
            await asyncio.sleep(min(remaining, 0.5))


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


async def _then(
    coroutine: Coroutine[Any, Any, Progress],
    on_finished: Callable[[Progress], Awaitable[object]] | None,
) -> Progress:
    report = await coroutine
    if on_finished is not None:
        try:
            await on_finished(report)
        except Exception:
            log.warning("broadcast report callback failed", exc_info=True)
    return report


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0) + 0.1


def _stopping(app: AnyApplication) -> Callable[[], bool]:
    """True once the Application, having run, is stopping; False before it starts running
    (a broadcast resumed in post_init must not stop at once)."""
    seen_running = False

    def stopping() -> bool:
        nonlocal seen_running
        if app.running:
            seen_running = True
            return False
        return seen_running

    return stopping


def _spawn(
    app: AnyApplication, coroutine: Coroutine[Any, Any, Progress], *, name: str
) -> asyncio.Task[Progress]:
    """An Application task (awaited by `Application.stop()`, errors to the error handlers).

    Before the Application runs (post_init), PTB would not track the task, so it waits until
    the Application is running and hands over then.
    """
    if app.running:
        return app.create_task(coroutine, name=name)

    async def when_running() -> Progress:
        try:
            # PTB has no "started" event to wait on; this polls only during start-up.
            while not app.running:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            coroutine.close()  # never started: nothing claimed, nothing to settle
            raise
        return await app.create_task(coroutine, name=name)

    return asyncio.create_task(when_running(), name=name)
