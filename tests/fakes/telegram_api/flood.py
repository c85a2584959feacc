"""Telegram's flood control: at most so many chat posts in any one-second window, counted by when
each request reached the server, answered past that with 429 and retry_after."""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import deque

from .records import ApiError


class FloodControl:
    """Counts chat posts by arrival time; ``rate_limit=None`` lets everything through."""

    def __init__(self, rate_limit: int | None) -> None:
        self.rate_limit = rate_limit
        self._sends: deque[float] = deque()  # arrival times of accepted posts, sorted
        self._arrival = threading.local()  # when the request this thread handles arrived

    def stamp_arrival(self) -> None:
        """Note that this thread's request arrived now, before anything can keep it waiting."""
        self._arrival.at = time.monotonic()

    def arrival(self) -> float:
        """When this thread's request arrived (now, for one that was never stamped)."""
        return getattr(self._arrival, "at", None) or time.monotonic()

    def check(self) -> None:
        """Admit one post or raise 429.

        At most `rate_limit` posts in any one-second window, by when each request arrived (as
        Telegram counts them), not by when this process got round to handling it: under load a
        handler thread can start late, and that must not count as the bot's burst.
        """
        if self.rate_limit is None:
            return
        arrived = self.arrival()
        sends = self._sends
        while sends and sends[0] <= time.monotonic() - 2.0:
            sends.popleft()
        times = sorted([*sends, arrived])
        first = bisect.bisect_right(times, arrived - 1.0)
        for start in times[first : bisect.bisect_right(times, arrived)]:
            in_window = bisect.bisect_left(times, start + 1.0) - bisect.bisect_left(times, start)
            if in_window > self.rate_limit:
                retry_after = max(1, math.ceil(start + 1.0 - arrived))
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        sends.clear()
        sends.extend(times)
