"""Telegram's flood control: at most so many chat posts in any one-second window, counted by when
each request reached the server, answered past that with 429 and retry_after; and the per-group
limit, at most so many posts (sends and edits) to one group chat a minute."""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import deque

from .records import ApiError


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's 429, which PTB raises as RetryAfter."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


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
                raise too_many_requests(max(1, math.ceil(start + 1.0 - arrived)))
        sends.clear()
        sends.extend(times)


class ChatFlood:
    """At most ``limit`` posts to one chat in any ``window`` seconds (Telegram: 20 a minute per
    group); ``limit=None`` lets everything through. Tests may shrink the window.

    Telegram's FAQ says a bot "will not be able to send more than 20 messages per minute to the
    same group"; edits of the bot's group messages draw the same 429s in practice, so both count.
    Only posts that succeed count (``count``); ``check`` refuses the one past the limit.
    """

    def __init__(self, limit: int | None, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._posts: dict[int, deque[float]] = {}  # chat id -> arrival times of accepted posts

    def check(self, chat_id: int, arrived: float) -> None:
        """Raise 429 if a post to ``chat_id`` arriving at ``arrived`` (monotonic) is too many."""
        if self.limit is None:
            return
        posts = self._posts.setdefault(chat_id, deque())
        while posts and posts[0] <= arrived - self.window:
            posts.popleft()
        if len(posts) >= self.limit:
            raise too_many_requests(max(1, math.ceil(posts[0] + self.window - arrived)))

    def count(self, chat_id: int, arrived: float) -> None:
        """Note a post to ``chat_id`` that went through."""
        posts = self._posts.setdefault(chat_id, deque())
        bisect.insort(posts, arrived)  # threads may hand in arrivals slightly out of order
