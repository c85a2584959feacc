"""The unit of work: how the bot reaches the database without stalling its event loop.

`Store.run(fn, ...)` calls `fn(repo, ...)` inside one transaction on a worker thread, so database
work never stalls other users' updates. SQLite gets a single writer thread (it serializes writes
anyway, and this avoids lock contention); other databases get a small pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.store.db import READ_ONLY, create_db_engine, is_sqlite
from bot.store.repo import Repo

P = ParamSpec("P")
T = TypeVar("T")


class Store:
    """Owns the engine and the worker threads; `run` is how the bot reaches the database."""

    def __init__(self, engine: Engine, workers: int | None = None) -> None:
        self.engine = engine
        self._read_engine = engine.execution_options(**{READ_ONLY: True})
        sqlite = engine.dialect.name == "sqlite"
        self._executor = ThreadPoolExecutor(
            max_workers=workers or (1 if sqlite else 8), thread_name_prefix="db"
        )
        # Long reads (stats, exports) get threads of their own: on SQLite in WAL mode they read
        # a snapshot beside the writer, so an organizer's report never stalls supporters.
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="db-read")

    @classmethod
    def from_url(cls, url: str) -> Store:
        return cls(create_db_engine(url), workers=1 if is_sqlite(url) else None)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Repo]:
        """A synchronous unit of work for the CLI and tests: commit on success, else roll back.

        `write=False` is for long reads (reports, exports): on SQLite they read a snapshot
        without taking the write lock, so they never hold up supporters' updates.
        """
        engine = self.engine if write else self._read_engine
        with Session(engine, expire_on_commit=False) as session:
            yield Repo(session)
            session.commit()

    def call(self, fn: Callable[Concatenate[Repo, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.transaction() as repo:
            return fn(repo, *args, **kwargs)

    def query(self, fn: Callable[Concatenate[Repo, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Like `call`, for read-only work: no write lock taken."""
        with self.transaction(write=False) as repo:
            return fn(repo, *args, **kwargs)

    async def run(
        self, fn: Callable[Concatenate[Repo, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self.call(fn, *args, **kwargs))

    async def read(
        self, fn: Callable[Concatenate[Repo, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Like `run`, for slow read-only work (reports): off the writer's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: self.query(fn, *args, **kwargs))

    def close(self) -> None:
        self._readers.shutdown(wait=True)
        self._executor.shutdown(wait=True)
        self.engine.dispose()
