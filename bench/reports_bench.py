"""Reports at scale: the letters export against the sqlite3 command-line tool, and the stats.

    .venv/bin/python -m bench.reports_bench                  # 1,000,000 letters, 100,000 supporters
    .venv/bin/python -m bench.reports_bench --letters 20000  # a quick run
    .venv/bin/python -m bench.reports_bench --db /tmp/r.db --keep  # reuse a generated database

It generates a SQLite database through the real schema (migrations), then, in this process:
(a) runs `campaign-bot export --what letters` in a subprocess (so its peak RSS is its own) and
(b) has `sqlite3 -csv` print the same rows with the very same SELECT, both into files; it prints
the time ratio (target <= 1.5) and the export's peak memory (target < 150 MB). Then it times
`campaign_stats` (the numbers behind `/stats` and `campaign-bot stats`).

Flags: --letters N, --supporters N (default letters / 10), --body-chars N (letter length,
default 1200: bodies make the table as big as a real one), --db FILE (default: a temporary
folder, deleted after), --keep (reuse --db when it exists), --repeat N (best of N timings),
--sqlite3 PATH. Without ANALYZE, like the bot's own databases.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from bot.store import create_db_engine

CAMPAIGN = "lachin-2023"  # the bundled campaign, so the CLI finds it with no CAMPAIGN set
TARGETS = ("president", "secstate")
DEMAND_SETS = ("sanctions,aid,corridor", "sanctions,aid", "corridor", "aid,corridor", "sanctions")
STATES = "CA NY MA NJ IL TX FL MI PA WA OR NV AZ CO GA VA MD OH MN WI"
ALPHABET = "-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
LETTER_TEXT = (
    "Dear Mr. President, I am writing as your constituent to ask you to act. "
    "Armenians of Artsakh were forced from their homes; aid must be tied to accountability. "
) * 40


def build_database(
    path: Path, letters: int, supporters: int, body_chars: int = 1200, days: int = 90
) -> None:
    """Fill a fresh database with `supporters` (each taking part in the campaign) and
    `letters` (and their letter_demand rows).

    One INSERT ... SELECT over a recursive CTE per table: values are derived from the row
    number, so runs are reproducible; 1/64 of the public ids start with '-' (as random ones
    do), so the export's formula-injection guard has real work.
    """
    if path.exists():
        path.unlink()
    create_db_engine(f"sqlite:///{path}").dispose()  # the real schema, via the migrations
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
        db.execute("PRAGMA cache_size=-400000")
        db.execute("BEGIN")
        db.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
            INSERT INTO supporter (id, telegram_id, display_name, signing_name, city, state, zip,
                language, campaign_id, blocked, created_at, updated_at, public_id)
            SELECT i, 700000000 + i,
                CASE i % 3 WHEN 0 THEN 'Անի Հակոբյան' WHEN 1 THEN 'Ani' ELSE '=Aram' END,
                CASE WHEN i % 2 = 0 THEN 'Արամ Պետրոսյան ' || i END,
                'Glendale', CASE WHEN i % 10 <> 0 THEN substr(:states, (i % 20) * 3 + 1, 2) END,
                printf('%05d', 91200 + i % 100), 'hy', :campaign, i % 17 = 0,
                strftime('%Y-%m-%d %H:%M:%S.000000', :now, '-' || (i % :days) || ' days'),
                strftime('%Y-%m-%d %H:%M:%S.000000', :now),
                substr(:alphabet, (i * 37) % 64 + 1, 1) || printf('%07d', i)
            FROM n
            """,
            {
                "count": supporters,
                "states": STATES,
                "campaign": CAMPAIGN,
                "now": now,
                "days": days,
                "alphabet": ALPHABET,
            },
        )
        # Everyone takes part in the campaign: its source, referrer and opt-in per supporter.
        db.execute(
            """
            INSERT INTO participation (supporter_id, campaign_id, source, referrer_id, opted_in,
                offered_updates, joined_at)
            SELECT id, :campaign,
                CASE id % 5 WHEN 0 THEN NULL WHEN 1 THEN 'referral' ELSE 'outlet' || (id % 7) END,
                CASE WHEN id % 5 = 1 AND id > 100 THEN 1 + (id * 7919) % 100 END,
                id % 3 = 0, 1, created_at
            FROM supporter
            """,
            {"campaign": CAMPAIGN},
        )
        db.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
            INSERT INTO letter (id, campaign_id, supporter_id, target_id, demands, variant,
                wording, body, score, edited, created_at, sent_at, outcome)
            SELECT i, :campaign, 1 + (i * 48271) % :supporters,
                CASE i % 2 WHEN 0 THEN 'president' ELSE 'secstate' END,
                CASE i % 5 WHEN 0 THEN 'sanctions,aid,corridor' WHEN 1 THEN 'sanctions,aid'
                    WHEN 2 THEN 'corridor' WHEN 3 THEN 'aid,corridor' ELSE 'sanctions' END,
                'standard/a', 0, substr(:text, 1 + i % 50, :body),
                ((i * 2654435761) % 1000) / 1000.0, 0,
                strftime('%Y-%m-%d %H:%M:%S.000000', :now,
                    '-' || (i % :days) || ' days', '-' || (i % 86000) || ' seconds'),
                CASE WHEN i % 5 < 3 THEN strftime('%Y-%m-%d %H:%M:%S.000000', :now,
                    '-' || (i % :days) || ' days', '-' || (i % 86000) || ' seconds',
                    '+1 hours') END,
                CASE WHEN i % 5 < 3 THEN 'sent' END
            FROM n
            """,
            {
                "count": letters,
                "campaign": CAMPAIGN,
                "supporters": supporters,
                "text": LETTER_TEXT,
                "body": body_chars,
                "now": now,
                "days": days,
            },
        )
        for demand in ("sanctions", "aid", "corridor"):
            db.execute(
                "INSERT INTO letter_demand (letter_id, demand_id) SELECT id, :demand FROM letter"
                " WHERE ',' || demands || ',' LIKE '%,' || :demand || ',%'",
                {"demand": demand},
            )
        db.execute("COMMIT")  # no ANALYZE: the bot never runs it, so neither does the bench
    finally:
        db.close()


def sqlite3_query(db: Path) -> str:
    """The exact SELECT of `campaign-bot export --what letters`, with its values inlined."""
    from bot.store import Store
    from bot.store.export_queries import letters_query

    store = Store.from_url(f"sqlite:///{db}")
    try:
        query = letters_query(store.engine.dialect.name, CAMPAIGN)
        return str(query.compile(store.engine, compile_kwargs={"literal_binds": True}))
    finally:
        store.close()


def run_child(command: Sequence[str], stdout: Path, env: dict[str, str]) -> float:
    """Seconds a child process takes, its standard output going to `stdout`."""
    started = time.perf_counter()
    with stdout.open("wb") as sink:
        subprocess.run(command, stdout=sink, env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


# Runs `campaign-bot` and then reports its own peak resident memory on stderr. Not
# RUSAGE_CHILDREN: Linux carries the parent's high-water mark across fork and exec, and this
# process, which just generated the database, is the bigger one.
_MEASURED_CLI = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
peak = next(
    (int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM")),
    0,
)
sys.stderr.write(f"peak-rss {peak}\\n")
sys.exit(code)
"""


def run_measured(command: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS in bytes (0 where /proc is missing) of `campaign-bot ...`."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _MEASURED_CLI, *command],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started
    peaks = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak")]
    return elapsed, max(peaks, default=0)


def seeded_database(args: argparse.Namespace, workdir: Path, name: str) -> Path:
    """`--db` (kept as it is with `--keep`), else `name` in `workdir`, seeded as the flags say."""
    db = Path(args.db) if args.db else workdir / name
    if not (args.keep and db.exists()):
        print(f"generating {args.letters:,} letters, {args.supporters:,} supporters in {db} ...")
        started = time.perf_counter()
        build_database(db, args.letters, args.supporters, args.body_chars)
        size = db.stat().st_size / 1e6
        print(f"  done in {time.perf_counter() - started:.1f}s ({size:,.0f} MB)")
    return db


def bench(args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    db = seeded_database(args, workdir, "reports.db")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "CAMPAIGN": CAMPAIGN}
    ours_out, theirs_out = workdir / "export.csv", workdir / "sqlite3.csv"
    ours_cmd = ["export", "--what", "letters", "--out", str(ours_out)]
    theirs_cmd = [args.sqlite3, "-csv", str(db), sqlite3_query(db)]

    run_child(theirs_cmd, theirs_out, env)  # warm the OS cache for both
    measured = [run_measured(ours_cmd, env) for _ in range(args.repeat)]
    ours, peak = min(m[0] for m in measured), max(m[1] for m in measured)
    theirs = min(run_child(theirs_cmd, theirs_out, env) for _ in range(args.repeat))
    rows = sum(1 for _ in theirs_out.open("rb"))
    print(f"export --what letters: {ours:.2f}s  ({rows:,} rows, header + BOM, all text quoted)")
    print(f"sqlite3 -csv, same SQL: {theirs:.2f}s")
    print(f"ratio export / sqlite3: {ours / theirs:.2f}x (target <= 1.5)")
    print(f"export peak memory (max RSS of the process): {peak / 1e6:.0f} MB (target < 150)")

    from bot.campaign import find_campaign, load_campaign
    from bot.reports.stats import campaign_stats
    from bot.store import Store

    campaign = load_campaign(find_campaign(CAMPAIGN))
    store = Store.from_url(f"sqlite:///{db}")
    try:
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            stats = store.call(campaign_stats, campaign, date.today())
            timings.append(time.perf_counter() - started)
    finally:
        store.close()
    stats_seconds = min(timings)
    print(f"campaign_stats at {stats.totals.drafted:,} letters: {stats_seconds * 1000:.0f} ms")
    return {"export": ours, "sqlite3": theirs, "peak": peak, "stats": stats_seconds}


def add_database_options(parser: argparse.ArgumentParser, body_chars: int) -> None:
    """The flags of a benchmark that seeds its own database (`seeded_database`)."""
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--supporters", type=int, default=None, help="default: letters / 10")
    parser.add_argument("--body-chars", type=int, default=body_chars)
    parser.add_argument("--db", help="database file (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="reuse --db if it exists")


def run_in_workdir(
    parser: argparse.ArgumentParser,
    bench: Callable[[argparse.Namespace, Path], object],
    argv: Sequence[str] | None,
) -> int:
    """Parse the flags and run `bench` in a temporary folder, removed afterwards."""
    args = parser.parse_args(argv)
    args.supporters = args.supporters or max(1, args.letters // 10)
    with tempfile.TemporaryDirectory(prefix=f"{parser.prog.rsplit('.', 1)[-1]}-") as workdir:
        bench(args, Path(workdir))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.reports_bench", description=__doc__)
    add_database_options(parser, body_chars=1200)
    parser.add_argument("--repeat", type=int, default=1, help="best of N timings")
    parser.add_argument("--sqlite3", default=shutil.which("sqlite3") or "/usr/bin/sqlite3")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_in_workdir(build_parser(), bench, argv)


if __name__ == "__main__":
    raise SystemExit(main())
