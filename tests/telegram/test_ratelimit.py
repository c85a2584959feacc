"""The bot-wide send clock: slots 1/29 s apart, whoever takes them, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest

from bot.store import Store
from bot.store.sendclock import next_slot
from bot.telegram.ratelimit import (
    BotRateLimiter,
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
