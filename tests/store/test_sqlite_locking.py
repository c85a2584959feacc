"""SQLite with a second writer (an import, a second process): writers queue, readers don't.

SQLite only: PostgreSQL has row locks and MVCC; its counterpart is the concurrency tests that
run on both databases (tests/telegram/test_ordering.py, tests/test_broadcast_lifecycle.py).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.store import Store, Supporter

pytestmark = pytest.mark.sqlite_only


def read_then_write(repo, telegram_id: int) -> None:  # type: ignore[no-untyped-def]
    """The shape of a letter start: read the supporter, then write."""
    repo.session.execute(select(func.count()).select_from(Supporter)).scalar_one()
    repo.add_supporter(Supporter(telegram_id=telegram_id))


def count_supporters(repo) -> int:  # type: ignore[no-untyped-def]
    return int(repo.session.execute(select(func.count()).select_from(Supporter)).scalar_one())


def test_two_writers_on_one_file_never_fail_with_database_is_locked(tmp_path: Path) -> None:
    """With a plain BEGIN, a transaction that read before another connection committed failed
    at its first write at once ("database is locked"), whatever the busy timeout."""
    url = f"sqlite:///{tmp_path / 'two.db'}"
    stores = [Store.from_url(url), Store.from_url(url)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(index: int) -> None:
        start.wait()
        for n in range(150):
            try:
                stores[index].call(read_then_write, index * 10_000 + n)
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        count = stores[0].query(count_supporters)
        assert count == 300
    finally:
        for store in stores:
            store.close()


def test_a_report_reads_beside_an_open_write(tmp_path: Path) -> None:
    """Reads (stats, exports) take no write lock: they see the last commit while a writer
    holds the lock, instead of waiting for it."""
    url = f"sqlite:///{tmp_path / 'read.db'}"
    writer, reader = Store.from_url(url), Store.from_url(url)
    try:
        writer.call(lambda repo: repo.add_supporter(Supporter(telegram_id=1)))
        with writer.transaction() as repo:  # holds SQLite's write lock until the block ends
            repo.add_supporter(Supporter(telegram_id=2))
            repo.session.flush()
            seen = reader.query(count_supporters)
        assert seen == 1
    finally:
        writer.close()
        reader.close()
