"""The organizer dashboard at scale: its JSON over HTTP against computing the numbers.

    .venv/bin/python -m bench.dashboard_bench                   # 1,000,000 letters
    .venv/bin/python -m bench.dashboard_bench --letters 20000   # a quick run
    .venv/bin/python -m bench dashboard

It seeds a SQLite database as bench/reports_bench.py does (the real schema, 1,000,000 letters,
100,000 supporters by default), serves the Mini Apps with uvicorn on a local port and, in this
process, times:

- the baseline: `campaign_stats` called directly (the core numbers /stats shows);
- the snapshot's computation (`dashboard_numbers`: the stats, letters per campaign, freshness);
- the first GET /app/api/dashboard (no snapshot yet: it waits for one computation);
- GET /app/api/dashboard with the snapshot served (request → JSON parsed, initData checked):
  what an organizer waits for on every load after the first, and on auto-refresh.

Flags: --letters N, --supporters N (default letters / 10), --body-chars N (default 200: only
the stats read the table here), --db FILE (default: a temporary folder), --keep (reuse --db),
--requests N (served loads timed, default 50).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.reports_bench import CAMPAIGN, add_database_options, run_in_workdir, seeded_database

TOKEN = "123456:BENCH-token-0123456789abcdefghijklmnopq"
ORGANIZER = 1001


def _init_data() -> str:
    import json

    from bot.web.init_data import sign

    user = json.dumps({"id": ORGANIZER, "first_name": "Ani"})
    return sign({"user": user, "auth_date": str(int(time.time()))}, TOKEN)


def _timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


async def _serve_and_time(db: Path, requests: int) -> dict[str, float]:
    from telegram import Bot

    from bot.campaign import find_campaign, load_campaign
    from bot.reports.stats import campaign_stats
    from bot.store import Store
    from bot.telegram.supporters.use_cases import UseCases
    from bot.telegram.webhook import listen
    from bot.web.app import web_app
    from bot.web.context import WebContext
    from bot.web.dashboard_data import dashboard_numbers
    from bot.web.server import WebServer

    campaign = load_campaign(find_campaign(CAMPAIGN))
    store = Store.from_url(f"sqlite:///{db}")
    now = datetime.now(UTC)
    stats_time, stats = _timed(store.call, campaign_stats, campaign, now.date())
    snapshot_time, _ = _timed(store.call, dashboard_numbers, campaign, [campaign], now)
    web = WebContext(UseCases(campaign, store), frozenset({ORGANIZER}), TOKEN, Bot(TOKEN))
    server = WebServer(web_app(web), listen("127.0.0.1", 0))
    await server.start()
    headers = {"Authorization": f"tma {_init_data()}"}
    url = f"http://127.0.0.1:{server.port}/app/api/dashboard"
    try:
        async with httpx.AsyncClient(headers=headers, timeout=120) as client:
            first = await _get(client, url)
            served = [await _get(client, url) for _ in range(requests)]
    finally:
        await server.stop()
        store.close()
    print(f"letters: {stats.totals.drafted:,}")
    print(f"baseline campaign_stats (direct call): {stats_time * 1000:.0f} ms")
    print(f"snapshot computation (dashboard_numbers): {snapshot_time * 1000:.0f} ms")
    print(f"first load, no snapshot yet (waits for one): {first * 1000:.0f} ms")
    median, worst = statistics.median(served), max(served)
    print(f"load with the snapshot served, median of {requests}: {median * 1000:.1f} ms")
    print(f"  slowest: {worst * 1000:.1f} ms (target < 1000)")
    print(f"ratio served load / campaign_stats: {median / stats_time:.4f}x")
    return {"stats": stats_time, "snapshot": snapshot_time, "first": first, "served": median}


async def _get(client: httpx.AsyncClient, url: str) -> float:
    """Seconds from the request to its JSON parsed."""
    started = time.perf_counter()
    response = await client.get(url)
    response.raise_for_status()
    response.json()
    return time.perf_counter() - started


def bench(args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    db = seeded_database(args, workdir, "dashboard.db")
    return asyncio.run(_serve_and_time(db, args.requests))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_bench", description=__doc__)
    add_database_options(parser, body_chars=200)
    parser.add_argument("--requests", type=int, default=50, help="served loads timed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_in_workdir(build_parser(), bench, argv)


if __name__ == "__main__":
    raise SystemExit(main())
