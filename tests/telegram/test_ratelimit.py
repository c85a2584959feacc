"""The bot-wide send clock: spaced slots, whoever takes them, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time

import pytest
from sqlalchemy import delete

from bot.store import Store
from bot.store.coordination import SendClock
from bot.store.sendclock import Slot, next_slot
from bot.telegram.ratelimit import (
    BotRateLimiter,
    DatabaseTime,
    LocalClock,
    SendCancelled,
    SendGate,
    SharedClock,
)

INTERVAL = 1 / 29


def test_two_instances_never_get_slots_closer_than_the_interval(database_url: str) -> None:
    """Two stores (two instances) take 120 slots at once: all distinct and spaced, so no
    one-second window holds more than 30 sends of the bot as a whole."""
    stores = [Store.from_url(database_url) for _ in range(2)]
    slots: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def take(store: Store) -> None:
        start.wait()
        while True:
            slot = store.call(next_slot, INTERVAL)
            if not slot.taken:
                continue  # not due yet: a sender would sleep until slot.at and ask again
            with lock:
                slots.append(slot.at)
                if len(slots) >= 120:
                    return
            assert slot.at - slot.now <= INTERVAL + 1e-6  # never a slot far in the future

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for store in stores:
            store.close()
    slots.sort()
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert len(slots) in (120, 121)
    assert min(gaps) >= INTERVAL - 1e-6
    for i, first in enumerate(slots):  # any one-second window from any slot: at most 30
        assert sum(1 for s in slots[i:] if s < first + 1.0) <= 30


async def test_the_limiter_takes_a_slot_for_chat_calls_only(tmp_store: Store) -> None:
    taken: list[str] = []

    class Counting(LocalClock):
        async def take_slot(self) -> float:
            taken.append("slot")
            return await super().take_slot()

    limiter = BotRateLimiter(Counting())
    await limiter.initialize()

    async def call() -> bool:
        return True

    async def send(data: dict[str, object]) -> None:
        assert await limiter.process_request(call, (), {}, "x", data, None) is True

    await send({"chat_id": 5, "text": "hi"})
    await send({"callback_query_id": "1"})  # answerCallbackQuery carries no chat id
    await send({"chat_id": 5, "allow_paid_broadcast": True})  # paid: outside the free cap
    assert taken == ["slot"]
    shared = SharedClock(tmp_store)
    await asyncio.gather(*(shared.take_slot() for _ in range(3)))
    await limiter.shutdown()


async def test_a_gate_that_says_no_cancels_the_send_before_it_goes_out() -> None:
    called: list[str] = []

    async def call() -> bool:
        called.append("sent")
        return True

    async def refuse() -> bool:
        called.append("asked")
        return False

    async def undo() -> None:
        called.append("undone")

    limiter = BotRateLimiter(LocalClock())
    await limiter.initialize()
    gate = SendGate(refuse, undo)
    with pytest.raises(SendCancelled):
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, gate)
    assert called == ["asked"]
    await limiter.shutdown()


def test_database_time_keeps_the_reading_with_the_shortest_round_trip() -> None:
    """Each answer bounds the database's time to its round trip; the shortest trip in the last
    five seconds wins, so one slow answer under load does not move the sends."""
    clock = DatabaseTime()
    clock.read(asked=10.0, answered=10.2, database_now=1010.05)  # off by up to 0.1 s
    assert clock.local(1011.0) == pytest.approx(11.05)
    clock.read(asked=11.0, answered=11.002, database_now=1011.001)  # 2 ms: the truth, 1000
    clock.read(asked=12.0, answered=12.3, database_now=1012.2)  # slow again, ignored
    assert clock.local(1013.0) == pytest.approx(13.0)
    clock.read(asked=16.5, answered=16.51, database_now=1016.509)  # the 2 ms one aged out
    assert clock.local(1017.0) == pytest.approx(16.996)


class SlowDatabase:
    """A store whose clock reads 1000 s ahead of this process and reads it 100 ms late every
    other call, as when the call waits for a worker thread, a connection or the row's lock."""

    def __init__(self) -> None:
        self.calls = 0
        self.next_at = 0.0
        self.true_slots: list[float] = []

    async def run(self, fn: object, interval: float) -> Slot:
        self.calls += 1
        await asyncio.sleep(0.1 if self.calls % 2 else 0.0)
        now = time.monotonic() + 1000.0
        at = max(self.next_at, now)
        self.next_at = at + interval
        self.true_slots.append(at - 1000.0)
        return Slot(True, at, now)


async def test_a_slow_answer_does_not_move_a_shared_slot_earlier() -> None:
    """The slot is placed on this process's clock where the database put it: before, it was
    placed by the moment of asking, 100 ms early when the database read its clock late, so
    two instances' sends bunched up past the cap."""
    database = SlowDatabase()
    clock = SharedClock(database, per_second=29)  # type: ignore[arg-type]
    slots = [await clock.take_slot() for _ in range(6)]
    errors = [mine - true for mine, true in zip(slots, database.true_slots, strict=True)]
    assert abs(errors[0]) <= 0.05 + 0.01  # one slow reading so far: half its round trip
    assert all(abs(error) <= 0.01 for error in errors[1:])


def test_the_send_clock_row_comes_back_when_deleted(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        store.call(lambda repo: repo.session.execute(delete(SendClock)))
        slot = store.call(next_slot, INTERVAL)
        assert slot.taken and slot.at == slot.now > 1e9  # now, on the database's clock
        again = store.call(next_slot, INTERVAL)
        assert again.taken and again.at == pytest.approx(slot.at + INTERVAL)
    finally:
        store.close()
