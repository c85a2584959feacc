"""One supporter's updates one at a time, in order, once; others never wait for them.

These run on SQLite and, in the PostgreSQL run, on PostgreSQL (where the bot used to handle one
supporter's updates on 8 threads at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.store import Store
from bot.store.leases import Take, finish, take
from bot.telegram.ordering import FloodGuard, OneAtATime

NOW = 1_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "Ani", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text=f"m{update_id}")  # type: ignore[arg-type]
    return Update(update_id, message=message)


class Recorder:
    """Coroutines that note when each update's handling starts and ends."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []
        self.running: dict[int, int] = {}
        self.most_at_once: dict[int, int] = {}
        self.gates: dict[int, asyncio.Event] = {}

    async def handle(self, update_id: int, user_id: int) -> None:
        self.events.append(("start", update_id))
        self.running[user_id] = self.running.get(user_id, 0) + 1
        self.most_at_once[user_id] = max(self.most_at_once.get(user_id, 0), self.running[user_id])
        gate = self.gates.get(update_id)
        if gate is not None:
            await gate.wait()
        else:
            await asyncio.sleep(0.001)
        self.running[user_id] -= 1
        self.events.append(("end", update_id))

    def handled(self) -> list[int]:
        return [u for kind, u in self.events if kind == "start"]


@pytest.fixture
def processors(database_url: str) -> Iterator[list[OneAtATime]]:
    """Two instances (two stores, two holders) on one database."""
    stores = [Store.from_url(database_url) for _ in range(2)]
    notices: list[Update] = []

    async def on_flood(u: Update) -> None:
        notices.append(u)

    made = [
        OneAtATime(store, workers=4, flood=FloodGuard(), on_flood=on_flood, holder=f"i{n}")
        for n, store in enumerate(stores)
    ]
    yield made
    for store in stores:
        store.close()


async def feed(processor: OneAtATime, recorder: Recorder, update_id: int, user_id: int) -> None:
    await processor.process_update(update(update_id, user_id), recorder.handle(update_id, user_id))


async def test_one_supporters_updates_run_one_at_a_time_in_order(
    processors: list[OneAtATime],
) -> None:
    one = processors[0]
    await one.initialize()
    recorder = Recorder()
    await asyncio.gather(*(feed(one, recorder, n, 7) for n in range(1, 21)))
    assert recorder.most_at_once[7] == 1
    assert recorder.handled() == list(range(1, 21))


async def test_a_supporter_waiting_in_line_never_holds_up_anyone_else(
    processors: list[OneAtATime],
) -> None:
    """Ani's first update hangs with ten more queued behind it: Bob is still handled (with 4
    workers, queued updates that held a worker each would have blocked him)."""
    one = processors[0]
    await one.initialize()
    recorder = Recorder()
    recorder.gates[1] = asyncio.Event()
    ani = [asyncio.create_task(feed(one, recorder, n, 7)) for n in range(1, 12)]
    await asyncio.sleep(0.05)
    await asyncio.wait_for(feed(one, recorder, 100, 8), timeout=10)
    assert recorder.handled() == [1, 100]
    recorder.gates[1].set()
    await asyncio.gather(*ani)
    assert recorder.handled() == [1, 100, *range(2, 12)]


async def test_updates_alternating_between_two_instances_never_overlap(
    processors: list[OneAtATime],
) -> None:
    for processor in processors:
        await processor.initialize()
    recorder = Recorder()
    await asyncio.gather(
        *(feed(processors[n % 2], recorder, n, 7) for n in range(1, 31)),
        *(feed(processors[n % 2], recorder, 100 + n, 8) for n in range(1, 11)),
    )
    assert recorder.most_at_once == {7: 1, 8: 1}
    assert sorted(recorder.handled()) == [*range(1, 31), *range(101, 111)]


async def test_an_update_delivered_twice_is_handled_once(processors: list[OneAtATime]) -> None:
    for processor in processors:
        await processor.initialize()
    recorder = Recorder()
    await feed(processors[0], recorder, 5, 7)
    await feed(processors[1], recorder, 5, 7)  # Telegram retried on the other instance
    await feed(processors[0], recorder, 5, 7)
    await asyncio.gather(feed(processors[0], recorder, 6, 7), feed(processors[1], recorder, 6, 7))
    assert recorder.handled() == [5, 6]


def test_a_crashed_instances_lease_expires(tmp_store: Store) -> None:
    lease = timedelta(seconds=60)
    assert tmp_store.call(take, 7, 1, "crashed", timedelta(seconds=-1)) is Take.TAKEN
    assert tmp_store.call(take, 7, 2, "alive", lease) is Take.TAKEN  # the old lease expired
    assert tmp_store.call(take, 7, 3, "other", lease) is Take.BUSY
    tmp_store.call(finish, 7, 2, "alive")
    assert tmp_store.call(take, 7, 3, "other", lease) is Take.TAKEN
    assert tmp_store.call(take, 7, 2, "other", lease) is Take.DUPLICATE


async def test_a_restarted_instance_takes_back_its_own_leases(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        assert store.call(take, 7, 1, "host/polling", timedelta(hours=1)) is Take.TAKEN
        restarted = OneAtATime(
            store, workers=2, flood=FloodGuard(), on_flood=_ignore, holder="host/polling"
        )
        await restarted.initialize()  # clears what the killed process left
        assert store.call(take, 7, 1, "host/webhook-2", timedelta(hours=1)) is Take.TAKEN
    finally:
        store.close()


async def _ignore(_: Any) -> None:
    return None


# Flood guard
def test_flood_guard_handles_the_limit_notifies_once_then_drops_until_the_window_ends() -> None:
    clock = Clock()
    guard = FloodGuard(limit=3, window=10.0, clock=clock)
    assert [guard.admit(7) for _ in range(6)] == [
        "handle",
        "handle",
        "handle",
        "notify",
        "drop",
        "drop",
    ]
    assert guard.admit(8) == "handle"  # someone else is not affected
    clock.now += 10.0
    assert guard.admit(7) == "handle"


async def test_a_flooding_supporter_gets_one_notice_and_is_ignored(tmp_store: Store) -> None:
    notices: list[Update] = []

    async def on_flood(u: Update) -> None:
        notices.append(u)

    clock = Clock()
    processor = OneAtATime(
        tmp_store,
        workers=4,
        flood=FloodGuard(limit=5, window=10.0, clock=clock),
        on_flood=on_flood,
        holder="h",
    )
    await processor.initialize()
    recorder = Recorder()
    await asyncio.gather(*(feed(processor, recorder, n, 7) for n in range(1, 151)))
    await feed(processor, recorder, 1000, 8)
    assert recorder.handled() == [1, 2, 3, 4, 5, 1000]
    assert [n.update_id for n in notices] == [6]
    clock.now += 10.0
    await feed(processor, recorder, 151, 7)
    assert recorder.handled()[-1] == 151
