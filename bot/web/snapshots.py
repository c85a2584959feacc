"""The dashboard's numbers per campaign, computed off the request path.

`campaign_stats` counts every letter of a campaign: about 2 seconds at 1,000,000 letters on
SQLite (`python -m bench dashboard`). So the dashboard is served from a snapshot per campaign
instead:

- while the numbers are cheap (the last computation took under CHEAP seconds: a small
  campaign) every request gets them fresh;
- the bot computes the default campaign's at start, and an organizer's /dashboard warms it
  (`warm`); a request that finds none waits for that one computation, the only slow load;
- a request that finds a snapshot older than `max_age` gets it at once and starts one refresh
  in the background, so snapshots are refreshed at most every `max_age` seconds and only while
  someone looks: an idle dashboard costs the database nothing. A snapshot that took long is
  kept longer (COST_SHARE times its computation), so a watched dashboard keeps one database
  reader busy a third of the time at most (at 1,000,000 letters: 2 s in every 30);
- every snapshot says when it was computed (`computed_at`), which the page shows as "as of".

One computation per campaign runs at a time; requests arriving meanwhile share it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.campaign import Campaign

log = logging.getLogger(__name__)
MAX_AGE = 30.0  # seconds a snapshot is served before a request refreshes it
CHEAP = 0.5  # seconds: numbers that took less are computed afresh for every request
COST_SHARE = 3  # ...or this many times its computation's seconds, if that is longer
Json = dict[str, Any]
Compute = Callable[[Campaign], Awaitable[Json]]


@dataclass(frozen=True)
class Snapshot:
    numbers: Json
    taken: float  # time.monotonic() when its computation finished
    took: float  # seconds its computation lasted

    def old(self, max_age: float) -> bool:
        return time.monotonic() - self.taken > max(max_age, COST_SHARE * self.took)


class Snapshots:
    """The latest numbers of each campaign the dashboard was asked about."""

    def __init__(self, compute: Compute, max_age: float = MAX_AGE, cheap: float = CHEAP) -> None:
        self.compute = compute
        self.max_age = max_age
        self.cheap = cheap
        self._held: dict[str, Snapshot] = {}
        self._running: dict[str, asyncio.Task[Json]] = {}

    async def get(self, campaign: Campaign) -> Json:
        """The campaign's numbers: fresh when they are cheap, else its latest snapshot,
        refreshed in the background when old; awaited only when there is none yet."""
        held = self._held.get(campaign.id)
        if held is None or held.took < self.cheap:
            return await asyncio.shield(self._refresh(campaign))
        if held.old(self.max_age):
            self._refresh(campaign)
        return held.numbers

    def has(self, campaign_id: str) -> bool:
        """Whether a snapshot of the campaign is held (a request would get it at once)."""
        return campaign_id in self._held

    def warm(self, campaign: Campaign) -> None:
        """Start computing the campaign's snapshot if it has none or an old one (an organizer
        is about to open the dashboard); returns at once."""
        held = self._held.get(campaign.id)
        if held is None or held.old(self.max_age):
            self._refresh(campaign)

    def _refresh(self, campaign: Campaign) -> asyncio.Task[Json]:
        """The campaign's computation under way, or a new one."""
        task = self._running.get(campaign.id)
        if task is None:
            task = asyncio.create_task(self._compute(campaign))
            task.add_done_callback(_log_failure)
            self._running[campaign.id] = task
        return task

    async def _compute(self, campaign: Campaign) -> Json:
        try:
            started = time.monotonic()
            numbers = await self.compute(campaign)
            taken = time.monotonic()
            self._held[campaign.id] = Snapshot(numbers, taken, taken - started)
            log.info("dashboard: %s computed in %.2fs", campaign.id, taken - started)
            return numbers
        finally:
            self._running.pop(campaign.id, None)


def _log_failure(task: asyncio.Task[Json]) -> None:
    """A background refresh that failed keeps the old snapshot; say why in the log."""
    if not task.cancelled() and task.exception() is not None:
        log.error("dashboard: computing a snapshot failed", exc_info=task.exception())
