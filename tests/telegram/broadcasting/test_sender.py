"""The broadcast sender against a stand-in Bot: outcomes, flood waits, stops and cancellation.

No HTTP here (the end-to-end tests cover that); the stand-in lets each case control exactly when
and how a send ends, so interruption is tested deterministically.
"""

from __future__ import annotations

import asyncio
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any, cast

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot import broadcast_lifecycle as broadcasts
from bot.store import Store, delivery_claims
from bot.store.broadcast_queries import Progress
from bot.telegram.broadcasting.delivery import message_html
from bot.telegram.broadcasting.sender import (
    CONCURRENCY,
    LOCAL_HOLDER,
    PAID_CONCURRENCY,
    run_broadcast,
)
from bot.telegram.broadcasting.tasks import resume_unfinished
from tests.test_broadcast_lifecycle import (
    add_people,
    check_counters,
    new_broadcast,
    reachable_now,
    statuses,
)


class StubBot:
    """Records sends; `errors[chat_id]` is raised (once each) for that chat; `gate` holds sends."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.texts: list[str] = []
        self.parse_modes: set[Any] = set()
        self.paid_flags: set[Any] = set()
        self.errors: dict[int, list[Exception]] = {}
        self.gate: asyncio.Event | None = None
        self.held: set[int] = set()
        self.all_held = asyncio.Event()  # set once `expect_held` sends are being held
        self.expect_held = 0
        self.hold: Callable[[int], bool] = lambda chat_id: False
        self.attempts: Counter[int] = Counter()

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.attempts[chat_id] += 1
        self.parse_modes.add(kwargs.get("parse_mode"))
        self.paid_flags.add(kwargs.get("allow_paid_broadcast"))
        if self.hold(chat_id):
            self.held.add(chat_id)
            if len(self.held) >= self.expect_held:
                self.all_held.set()
            assert self.gate is not None
            await self.gate.wait()
        await asyncio.sleep(0)
        pending = self.errors.get(chat_id)
        if pending:
            raise pending.pop(0)
        self.sent.append(chat_id)
        self.texts.append(text)

    @property
    def bot(self) -> Bot:
        return cast(Bot, self)


def flood(seconds: int = 0) -> RetryAfter:
    """A 429 as PTB raises it (its constructor trips PTB's own retry_after deprecation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(seconds)


def started(store: Store, people: int = 10, text: str = "Rally <b>Sunday</b> & more") -> int:
    add_people(store, people)
    return new_broadcast(store, text)


async def test_sends_once_to_everyone_and_reports(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 45)
    stub = StubBot()
    stub.errors = {
        1003: [Forbidden("Forbidden: bot was blocked by the user")],
        1007: [BadRequest("Bad Request: chat not found")],
        1010: [TimedOut()],
    }
    report = await run_broadcast(stub.bot, tmp_store, broadcast_id, batch_size=7)
    assert report.finished
    assert (report.delivered, report.blocked, report.failed, report.unknown) == (42, 1, 2, 1)
    assert sorted(stub.sent) == sorted(set(range(1000, 1045)) - {1003, 1007, 1010})
    assert max(stub.attempts.values()) == 1
    # Plain text, escaped for the HTML parse mode it is sent with.
    assert set(stub.texts) == {"Rally &lt;b&gt;Sunday&lt;/b&gt; &amp; more"}
    assert stub.parse_modes == {"HTML"}
    assert stub.paid_flags == {None}  # free broadcasts never ask to pay
    check_counters(tmp_store, broadcast_id)
    assert reachable_now(tmp_store) == 44  # the blocked one is flagged


async def test_a_flood_wait_is_waited_out_and_the_recipient_retried(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 5)
    stub = StubBot()
    stub.errors = {1002: [flood(), flood()]}
    report = await run_broadcast(stub.bot, tmp_store, broadcast_id)
    assert report.delivered == 5 and report.failed == 0
    assert stub.attempts[1002] == 3 and Counter(stub.sent)[1002] == 1


async def test_endless_flood_gives_up_on_that_recipient_only(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 3)
    stub = StubBot()
    stub.errors = {1001: [flood() for _ in range(20)]}
    report = await run_broadcast(stub.bot, tmp_store, broadcast_id)
    assert (report.delivered, report.failed) == (2, 1)


async def test_an_unreachable_telegram_pauses_instead_of_failing_everyone(
    tmp_store: Store,
) -> None:
    broadcast_id = started(tmp_store, 60)
    stub = StubBot()
    stub.errors = {chat: [NetworkError("connect failed")] for chat in range(1000, 1060)}
    report = await run_broadcast(stub.bot, tmp_store, broadcast_id, concurrency=1)
    assert not report.finished and report.status == "sending"
    assert report.failed == 10 and report.in_flight == 0 and report.pending == 50


async def test_a_stop_finishes_sends_in_flight_and_hands_the_rest_back(
    tmp_store: Store,
) -> None:
    broadcast_id = started(tmp_store, 30)
    stub = StubBot()
    report = await run_broadcast(
        stub.bot, tmp_store, broadcast_id, should_stop=lambda: len(stub.sent) >= 8
    )
    assert not report.finished
    assert report.in_flight == 0 and report.unknown == 0
    assert report.delivered == len(stub.sent) >= 8
    assert report.pending == 30 - report.delivered

    rest = await run_broadcast(stub.bot, tmp_store, broadcast_id)
    assert rest.finished and rest.delivered == 30
    assert sorted(stub.sent) == list(range(1000, 1030))


async def test_cancellation_leaves_no_claim_behind_and_never_resends(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 30)
    stub = StubBot()
    stub.gate = asyncio.Event()
    stub.hold = lambda chat_id: chat_id >= 1010  # the 11th send and later hang mid-request
    task = asyncio.create_task(run_broadcast(stub.bot, tmp_store, broadcast_id, batch_size=20))
    stub.expect_held = 4  # all four senders stuck in a request
    await asyncio.wait_for(stub.all_held.wait(), timeout=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    after = statuses(tmp_store, broadcast_id)
    assert not {"claimed", "attempted"} & set(after.values())
    assert {chat for chat, s in after.items() if s == "unknown"} == stub.held
    assert {chat for chat, s in after.items() if s == "delivered"} == set(stub.sent)
    check_counters(tmp_store, broadcast_id)

    stub.hold = lambda chat_id: False
    report = await run_broadcast(stub.bot, tmp_store, broadcast_id)
    assert report.finished
    assert max(stub.attempts.values()) == 1  # nobody was sent it twice
    assert report.delivered == 30 - len(stub.held) and report.unknown == len(stub.held)


async def test_progress_is_throttled_and_never_outlives_the_run(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 40)
    stub = StubBot()
    seen: list[Progress] = []
    running = 0

    async def on_progress(snapshot: Progress) -> None:
        nonlocal running
        running += 1
        assert running == 1
        await asyncio.sleep(0.01)
        seen.append(snapshot)
        running -= 1

    report = await run_broadcast(
        stub.bot,
        tmp_store,
        broadcast_id,
        on_progress=on_progress,
        progress_interval=0,
        batch_size=5,
    )
    assert seen and running == 0
    assert all(not s.finished for s in seen)
    assert [s.processed for s in seen] == sorted(s.processed for s in seen)
    assert report.processed == 40

    quiet: list[Progress] = []

    async def record(snapshot: Progress) -> None:
        quiet.append(snapshot)

    other = started_again(tmp_store)
    await run_broadcast(stub.bot, tmp_store, other, on_progress=record, progress_interval=3600)
    assert quiet == []


def started_again(store: Store) -> int:
    return new_broadcast(store, "Second message")


async def test_a_failing_progress_callback_does_not_stop_sending(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 12)

    async def broken(snapshot: Progress) -> None:
        raise RuntimeError("message to edit not found")

    report = await run_broadcast(
        StubBot().bot, tmp_store, broadcast_id, on_progress=broken, progress_interval=0,
        batch_size=3,
    )  # fmt: skip
    assert report.finished and report.delivered == 12


async def test_resume_settles_crashed_claims_and_sends_the_rest(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 10)
    tmp_store.call(broadcasts.start, broadcast_id)
    crashed = tmp_store.call(delivery_claims.claim, broadcast_id, 3, LOCAL_HOLDER)
    for recipient in crashed:  # attempted, then the crash
        assert tmp_store.call(delivery_claims.attempt, recipient.delivery_id, LOCAL_HOLDER)
    stub = StubBot()
    finished: list[Progress] = []

    async def on_finished(report: Progress) -> None:
        finished.append(report)

    tasks = await resume_unfinished(stub.bot, tmp_store, on_finished=on_finished)
    reports = await asyncio.gather(*tasks)
    assert [r.broadcast_id for r in reports] == [broadcast_id]
    assert finished == reports
    assert reports[0].finished and reports[0].unknown == 3 and reports[0].delivered == 7
    assert not {r.telegram_id for r in crashed} & set(stub.sent)
    assert await resume_unfinished(stub.bot, tmp_store) == []


def test_message_html_escapes_markup() -> None:
    assert message_html('<a href="x">5 > 3 & "so"</a>') == (
        '&lt;a href="x"&gt;5 &gt; 3 &amp; "so"&lt;/a&gt;'
    )


# Paid broadcasts


@pytest.mark.parametrize(("paid", "senders"), [(False, CONCURRENCY), (True, PAID_CONCURRENCY)])
async def test_a_paid_broadcast_asks_to_pay_on_every_send_and_runs_more_senders(
    tmp_store: Store, paid: bool, senders: int
) -> None:
    broadcast_id = started(tmp_store, 150)
    stub = StubBot()
    stub.gate = asyncio.Event()
    stub.hold = lambda chat_id: True
    stub.expect_held = senders
    task = asyncio.create_task(run_broadcast(stub.bot, tmp_store, broadcast_id, paid=paid))
    await asyncio.wait_for(stub.all_held.wait(), timeout=10)
    for _ in range(20):  # had there been more senders, they would be waiting by now
        await asyncio.sleep(0)
    assert len(stub.held) == senders
    stub.gate.set()
    report = await asyncio.wait_for(task, timeout=30)
    assert report.finished and report.delivered == 150
    assert stub.paid_flags == ({True} if paid else {None})


async def test_resumed_broadcasts_keep_the_paid_setting(tmp_store: Store) -> None:
    broadcast_id = started(tmp_store, 5)
    tmp_store.call(broadcasts.start, broadcast_id)
    stub = StubBot()
    tasks = await resume_unfinished(stub.bot, tmp_store, paid=True)
    assert [r.delivered for r in await asyncio.gather(*tasks)] == [5]
    assert stub.paid_flags == {True}
