"""Broadcasts as background tasks of the Application: start one, and resume the unfinished ones
(at start-up, and every few seconds when several instances share the work).

Any instance can work on a running broadcast (`resume_unfinished`): one that dies loses its
untried claims to the others when their lease expires. The tasks stop cleanly when the
Application stops, and the rest resumes at the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Coroutine, Iterable
from typing import Any

from telegram import Bot
from telegram.ext import Application

from bot import broadcast_lifecycle
from bot.store import Store, broadcast_queries
from bot.store.broadcast_queries import Progress
from bot.telegram.broadcasting.sender import (
    LOCAL_HOLDER,
    PROGRESS_INTERVAL,
    ProgressCallback,
    run_broadcast,
)

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
ReportCallback = Callable[[Progress], Awaitable[object]]


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
    on_finished: ReportCallback | None = None,
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
    report, e.g. to edit the organizer's message (`broadcast_queries.report_message`).
    `paid` as in `run_broadcast`: the bot's setting at this start.
    """
    if at_start:
        ids = await store.run(broadcast_lifecycle.recover, holder)
    else:
        ids = await store.run(broadcast_queries.unfinished)
    return _work_on(
        app_or_bot, store, ids, progress_for, on_finished, paid=paid, holder=holder, skip=skip
    )


def _work_on(
    app_or_bot: AnyApplication | Bot,
    store: Store,
    ids: Iterable[int],
    progress_for: Callable[[int], ProgressCallback | None] | None,
    on_finished: ReportCallback | None,
    *,
    paid: bool,
    holder: str,
    skip: Collection[int],
) -> list[asyncio.Task[Progress]]:
    app, bot = (
        (app_or_bot, app_or_bot.bot) if isinstance(app_or_bot, Application) else (None, app_or_bot)
    )
    tasks: list[asyncio.Task[Progress]] = []
    for broadcast_id in ids:
        if broadcast_id in skip:
            continue
        log.info("resuming broadcast %d", broadcast_id)
        run = run_broadcast(
            bot,
            store,
            broadcast_id,
            on_progress=progress_for(broadcast_id) if progress_for else None,
            should_stop=_stopping(app) if app is not None else None,
            paid=paid,
            holder=holder,
        )
        coroutine = _then(run, on_finished)
        name = f"broadcast-{broadcast_id}"
        if app is not None:
            tasks.append(_spawn(app, coroutine, name=name))
        else:
            tasks.append(asyncio.create_task(coroutine, name=name))
    return tasks


async def _then(
    coroutine: Coroutine[Any, Any, Progress], on_finished: ReportCallback | None
) -> Progress:
    report = await coroutine
    if on_finished is not None:
        try:
            await on_finished(report)
        except Exception:
            log.warning("broadcast report callback failed", exc_info=True)
    return report


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
