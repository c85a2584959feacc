"""Officials directory: import time of the full real files, and the cost of a ZIP lookup next to
a letter-flow step.

    .venv/bin/python -m bench.officials_bench
    .venv/bin/python -m bench.officials_bench --data ../shared/data --lookups 20000 --users 100

A "lookup" is what the flow does once it has a ZIP: `resolve_zip`, then `senators(state)` and
`representative(state, district)` for the first candidate, in one `Store.run` (a worker thread
and a transaction, as the bot calls the database); three separate calls are timed too. The
flow step rate comes from bench.flow_bench.run_flow (real handlers, SQLite file, in-process
Bot API), run sequentially like the lookups. The ratio lookup cost / flow step cost is the
figure to watch: well below 1 means the directory does not slow the conversation down.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.flow_bench import run_flow
from bot.officials.datasets import import_files
from bot.officials.lookup import representative, resolve_zip, senators
from bot.places import read_place
from bot.store import Repo, Store

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
FILES = ("legislators-current.json", "zccd.csv")


def time_imports(data: Path, workdir: Path, repeat: int) -> list[float]:
    """Seconds per full import (both files, one transaction), `repeat` times into one database:
    the first run fills empty tables, the others replace the previous data as a re-import does."""
    store = Store.from_url(f"sqlite:///{workdir / 'officials.db'}")
    timings = []
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            import_files(store, [data / name for name in FILES])
            timings.append(time.perf_counter() - started)
    finally:
        store.close()
    return timings


def _zips(data: Path, count: int) -> list[str]:
    with (data / "zccd.csv").open(newline="") as handle:
        zctas = sorted({row["zcta"] for row in csv.DictReader(handle)})
    rng = random.Random(4)
    # Mostly real ZCTAs (some as ZIP+4), plus unknown ZIPs and non-US answers, as supporters type.
    extra = ["10008", "00000", "96910", "Yerevan", "K1A 0B1"]
    sample = [rng.choice(zctas) for _ in range(count)]
    for i in range(0, count, 10):
        sample[i] = f"{sample[i]}-1234"
    for i in range(5, count, 50):
        sample[i] = extra[(i // 50) % len(extra)]
    return sample


def _zip_of(text: str) -> str | None:
    """The ZIP the place step reads from an answer, once (bot.places), as the flow hands it on."""
    reading = read_place(text)
    return reading.place.zip if reading else None


def _one_lookup(repo: Repo, zip5: str | None) -> int:
    if zip5 is None:
        return 0
    resolution = resolve_zip(repo, zip5)
    found = 0
    if resolution.districts:
        first = resolution.districts[0]
        found += len(senators(repo, first.state))
        found += representative(repo, first.state, first.number) is not None
    elif resolution.state:
        found += len(senators(repo, resolution.state))
    return found


async def time_lookups(store: Store, texts: Sequence[str]) -> tuple[float, float, float]:
    """Seconds for all `texts`: (one Store.run per lookup, the three calls inside it, as the flow
    should call them; three Store.run round trips per lookup; all in a single transaction).
    The ZIPs are read from the texts first, untimed: the flow's place step reads them, once."""
    zips = [_zip_of(text) for text in texts]
    started = time.perf_counter()
    for zip5 in zips:
        await store.run(_one_lookup, zip5)
    one_run = time.perf_counter() - started

    started = time.perf_counter()
    for zip5 in zips:
        if zip5 is None:
            continue
        resolution = await store.run(resolve_zip, zip5)
        if resolution.districts:
            first = resolution.districts[0]
            await store.run(senators, first.state)
            await store.run(representative, first.state, first.number)
    three_runs = time.perf_counter() - started

    def all_in_one(repo: Repo) -> int:
        return sum(_one_lookup(repo, zip5) for zip5 in zips)

    started = time.perf_counter()
    store.call(all_in_one)
    return one_run, three_runs, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the files")
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100, help="flow conversations (7 steps each)")
    parser.add_argument("--repeat", type=int, default=3, help="import runs")
    args = parser.parse_args(argv)
    data = args.data.resolve()
    missing = [name for name in FILES if not (data / name).is_file()]
    if missing:
        # Skipped, not failed: `python -m bench` runs every benchmark, data or not.
        print(f"officials_bench: skipped, {', '.join(missing)} not found in {data} (--data DIR)")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        imports = time_imports(data, Path(tmp), args.repeat)
        store = Store.from_url(f"sqlite:///{Path(tmp) / 'officials.db'}")
        try:
            zips = _zips(data, args.lookups)
            asyncio.run(time_lookups(store, zips[:500]))  # warm-up: ZIP table, statement cache
            one_run, three_runs, in_one = asyncio.run(time_lookups(store, zips))
        finally:
            store.close()

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_flow(20, Path(tmp) / "warm"))  # warm-up, as flow_bench does
    with tempfile.TemporaryDirectory() as tmp:
        flow_s, steps, _letters, _transport = asyncio.run(run_flow(args.users, Path(tmp), 1))

    step_rate = steps / flow_s
    lookup_rate, hops_rate, raw_rate = (len(zips) / t for t in (one_run, three_runs, in_one))
    print(
        f"import      : {' + '.join(FILES)} (537 legislators, 42,033 ZIP rows) in "
        f"{min(imports):.2f}s best, {statistics.median(imports):.2f}s median of {len(imports)} "
        f"(first, into empty tables: {imports[0]:.2f}s)"
    )
    print(
        f"lookups     : {len(zips)} x (resolve_zip + senators + representative) = "
        f"{lookup_rate:,.0f}/s in one Store.run each ({1e3 / lookup_rate:.3f} ms); "
        f"{hops_rate:,.0f}/s as three Store.run calls; {raw_rate:,.0f}/s inside one transaction"
    )
    print(
        f"letter flow : {steps} steps in {flow_s:.2f}s = {step_rate:,.0f} steps/s "
        f"({1e3 / step_rate:.3f} ms each), sequential (bench.flow_bench.run_flow)"
    )
    print(
        f"ratio       : a lookup costs {step_rate / lookup_rate:.2f}x a letter-flow step "
        f"({step_rate / hops_rate:.2f}x as three calls, {step_rate / raw_rate:.3f}x without the "
        "thread hop and transaction)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
