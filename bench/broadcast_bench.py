"""Broadcast throughput against the fake Bot API's flood limit (30 posts in any 1-second window),
for one instance and for two instances sharing the bot.

`--recipients` opted-in supporters (default 10,000; `--quick`: 1,000) are bulk-inserted and
made users of FakeTelegram, which answers HTTP on 127.0.0.1 like the Bot API and refuses a 31st
post within any second with a 429. The real Application (build_application, with the bot's rate
limiter) sends one broadcast to all of them, editing an organizer's progress message every 2 s
as the /broadcast command does, while `--chatters` other users each send /start once
mid-broadcast.

* 1 instance: one Application on a SQLite file, its own send clock (shared_send_budget=False).
* 2 instances: two Applications, each in a process of its own with its own Store on one
  throwaway PostgreSQL database (BENCH_DATABASE_URL, default the local server), both with
  shared_send_budget=True and their own `instance` name; `--in-one-process` runs both on one
  event loop instead. The first starts the broadcast (start_broadcast with its holder), the
  second works on it too (run_broadcast with its own holder, what its join job runs for a
  broadcast another instance started); a sender that returns while people are still pending
  starts again 5 s later, as the join job would. The first also polls, so it answers the
  chatters. Each uses its own token for one bot, so the fake can tell their sends apart.
  Skipped, saying so, when no PostgreSQL server answers.

Printed per mode, from the fake's log: broadcast messages/s from the first to the last broadcast
send (target >= 28), 429s (target 0), the most posts accepted in any 1-second sliding window
(target <= 30), whether every recipient got exactly one message, and for two instances how many
each sent. At about 28 messages a second the default takes about 6 minutes per mode, longer
when 429s slow it down (`python -m bench broadcast` took 14.5 minutes in all, the two-instance
run 8.6 of them at 19.4/s); `--quick` about 40 s per mode.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import re
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, insert, literal
from sqlmodel import col, select
from telegram.ext import Application

from bench import pg, procs
from bench.apps import start_polling
from bot import broadcast_lifecycle
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store, Supporter, broadcast_queries
from bot.store.broadcast_queries import Progress
from bot.store.models import Participation, new_public_id, utcnow
from bot.telegram import ratelimit
from bot.telegram.app import JOIN_BROADCASTS_EVERY, build_application
from bot.telegram.broadcasting.tasks import start_broadcast
from tests.fakes.telegram_api import FakeTelegram, FakeUser

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# One bot; each instance gets its own token for it (same bot id) so the fake's log tells
# whose call each one was. The fake's flood limit counts all of them together.
TOKENS = (
    "123456:BENCHMARK-TOKEN-NOT-REAL-000000000A",
    "123456:BENCHMARK-TOKEN-NOT-REAL-000000000B",
)
INSTANCES = ("bench-a", "bench-b")
ORGANIZER = 42
CAMPAIGN = "bench"  # the campaign the bench broadcasts for, and its recipients opted in to
FIRST_RECIPIENT = 100_000
FIRST_CHATTER = 900_000
DEFAULT_RECIPIENTS = 10_000
QUICK_RECIPIENTS = 1_000
TARGET_RATE = 28
FAKE_LIMIT = 30
TEXT = "Thank you for writing! The hearing is on Thursday; one more letter this week helps."
# The fake's flood-controlled methods: everything that posts into a chat.
POSTING = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "copyMessage",
    "forwardMessage",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
}
# Posts closer than this are bunched: at 29 a second, evenly spaced, any 50 ms holds at most 2.
BUNCH_WINDOW = 0.05
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
class Sender:
    """One instance's work on the broadcast: when its last sender returned, what that one saw,
    and the senders that returned while recipients were still pending (then it joined again,
    as its join job would)."""

    instance: str
    ended_s: float  # after the broadcast started
    progress: Progress
    early: list[tuple[float, int]]  # (seconds after the start, pending) per early return


@dataclass
class Result:
    label: str
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
    once: int  # recipients the fake saw exactly one broadcast message sent to
    missing: int  # recipients it saw none sent to
    repeated: int  # recipients it saw two or more sent to
    by_instance: dict[str, int] = field(default_factory=dict)  # broadcast sends
    refused_by_instance: dict[str, int] = field(default_factory=dict)  # 429s
    senders: list[Sender] = field(default_factory=list)  # two instances: each one's sender
    bunch: int = 0  # most posts (accepted or not) in any BUNCH_WINDOW
    first_429_s: float | None = None  # when the fake first refused one (epoch seconds)

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


def _peak_window(times: list[float], width: float = 1.0) -> int:
    """Most calls in any window of `width` seconds (by default the fake's 1-second one)."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - width:
            start += 1
        best = max(best, end - start + 1)
    return best


def seed(store: Store, fake: FakeTelegram, recipients: int) -> None:
    """`recipients` supporters opted in to the bench campaign's updates, in one bulk insert
    each of supporters and of their Participation rows; each a user of the fake."""
    now = utcnow()
    people = range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients)
    rows = [
        {
            "telegram_id": telegram_id,
            "public_id": new_public_id(),
            "blocked": False,
            "street_asked": False,
            "created_at": now,
            "updated_at": now,
        }
        for telegram_id in people
    ]
    joined = select(
        col(Supporter.id),
        literal(CAMPAIGN),
        literal(True),
        literal(True),
        literal(now, DateTime(timezone=True)),
    ).where(col(Supporter.telegram_id).between(people[0], people[-1]))
    columns = ["supporter_id", "campaign_id", "opted_in", "offered_updates", "joined_at"]
    with store.transaction() as repo:
        connection = repo.session.connection()
        connection.execute(insert(Supporter), rows)
        connection.execute(insert(Participation).from_select(columns, joined))
    for telegram_id in people:
        fake.make_user(telegram_id, f"S{telegram_id}", started=True)
    fake.make_user(ORGANIZER, "Organizer", started=True)
    # The fake kept what existed when it started out of the garbage collector's full passes
    # (FakeTelegram.start says why); the seed joins it, until the fake stops.
    gc.freeze()


def _app(fake: FakeTelegram, store: Store, url: str, index: int, shared: bool) -> AnyApplication:
    settings = Settings(token=TOKENS[index], base_url=fake.base_url, database_url=url)
    return build_application(
        settings,
        load_campaign(find_campaign(None)),
        store,
        instance=INSTANCES[index],
        shared_send_budget=shared,
    )


def _holder(index: int) -> str:
    """The holder build_application gives instance `index` (its claims and leases)."""
    return f"{socket.gethostname()}/{INSTANCES[index]}"


async def _progress_reporter(app: AnyApplication) -> Callable[[Progress], Awaitable[None]]:
    """The organizer's progress message, edited as the /broadcast command does."""
    status = await app.bot.send_message(ORGANIZER, "Sending…")

    async def on_progress(snapshot: Progress) -> None:
        await status.edit_text(f"Sent {snapshot.processed} of {snapshot.recipients}")

    return on_progress


async def run_one(recipients: int, chatters: int, workdir: Path) -> Result:
    """One Application on SQLite, its own send clock."""
    with (
        _counting_logs() as tally,
        FakeTelegram(rate_limit=FAKE_LIMIT) as fake,
    ):
        url = f"sqlite:///{workdir / 'bench.db'}"
        store = Store.from_url(url)
        seed(store, fake, recipients)
        talkers = [fake.make_user(FIRST_CHATTER + i, f"C{i}") for i in range(chatters)]
        app = _app(fake, store, url, 0, shared=False)
        await start_polling(app)
        try:
            preview = await store.run(broadcast_lifecycle.create, CAMPAIGN, TEXT, ORGANIZER)
            on_progress = await _progress_reporter(app)
            started = time.perf_counter()
            task = start_broadcast(
                app, store, preview.broadcast_id, on_progress=on_progress, holder=_holder(0)
            )
            latencies = await _chatter(fake, talkers, recipients)
            report = await task
            wall = time.perf_counter() - started
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            store.close()
        return _tally("1 instance", fake, recipients, report, wall, latencies, tally)


async def run_two(recipients: int, chatters: int, url: str, processes: bool = True) -> Result:
    """Two Applications, each with its own Store on one PostgreSQL database, one send budget:
    in two processes (as two webhook instances run), or both in this one."""
    with (
        _counting_logs() as tally,
        FakeTelegram(rate_limit=FAKE_LIMIT) as fake,
    ):
        store = Store.from_url(url)  # migrates the new database
        try:
            seed(store, fake, recipients)
            preview = await store.run(broadcast_lifecycle.create, CAMPAIGN, TEXT, ORGANIZER)
            broadcast_id = preview.broadcast_id
            await store.run(
                broadcast_lifecycle.start, broadcast_id
            )  # sending: any instance may join
        finally:
            store.close()
        talkers = [fake.make_user(FIRST_CHATTER + i, f"C{i}") for i in range(chatters)]
        if processes:
            started, latencies, outcomes = await _in_processes(
                fake, url, broadcast_id, talkers, recipients
            )
        else:
            started, latencies, outcomes = await _in_this_process(
                fake, url, broadcast_id, talkers, recipients
            )
        for outcome in outcomes if processes else ():  # else this process's tally has all
            for level, n in outcome.flood.items():
                tally.flood[level] = tally.flood.get(level, 0) + n
            tally.problems.extend(outcome.problems)
        store = Store.from_url(url)
        try:
            report = await store.run(broadcast_queries.progress, broadcast_id)
        finally:
            store.close()
        wall = max(o.ended for o in outcomes) - started
        label = f"{len(INSTANCES)} instances" + ("" if processes else " in 1 process")
        result = _tally(label, fake, recipients, report, wall, latencies, tally)
        result.senders = [
            Sender(
                INSTANCES[i],
                o.ended - started,
                o.progress,
                [(at - started, pending) for at, pending in o.early],
            )
            for i, o in enumerate(outcomes)
        ]
        return result


@dataclass
class Outcome:
    """What one instance reports back: when its sender returned, what it saw, its log."""

    ended: float  # time.monotonic(): one clock for all processes on this machine
    progress: Progress
    flood: dict[str, int]
    problems: list[str]
    early: list[tuple[float, int]]  # (time.monotonic(), pending) per early return


async def _in_processes(
    fake: FakeTelegram, url: str, broadcast_id: int, talkers: list[FakeUser], recipients: int
) -> tuple[float, list[float], list[Outcome]]:
    """Each instance in a process of its own; they start sending together."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(INSTANCES) + 1)
    results = context.Queue()
    children = [
        context.Process(
            target=_instance_process,
            args=(i, url, fake.base_url, broadcast_id, barrier, results, send_rate()),
            name=f"broadcast-{name}",
        )
        for i, name in enumerate(INSTANCES)
    ]
    for child in children:
        child.start()
    try:
        await asyncio.to_thread(barrier.wait, 300)
        started = time.monotonic()
        latencies = await _chatter(fake, talkers, recipients)
        outcomes = await asyncio.to_thread(procs.collect, children, results)
    finally:
        barrier.abort()
        procs.stop(children)
    return started, latencies, outcomes


def _instance_process(
    index: int,
    url: str,
    base_url: str,
    broadcast_id: int,
    barrier: Any,
    results: Any,
    rate: float,
) -> None:
    """A child process: one instance working on the broadcast."""
    set_send_rate(rate)

    async def ready() -> None:
        await asyncio.to_thread(barrier.wait, 300)

    results.put((index, asyncio.run(_instance(index, url, base_url, broadcast_id, ready))))


async def _instance(
    index: int,
    url: str,
    base_url: str,
    broadcast_id: int,
    ready: Callable[[], Awaitable[object]],
) -> Outcome:
    """Instance `index` on `url`: the first polls (it answers the chatters) and edits the
    organizer's progress message; both send the broadcast until nobody is left to claim."""
    with _counting_logs() as tally:
        store = Store.from_url(url)
        settings = Settings(token=TOKENS[index], base_url=base_url, database_url=url)
        app = build_application(
            settings,
            load_campaign(find_campaign(None)),
            store,
            instance=INSTANCES[index],
            shared_send_budget=True,
        )
        # No post_init: its join job would start a second sender in the first instance (which
        # started this broadcast outside the /broadcast command's bookkeeping).
        await app.initialize()
        polling = index == 0
        if polling:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            on_progress = await _progress_reporter(app) if polling else None
            await ready()
            # The second runs what its join job runs for a broadcast another instance started.
            # A sender returns when a claim comes back empty; while people are still pending,
            # the instance's join job (every JOIN_BROADCASTS_EVERY) would start another.
            early: list[tuple[float, int]] = []
            while True:
                task = start_broadcast(
                    app, store, broadcast_id, on_progress=on_progress, holder=_holder(index)
                )
                progress = await task
                ended = time.monotonic()
                if progress.finished or not progress.pending:
                    break
                early.append((ended, progress.pending))
                await asyncio.sleep(JOIN_BROADCASTS_EVERY.total_seconds())
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
            await app.shutdown()
            store.close()
        return Outcome(ended, progress, dict(tally.flood), tally.problems, early)


async def _in_this_process(
    fake: FakeTelegram, url: str, broadcast_id: int, talkers: list[FakeUser], recipients: int
) -> tuple[float, list[float], list[Outcome]]:
    """Both instances on this event loop (sharing its CPU time with each other and the fake)."""
    gate = asyncio.Event()
    waiting = 0

    async def ready() -> None:
        nonlocal waiting
        waiting += 1
        if waiting == len(INSTANCES):
            gate.set()
        await gate.wait()

    tasks = [
        asyncio.create_task(_instance(i, url, fake.base_url, broadcast_id, ready))
        for i in range(len(INSTANCES))
    ]
    await gate.wait()
    started = time.monotonic()
    latencies = await _chatter(fake, talkers, recipients)
    outcomes = await asyncio.gather(*tasks)
    return started, latencies, list(outcomes)


def _tally(
    label: str,
    fake: FakeTelegram,
    recipients: int,
    report: Progress,
    wall: float,
    latencies: list[float],
    tally: LogTally,
) -> Result:
    """The figures, from the fake's log of every call."""
    calls = fake.calls
    end = FIRST_RECIPIENT + recipients
    broadcast = [
        c for c in calls if c.method == "sendMessage" and c.ok and isinstance(c.chat_id, int)
        and FIRST_RECIPIENT <= c.chat_id < end
    ]  # fmt: skip
    sends = [c.arrived for c in broadcast]
    accepted = [c.arrived for c in calls if c.method in POSTING and c.ok]
    per_chat = Counter(c.chat_id for c in broadcast)
    names = dict(zip(TOKENS, INSTANCES, strict=True))
    return Result(
        label=label,
        recipients=recipients,
        report=report,
        wall_s=wall,
        first_send=min(sends),
        last_send=max(sends),
        sends=len(sends),
        posts_in_span=sum(1 for at in accepted if min(sends) <= at <= max(sends)),
        fake_429=sum(1 for c in calls if c.status == 429),
        peak_window=_peak_window(accepted),
        bunch=_peak_window([c.arrived for c in calls if c.method in POSTING], BUNCH_WINDOW),
        first_429_s=min((c.arrived for c in calls if c.status == 429), default=None),
        edits=len([c for c in calls if c.method == "editMessageText" and c.ok]),
        reply_latencies=latencies,
        log=tally,
        once=sum(1 for n in per_chat.values() if n == 1),
        missing=recipients - len(per_chat),
        repeated=sum(1 for n in per_chat.values() if n > 1),
        by_instance=dict(Counter(names.get(c.token, c.token) for c in broadcast)),
        refused_by_instance=dict(
            Counter(names.get(c.token, c.token) for c in calls if c.status == 429)
        ),
    )


def set_send_rate(per_second: float) -> None:
    """Clocks that build_application makes from now on give `per_second` slots a second (their
    default rate is bound when bot.telegram.ratelimit is imported)."""
    ratelimit.SENDS_PER_SECOND = per_second  # type: ignore[assignment]
    for clock in (ratelimit.LocalClock, ratelimit.SharedClock):
        init = clock.__init__
        defaults = list(getattr(init, "__defaults__", None) or ())
        defaults[-1] = per_second  # per_second is the last parameter with a default
        init.__defaults__ = tuple(defaults)


def send_rate() -> float:
    return float(ratelimit.SENDS_PER_SECOND)


@contextmanager
def _counting_logs() -> Iterator[LogTally]:
    """Counts the bot's log records (INFO and up) while a run lasts."""
    tally = LogTally()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(tally)
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        yield tally
    finally:
        root.removeHandler(tally)
        root.setLevel(previous)


async def _chatter(fake: FakeTelegram, talkers: list[FakeUser], recipients: int) -> list[float]:
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


def report(result: Result) -> None:
    """The figures beside their targets."""
    tag = f"{result.label}:"
    progress = result.report
    print(
        f"broadcast, {tag:<12} {result.sustained:.1f} msg/s (target >= {TARGET_RATE}), "
        f"{result.fake_429} x 429 (target 0), max {result.peak_window} in any second "
        f"(target <= {FAKE_LIMIT})"
    )
    print(
        f"  delivery  : {progress.delivered}/{result.recipients} delivered, {progress.blocked} "
        f"blocked, {progress.failed} failed, status {progress.status}; the fake saw "
        f"{result.once} recipients get exactly one message (target {result.recipients}), "
        f"{result.missing} none, {result.repeated} more than one"
    )
    if len(result.by_instance) > 1 or len(result.refused_by_instance) > 0:
        sent = ", ".join(f"{k} {v}" for k, v in sorted(result.by_instance.items()))
        refused = ", ".join(f"{k} {v}" for k, v in sorted(result.refused_by_instance.items()))
        print(f"  instances : broadcast sends {sent}; 429s {refused or 'none'}")
    if result.first_429_s is not None:
        print(
            f"  429s      : the first {result.first_429_s - result.first_send:.1f}s after the "
            "first broadcast send"
        )
    for sender in result.senders:
        early = "; ".join(f"at {at:.1f}s with {n} pending" for at, n in sender.early)
        print(
            f"  sender    : {sender.instance} done after {sender.ended_s:.1f}s; returned early "
            f"{len(sender.early)} times (target 0: a sender returns when a claim comes back "
            f"empty, and rejoins {JOIN_BROADCASTS_EVERY.total_seconds():g}s later as the join "
            f"job would){': ' + early if early else ''}"
        )
    flood_errors = result.log.flood_at_or_above(logging.WARNING)
    flood_info = result.log.flood.get("INFO", 0)
    print(
        f"  timing    : {result.sends} sends over {result.last_send - result.first_send:.1f}s, "
        f"{result.wall_s:.1f}s wall; {result.all_posts:.2f} posts/s through the limiter "
        f"meanwhile (broadcast + {result.edits} progress edits + replies; limiter at "
        f"{ratelimit.SENDS_PER_SECOND:g}/s); most posts in any {BUNCH_WINDOW * 1000:.0f} ms: "
        f"{result.bunch} (evenly spaced: {int(BUNCH_WINDOW * ratelimit.SENDS_PER_SECOND) + 1})"
    )
    print(
        f"  flood log : {flood_errors} flood-control records at WARNING or above (target 0), "
        f"{flood_info} at INFO (limiter retries)"
    )
    if result.reply_latencies:
        lat = sorted(result.reply_latencies)
        print(
            f"  replies   : {len(lat)} users answered mid-broadcast, latency median "
            f"{statistics.median(lat) * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
        )
    for line in result.log.problems[:10]:
        print(f"  log       : {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--recipients", type=int, default=DEFAULT_RECIPIENTS, help="opted-in supporters"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_RECIPIENTS:,} recipients (about 40 s per mode)",
    )
    parser.add_argument("--chatters", type=int, default=10, help="users writing mid-broadcast")
    parser.add_argument(
        "--mode", choices=("one", "two", "both"), default="both", help="instances to run"
    )
    parser.add_argument(
        "--database-url",
        default=pg.server_url(),
        help=f"PostgreSQL server for the two-instance run (env {pg.ENV}; default "
        f"{pg.shown(pg.DEFAULT_URL)}); a throwaway database is created and dropped",
    )
    parser.add_argument(
        "--in-one-process",
        action="store_true",
        help="run both instances on this process's event loop instead of one process each",
    )
    parser.add_argument(
        "--sends-per-second",
        type=float,
        default=ratelimit.SENDS_PER_SECOND,
        help="try another send rate (bot.telegram.ratelimit.SENDS_PER_SECOND) for this run",
    )
    args = parser.parse_args(argv)
    recipients = QUICK_RECIPIENTS if args.quick else args.recipients
    set_send_rate(args.sends_per_second)
    print(
        f"broadcast   : {recipients:,} recipients, {args.chatters} users writing meanwhile, "
        f"against FakeTelegram's {FAKE_LIMIT} posts in any second"
    )
    if args.mode in ("one", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            report(asyncio.run(run_one(recipients, args.chatters, Path(tmp))))
    if args.mode in ("two", "both"):
        why_not = pg.unreachable(args.database_url)
        if why_not is not None:
            print(
                f"broadcast, 2 instances: skipped, no PostgreSQL server at "
                f"{pg.shown(args.database_url)} (set {pg.ENV} or --database-url): {why_not}"
            )
        else:
            with pg.throwaway_database("bench_broadcast", args.database_url) as url:
                report(
                    asyncio.run(run_two(recipients, args.chatters, url, not args.in_one_process))
                )
            print(
                f"  database  : PostgreSQL {pg.shown(args.database_url)} ({pg.ENV}), "
                "a throwaway database, dropped"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
