"""The stats never read letters row by row: every statement that /stats and the dashboard run
over the letter table is answered from an index that holds all it needs (SQLite's "COVERING
INDEX"). The rows are wide (the letter text), so reading them is what made the stats of
1,000,000 letters take 13.7 s instead of 1.9 s (`python -m bench dashboard`).

These check the plans SQLite makes, not timings: a new count that reads the table, or an index
that loses a column a count needs, fails here on any machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.campaign import load_campaign
from bot.reports.stats import campaign_stats
from bot.store import Store
from bot.web.dashboard_data import dashboard_numbers
from tests.reports.data import CAMPAIGN, seed, tiny_campaign_toml

pytestmark = pytest.mark.sqlite_only
LETTER_READ = re.compile(r"\b(SCAN|SEARCH) letter\b(?: AS \w+)?(.*)")


@contextmanager
def statements(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement run on the store's engine meanwhile, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def letter_reads(store: Store, seen: list[tuple[str, Any]]) -> list[str]:
    """How each statement reads the letter table, by SQLite's EXPLAIN QUERY PLAN."""
    reads = []
    with store.engine.connect() as connection:
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for row in plan:
                if LETTER_READ.search(row[-1]):
                    reads.append(f"{row[-1]}  <-  {' '.join(statement.split())[:160]}")
    return reads


def test_the_stats_read_letters_from_covering_indexes(tmp_store: Store, tmp_path: Path) -> None:
    seed(tmp_store)  # letters, so that every count runs (the median needs a writer)
    path = tmp_path / f"{CAMPAIGN}.toml"
    path.write_text(tiny_campaign_toml(), encoding="utf-8")
    campaign = load_campaign(path)
    now = datetime.now(UTC)
    with statements(tmp_store) as seen:
        tmp_store.call(campaign_stats, campaign, now.date())
        tmp_store.call(dashboard_numbers, campaign, [campaign], now)
    reads = letter_reads(tmp_store, seen)
    # By target, per day, by writer, the median, by demand, by party, letters per campaign...
    assert len(reads) >= 14, "\n".join(reads)
    # Reading the campaign's letters (a scan, or a search by campaign) must not touch their
    # rows; a lookup driven by another table (a reminder's draft) reads only the rows it finds.
    row_by_row = [
        read
        for read in reads
        if ("SCAN letter" in read or "(campaign_id=?" in read) and "COVERING INDEX" not in read
    ]
    assert row_by_row == [], "\n".join(row_by_row)


def test_the_check_sees_a_read_of_the_table(tmp_store: Store) -> None:
    """The check above can fail: a count of a column no index holds reads the table."""
    with statements(tmp_store) as seen, tmp_store.engine.connect() as connection:
        connection.execute(text("SELECT count(body) FROM letter WHERE campaign_id = 'x'"))
    (read,) = letter_reads(tmp_store, seen)
    assert "COVERING INDEX" not in read
