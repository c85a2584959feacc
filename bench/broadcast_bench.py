"""Broadcast throughput against the fake Bot API's flood limit (30 posts in any 1-second window).

The real Application (with its AIORateLimiter) talks HTTP to FakeTelegram on 127.0.0.1 and sends
one broadcast to `--recipients` opted-in supporters, editing an organizer's progress message
every 2 s as the /broadcast command will, while `--chatters` other users each send /start once
mid-broadcast. Printed: sustained broadcast messages/s (target >= 28), 429s seen by the fake and
429s that reached the bot's log as warnings or errors (target 0), and reply latency mid-broadcast.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot import broadcasts
from bot.broadcasts import Progress
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store, Supporter
from bot.telegram import ratelimit
from bot.telegram.app import build_application
from bot.telegram.broadcast import start_broadcast
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:BENCHMARK-TOKEN-NOT-REAL-0000000000"
ORGANIZER = 42
FIRST_RECIPIENT = 100_000
FIRST_CHATTER = 900_000
TEXT = "Thank you for writing! The hearing is on Thursday; one more letter this week helps."
_FLOOD = re.compile(r"429|retry.?after|rate limit|flood|too many requests", re.IGNORECASE)


@dataclass
class LogTally(logging.Handler):
    """Counts log records, and those about flood control, by level."""

    flood: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)

    def __hash__(self) -> int:  # logging keeps handlers in sets/lists by identity
        return id(self)

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]!r}"
        if _FLOOD.search(text):
            self.flood[record.levelname] = self.flood.get(record.levelname, 0) + 1
        if record.levelno >= logging.WARNING:
            self.problems.append(f"{record.levelname} {record.name}: {text[:160]}")

    def flood_at_or_above(self, level: int) -> int:
        return sum(n for name, n in self.flood.items() if logging.getLevelName(name) >= level)


@dataclass
class Result:
    recipients: int
    report: Progress
    wall_s: float
    first_send: float
    last_send: float
    sends: int
    posts_in_span: int
    fake_429: int
    peak_window: int
    edits: int
    reply_latencies: list[float]
    log: LogTally

    @property
    def sustained(self) -> float:
        """Broadcast messages per second, first to last send."""
        span = self.last_send - self.first_send
        return (self.sends - 1) / span if span > 0 else float("nan")

    @property
    def all_posts(self) -> float:
        """Every post the limiter let through meanwhile (broadcast, progress edits, replies)."""
        span = self.last_send - self.first_send
        return (self.posts_in_span - 1) / span if span > 0 else float("nan")


def _peak_window(times: list[float]) -> int:
    """Most posting calls the fake accepted in any 1-second window."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run(recipients: int, chatters: int, workdir: Path) -> Result:
    tally = LogTally()
    root = logging.getLogger()
    root.addHandler(tally)
    previous_level = root.level
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        with FakeTelegram(rate_limit=30) as fake:
            return await _run(fake, recipients, chatters, workdir, tally)
    finally:
        root.removeHandler(tally)
        root.setLevel(previous_level)


async def _run(
    fake: FakeTelegram, recipients: int, chatters: int, workdir: Path, tally: LogTally
) -> Result:
    url = f"sqlite:///{workdir / 'bench.db'}"
    store = Store.from_url(url)
    people = range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients)
    with store.transaction() as repo:
        for telegram_id in people:
            repo.session.add(Supporter(telegram_id=telegram_id, opted_in=True))
    for telegram_id in people:
        fake.make_user(telegram_id, f"S{telegram_id}", started=True)
    fake.make_user(ORGANIZER, "Organizer", started=True)
    talkers = [fake.make_user(FIRST_CHATTER + i, f"C{i}") for i in range(chatters)]

    settings = Settings(token=TOKEN, base_url=fake.base_url, database_url=url)
    app = build_application(settings, load_campaign(find_campaign(None)), store)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await app.start()
    try:
        preview = await store.run(broadcasts.create, "bench", TEXT, ORGANIZER)
        status = await app.bot.send_message(ORGANIZER, f"Sending to {preview.recipients}…")

        async def on_progress(snapshot: Progress) -> None:
            await status.edit_text(f"Sent {snapshot.processed} of {snapshot.recipients}")

        started = time.perf_counter()
        task = start_broadcast(app, store, preview.broadcast_id, on_progress=on_progress)
        latencies = await _chatter(fake, talkers, recipients)
        report = await task
        wall = time.perf_counter() - started
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        store.close()

    sends = [
        c.at for c in fake.calls_to("sendMessage") if c.ok and isinstance(c.chat_id, int)
        and FIRST_RECIPIENT <= c.chat_id < FIRST_RECIPIENT + recipients
    ]  # fmt: skip
    posting = {"sendMessage", "editMessageText"}
    accepted = [c.at for c in fake.calls if c.method in posting and c.ok]
    return Result(
        recipients=recipients,
        report=report,
        wall_s=wall,
        first_send=min(sends),
        last_send=max(sends),
        sends=len(sends),
        posts_in_span=sum(1 for at in accepted if min(sends) <= at <= max(sends)),
        fake_429=sum(1 for c in fake.calls if c.status == 429),
        peak_window=_peak_window(accepted),
        edits=len([c for c in fake.calls_to("editMessageText") if c.ok]),
        reply_latencies=latencies,
        log=tally,
    )


async def _chatter(fake: FakeTelegram, talkers: list, recipients: int) -> list[float]:
    """Spread one /start per chatter over the broadcast; time each reply."""
    if not talkers:
        return []
    expected = recipients / ratelimit.SENDS_PER_SECOND
    gap = expected / (len(talkers) + 1)
    latencies: list[float] = []
    for user in talkers:
        await asyncio.sleep(gap)
        since = fake.version
        asked = time.perf_counter()
        fake.send_text(user, "/start")
        await fake.wait_for_reply(user.id, since, timeout=30)
        latencies.append(time.perf_counter() - asked)
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=600, help="opted-in supporters")
    parser.add_argument("--chatters", type=int, default=10, help="users writing mid-broadcast")
    parser.add_argument(
        "--sends-per-second",
        type=float,
        default=ratelimit.SENDS_PER_SECOND,
        help="try another send rate (bot.telegram.ratelimit.SENDS_PER_SECOND) for this run",
    )
    args = parser.parse_args(argv)
    ratelimit.SENDS_PER_SECOND = args.sends_per_second
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.recipients, args.chatters, Path(tmp)))
    report = result.report
    flood_errors = result.log.flood_at_or_above(logging.WARNING)
    flood_info = result.log.flood.get("INFO", 0)
    print(
        f"broadcast   : {report.delivered}/{result.recipients} delivered, {report.blocked} "
        f"blocked, {report.failed} failed, status {report.status}"
    )
    print(
        f"throughput  : {result.sustained:.2f} messages/s sustained (first to last send; "
        f"target >= 28; limiter at {ratelimit.SENDS_PER_SECOND:g}/s), {result.wall_s:.1f}s wall"
    )
    print(
        f"all posts   : {result.all_posts:.2f} posts/s through the limiter meanwhile "
        "(broadcast + progress edits + replies to other users)"
    )
    print(
        f"flood       : {result.fake_429} 429s answered by the fake; {flood_errors} reached the "
        f"log as warnings/errors (target 0); {flood_info} limiter retries logged at INFO"
    )
    print(
        f"peak window : {result.peak_window} posts accepted in the busiest 1-second window "
        f"(the fake allows 30); {result.edits} progress edits"
    )
    if result.reply_latencies:
        lat = sorted(result.reply_latencies)
        print(
            f"replies     : {len(lat)} users answered mid-broadcast, latency median "
            f"{statistics.median(lat) * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
        )
    for line in result.log.problems[:10]:
        print(f"log         : {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
