"""Letter-flow throughput through the real handlers, on SQLite and PostgreSQL, one and two
instances, against a bare PTB echo handler.

Every run is in this process or its children on the in-process Bot API transport (no sockets),
so the figures are the bot's own work: handlers, templates and the database. Each update goes
through the bot's update processor, as in production (bot/telegram/ordering.py: a supporter
lease and a handled-update row per update, which is what lets several instances share a bot).
A conversation is /start, then answering each question (keep the preselected recipients and
asks, sign with the Telegram name, a ZIP code, a story) until the letters arrive.

Printed: conversations, letters and steps per second for SQLite with one instance (the
baseline), SQLite with two, PostgreSQL with one and PostgreSQL with two (`--instances`: one
process each, each with its own Application and Store on one database, each driving its share
of the `--users` supporters, all starting together), as ratios against the baseline; then a
flow step's cost against a bare echo (target <= 3). PostgreSQL is BENCH_DATABASE_URL (default
the local server; a throwaway database per row, dropped afterwards); its rows are skipped,
saying so, when no server answers. About 1-2 minutes with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench import pg, procs
from bench.transport import InProcessRequest
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application

TOKEN = "123456:BENCHMARK-TOKEN-NOT-REAL-0000000000"
FIRST_USER = 10_000
# Instance i's supporters (and update ids: the handled-update table is shared) start i spans on.
INSTANCE_SPAN = 1_000_000
LETTER = "✉️"
MAX_STEPS = 15
# The drafting questions as a supporter reads them (templates/messages/prompt.html.j2), each
# with what this supporter answers: a button label to tap, or text to type.
ANSWERS: dict[str, tuple[str, str]] = {
    "Who should get your letter, and what should it ask for?": ("tap", "Continue"),
    "Who should get your letter?": ("tap", "Continue"),
    "What should your letter ask for?": ("tap", "Continue"),
    "How should your letter be signed?": ("tap", "Sign as"),
    "Where do you live?": ("type", "91203"),
    "Which of these is your representative?": ("tap", "Skip"),
    "Why does this matter to you?": ("type", "My family came from Shushi. Supporter {uid}."),
}
_update_ids = count(1)


def _number_updates_from(first: int) -> None:
    """Start this process's update and message ids at `first` (one range per instance)."""
    global _update_ids
    _update_ids = count(first)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Ani", "last_name": f"N{user_id}"}


def message_update(user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": _user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _user(user_id),
            "chat_instance": str(user_id),
            "message": message,
            "data": data,
        },
    }


def _button(message: dict[str, Any], label: str) -> str:
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise LookupError(f"no button {label!r} under {message['text'][:200]!r}")


def _answer(message: dict[str, Any]) -> tuple[str, str]:
    """What the supporter does next: ("tap", label) or ("type", text)."""
    text = str(message.get("text", ""))
    return next((a for q, a in ANSWERS.items() if q in text), ("tap", "Continue"))


class FlowTransport(InProcessRequest):
    """The in-process Bot API, also counting the letters the bot sends."""

    def __init__(self) -> None:
        super().__init__()
        self.letters = 0

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "sendMessage" and str(params.get("text", "")).startswith(LETTER):
            self.letters += 1
        return super()._result(api_method, params)


@dataclass
class FlowRun:
    """One timed run of conversations: by one instance, or several together."""

    started: float  # time.monotonic(): one clock for all processes on this machine
    finished: float
    steps: int
    conversations: int
    letters: int
    transport: FlowTransport | None = None

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @classmethod
    def together(cls, runs: list[FlowRun]) -> FlowRun:
        """Several instances' runs as one: first start to last finish."""
        return cls(
            started=min(r.started for r in runs),
            finished=max(r.finished for r in runs),
            steps=sum(r.steps for r in runs),
            conversations=sum(r.conversations for r in runs),
            letters=sum(r.letters for r in runs),
        )


def sqlite_url(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'bench.db'}"


async def drive_flow(
    users: int,
    url: str,
    *,
    concurrency: int = 1,
    first_user: int = FIRST_USER,
    instance: str = "polling",
    ordered: bool = True,
    warm: int = 0,
    ready: Callable[[], object] | None = None,
) -> FlowRun:
    """Drive `users` complete conversations through one Application on `url`.

    `warm` conversations of other supporters go first, untimed; `ready()` is called just
    before the clock starts (two instances wait for each other there). `ordered=False` skips
    the update processor (supporter leases, handled updates) and calls the handlers directly.
    """
    transport = FlowTransport()
    store = Store.from_url(url)
    settings = Settings(token=TOKEN, database_url=url)
    app = build_application(
        settings, load_campaign(find_campaign(None)), store, request=transport,
        get_updates_request=transport, rate_limiter=False, instance=instance,
    )  # fmt: skip
    steps = 0
    try:
        async with app:
            bot = app.bot

            async def feed(data: dict[str, Any]) -> None:
                nonlocal steps
                steps += 1
                update = Update.de_json(data, bot)
                if ordered:
                    await app.update_processor.process_update(update, app.process_update(update))
                else:
                    await app.process_update(update)

            async def conversation(uid: int) -> None:
                await feed(message_update(uid, "/start"))
                for _ in range(MAX_STEPS):
                    message = transport.last_message[uid]
                    if str(message.get("text", "")).startswith(LETTER):
                        return
                    kind, answer = _answer(message)
                    if kind == "tap":
                        await feed(callback_update(uid, message, _button(message, answer)))
                    else:
                        await feed(message_update(uid, answer.format(uid=uid)))
                raise RuntimeError(f"no letter after {MAX_STEPS} steps: {message['text'][:200]!r}")

            async def drive(uids: range) -> None:
                pending = iter(uids)

                async def worker() -> None:
                    for uid in pending:
                        await conversation(uid)

                await asyncio.gather(*(worker() for _ in range(concurrency)))

            if warm:
                await drive(range(first_user + users, first_user + users + warm))
                steps, transport.letters = 0, 0
                transport.calls.clear()
            if ready is not None:
                ready()
            started = time.monotonic()
            await drive(range(first_user, first_user + users))
            finished = time.monotonic()
    finally:
        store.close()
    return FlowRun(started, finished, steps, users, transport.letters, transport)


async def run_flow(
    users: int, workdir: Path, concurrency: int = 1
) -> tuple[float, int, int, InProcessRequest]:
    """`users` conversations on a new SQLite file in `workdir`: (seconds, steps, letters,
    transport). Used by bench.officials_bench too."""
    run = await drive_flow(users, sqlite_url(workdir), concurrency=concurrency)
    assert run.transport is not None
    return run.seconds, run.steps, run.letters, run.transport


def _instance(
    index: int,
    users: int,
    url: str,
    concurrency: int,
    warm: int,
    ordered: bool,
    barrier: Any,
    results: Any,
) -> None:
    """One instance in its own process (the entry point of `run_instances`' children)."""
    _number_updates_from(1 + index * INSTANCE_SPAN)
    run = asyncio.run(
        drive_flow(
            users,
            url,
            concurrency=concurrency,
            first_user=FIRST_USER + index * INSTANCE_SPAN,
            instance=f"bench-{index}",
            ordered=ordered,
            warm=warm,
            ready=lambda: barrier.wait(timeout=300),
        )
    )
    run.transport = None
    results.put((index, run))


def run_instances(
    instances: int, users: int, url: str, concurrency: int, warm: int, ordered: bool = True
) -> list[FlowRun]:
    """`instances` processes, each an Application with its own Store on the database `url`
    (already migrated), driving its share of `users` at the same time."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(instances)
    results = context.Queue()
    shares = [users // instances + (i < users % instances) for i in range(instances)]
    processes = [
        context.Process(
            target=_instance,
            args=(i, shares[i], url, concurrency, warm, ordered, barrier, results),
            name=f"flow-bench-{i}",
        )
        for i in range(instances)
    ]
    for process in processes:
        process.start()
    return procs.collect(processes, results)


async def run_echo(updates: int, concurrency: int = 1) -> float:
    transport = InProcessRequest()
    app = (
        Application.builder().token(TOKEN).request(transport).get_updates_request(transport).build()
    )

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message and update.message.text:
            await update.message.reply_text(update.message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        numbers = iter(range(updates))

        async def worker() -> None:
            for i in numbers:
                data = message_update(20_000 + i % 100, "hello there")
                await app.process_update(Update.de_json(data, app.bot))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def run_bare_button(updates: int, concurrency: int = 1) -> float:
    """A bare PTB button handler: answer the query and edit its message, as a flow step does."""
    transport = InProcessRequest()
    app = (
        Application.builder().token(TOKEN).request(transport).get_updates_request(transport).build()
    )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Choice {i}", callback_data=f"c|{i}")] for i in range(3)]
    )

    async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            await query.answer()
            await query.edit_message_text(f"You chose {query.data}", reply_markup=keyboard)

    app.add_handler(CallbackQueryHandler(on_tap))
    async with app:
        for uid in range(30_000, 30_100):
            await app.bot.send_message(uid, "Choose", reply_markup=keyboard)
        numbers = iter(range(updates))

        async def worker() -> None:
            for i in numbers:
                uid = 30_000 + i % 100
                message = transport.last_message[uid]
                data = callback_update(uid, message, f"c|{i % 3}")
                await app.process_update(Update.de_json(data, app.bot))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def _row(label: str, run: FlowRun, baseline: FlowRun | None) -> str:
    seconds = run.seconds
    ratio = "baseline" if baseline is None else f"{_rate(run) / _rate(baseline):.2f}x SQLite"
    return (
        f"{label:<12}: {run.conversations / seconds:6.1f} conversations/s, "
        f"{run.letters / seconds:6.1f} letters/s, {run.steps / seconds:6.0f} steps/s = {ratio} "
        f"({run.conversations} conversations, {run.letters} letters in {seconds:.2f}s)"
    )


def _rate(run: FlowRun) -> float:
    return run.letters / run.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=300, help="simulated conversations per row")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="users talking at once, per instance"
    )
    parser.add_argument("--instances", type=int, default=2, help="instances in the last row")
    parser.add_argument(
        "--database-url",
        default=pg.server_url(),
        help=f"PostgreSQL server to create a throwaway database on (env {pg.ENV}; default "
        f"{pg.shown(pg.DEFAULT_URL)})",
    )
    parser.add_argument(
        "--direct",
        action="store_true",
        help="call the handlers directly, skipping the update processor (leases, handled ids)",
    )
    args = parser.parse_args(argv)
    ordered = not args.direct
    warm = 20
    with tempfile.TemporaryDirectory() as tmp:  # warm-up: imports, templates, ZIP table
        asyncio.run(drive_flow(warm, sqlite_url(Path(tmp)), ordered=ordered))

    with tempfile.TemporaryDirectory() as tmp:
        url = sqlite_url(Path(tmp) / "one")
        base = asyncio.run(
            drive_flow(args.users, url, concurrency=args.concurrency, ordered=ordered, warm=warm)
        )
        sqlite_many = None
        if args.instances > 1:
            url = sqlite_url(Path(tmp) / "many")
            Store.from_url(url).close()  # migrated once, before the instances start
            sqlite_many = FlowRun.together(
                run_instances(args.instances, args.users, url, args.concurrency, warm, ordered)
            )
    rows = [_row("SQLite 1", base, None)]
    if sqlite_many is not None:
        rows.append(_row(f"SQLite {args.instances}", sqlite_many, base))

    postgres_note = None
    why_not = pg.unreachable(args.database_url)
    if why_not is not None:
        postgres_note = (
            f"PostgreSQL  : skipped, no server at {pg.shown(args.database_url)} "
            f"(set {pg.ENV} or --database-url): {why_not}"
        )
    else:
        with pg.throwaway_database("bench_flow_one", args.database_url) as url:
            one = asyncio.run(
                drive_flow(
                    args.users, url, concurrency=args.concurrency, ordered=ordered, warm=warm
                )
            )
        rows.append(_row("PostgreSQL 1", one, base))
        if args.instances > 1:
            with pg.throwaway_database("bench_flow_many", args.database_url) as url:
                Store.from_url(url).close()
                many = run_instances(
                    args.instances, args.users, url, args.concurrency, warm, ordered
                )
            together = FlowRun.together(many)
            rows.append(_row(f"PostgreSQL {args.instances}", together, base))
            split = ", ".join(f"{r.conversations / r.seconds:.1f}" for r in many)
            rows.append(f"{'':<12}  (per instance, over its own run: {split} conversations/s)")

    assert base.transport is not None
    transport = base.transport
    echo_s = asyncio.run(run_echo(base.steps, args.concurrency))
    button_s = asyncio.run(run_bare_button(base.steps, args.concurrency))
    flow_rate = base.steps / base.seconds
    echo_rate, button_rate = base.steps / echo_s, base.steps / button_s
    sends = sum(transport.calls[m] for m in ("sendMessage", "sendDocument"))
    edits = sum(v for k, v in transport.calls.items() if k.startswith("edit"))

    where = "the handlers directly" if args.direct else "the update processor, as in production"
    print(
        f"letter flow : /start to the letters, {args.concurrency} supporters at once per "
        f"instance, through {where}; {os.cpu_count()} CPUs (a local database server shares "
        "them); rows N = instances (several: one process each, one database); no target, "
        "ratios against SQLite 1 run here"
    )
    if why_not is None:
        print(
            f"database    : PostgreSQL {pg.shown(args.database_url)} ({pg.ENV}), "
            "a throwaway database per row"
        )
    for row in rows:
        print(row)
    if postgres_note:
        print(postgres_note)
    print(f"bare echo   : {base.steps} updates in {echo_s:.2f}s = {echo_rate:,.0f} updates/s")
    print(f"bare button : {base.steps} taps in {button_s:.2f}s = {button_rate:,.0f} taps/s")
    print(
        f"ratio       : a flow step (SQLite 1) costs {echo_rate / flow_rate:.2f}x a bare echo "
        "(target <= 3)"
    )
    print(
        f"              and {button_rate / flow_rate:.2f}x a bare button handler "
        "(answer + edit, the Bot API work a flow step does)"
    )
    print(
        f"sends/letter: {sends / base.letters:.2f} messages + {edits / base.letters:.2f} edits "
        f"per letter ({base.conversations} conversations, {base.letters} letters, "
        f"{transport.calls['answerCallbackQuery']} callbacks answered)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
