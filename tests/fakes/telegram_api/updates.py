"""The queue of updates waiting for the bot, and getUpdates' long polling over it: a newer poll
(or setWebhook) ends an older one with Telegram's 409, and an offset confirms what came before."""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from typing import Any

from .records import ApiError

# Update types Telegram delivers when allowed_updates was never set (or set to []).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)


class UpdateQueue:
    """Updates in the order users made them, until confirmed (polling) or delivered (webhook).

    Every method expects the caller to hold the condition's lock, except ``long_poll``, which
    takes it and waits on it.
    """

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._queue: deque[dict[str, Any]] = deque()
        self._log: dict[int, dict[str, Any]] = {}
        self._next_id = 100001
        self._allowed: list[str] | None = None
        self._poll_generation = 0
        self._poll_conflict = POLL_CONFLICT
        self.pending_polls = 0  # getUpdates requests waiting right now
        self.stopping = False

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update of one kind; returns its update_id."""
        update_id = self._next_id
        self._next_id += 1
        update = {"update_id": update_id, kind: payload}
        self._queue.append(update)
        self._log[update_id] = update
        self._cond.notify_all()
        return update_id

    def logged(self, update_id: int) -> dict[str, Any]:
        """An update ever queued, by id (a deep copy)."""
        return copy.deepcopy(self._log[update_id])

    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed or delivered (deep copies)."""
        return copy.deepcopy(list(self._queue))

    def __len__(self) -> int:
        return len(self._queue)

    def allow(self, allowed: Any) -> None:
        """Apply an allowed_updates parameter; None keeps the previous choice, [] the default."""
        if allowed is not None:
            self._allowed = list(allowed) or None

    @property
    def allowed(self) -> list[str] | None:
        return list(self._allowed) if self._allowed else None

    def clear(self) -> None:
        self._queue.clear()

    def end_polls(self, conflict: str) -> None:
        """Make every waiting getUpdates answer 409 with ``conflict``."""
        self._poll_generation += 1
        self._poll_conflict = conflict
        self._cond.notify_all()

    def remove(self, update_id: int) -> None:
        """Drop one update from the queue (delivered to the webhook)."""
        for queued in self._queue:
            if queued["update_id"] == update_id:
                self._queue.remove(queued)
                return

    def select(self, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` queued updates the bot asked for (copies), oldest first."""
        batch: list[dict[str, Any]] = []
        for update in list(self._queue):
            kind = next(k for k in update if k != "update_id")
            allowed = (
                kind in self._allowed if self._allowed else kind not in _DEFAULT_EXCLUDED_UPDATES
            )
            if not allowed:
                self._queue.remove(update)  # Telegram never queues filtered-out updates
                continue
            batch.append(copy.deepcopy(update))
            if len(batch) >= limit:
                break
        return batch

    def long_poll(self, offset: int, limit: int, timeout: float, allowed: Any) -> list[Any]:
        """getUpdates: confirm below ``offset``, then wait up to ``timeout`` for updates."""
        with self._cond:
            self.allow(allowed)
            self.end_polls(POLL_CONFLICT)
            generation = self._poll_generation
            self._confirm(offset)
            deadline = time.monotonic() + timeout
            self.pending_polls += 1
            self._cond.notify_all()
            try:
                while True:
                    if generation != self._poll_generation:
                        raise ApiError(409, self._poll_conflict)
                    batch = self.select(limit)
                    if batch or self.stopping:
                        return batch
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    self._cond.wait(remaining)
            finally:
                self.pending_polls -= 1

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            while self._queue and self._queue[0]["update_id"] < offset:
                self._queue.popleft()
        elif offset < 0:
            while len(self._queue) > -offset:
                self._queue.popleft()
