"""Broadcasts through the fake Bot API with its 30/s flood limit on: the real Application, its
AIORateLimiter and HTTP stack. Everyone gets the message once, blocked people are flagged, the
bot keeps answering others meanwhile, and a restart mid-broadcast resumes without duplicates.
The organizer's text is checked where it comes in: too long for its preview, or with NUL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlmodel import col, select

from bot import broadcast_lifecycle as broadcasts
from bot.campaign import Campaign, find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store, broadcast_queries, delivery_claims
from bot.store import Supporter as SupporterRow
from bot.store.broadcast_queries import Progress
from bot.store.models import Participation
from bot.telegram.app import build_application
from bot.telegram.broadcasting.sender import LOCAL_HOLDER
from bot.telegram.broadcasting.tasks import resume_unfinished, start_broadcast
from bot.telegram.organizers.broadcast import MAX_TEXT, max_fee
from tests.e2e.conftest import TEST_TOKEN, RunningBot, Supporter, start_bot, stop_bot
from tests.fakes.telegram_api import FakeTelegram
from tests.test_broadcast_lifecycle import statuses as delivery_statuses

ORGANIZER = 42
# Markup characters on purpose: the text is plain and must arrive exactly as typed (the fake's
# strict mode rejects a bare "&", so an unescaped send would fail loudly).
TEXT = "Rally on Sunday at 11 <City Hall> & bring a friend!"


CAMPAIGN = "lachin-2023"  # the default campaign's id, which these bots broadcast for


def add_supporters(
    store: Store, fake: FakeTelegram, ids: range, campaign_id: str = CAMPAIGN
) -> None:
    """Supporters opted in to `campaign_id`'s updates, in the database, who have talked to the
    bot before (chat started)."""
    with store.transaction() as repo:
        people = [SupporterRow(telegram_id=telegram_id) for telegram_id in ids]
        repo.session.add_all(people)
        repo.session.flush()
        repo.session.add_all(
            Participation(supporter_id=person.id, campaign_id=campaign_id, opted_in=True)
            for person in people
        )
    for telegram_id in ids:
        fake.make_user(telegram_id, f"S{telegram_id}", started=True)


def received(fake: FakeTelegram, telegram_id: int) -> int:
    """How many copies of the broadcast this person got."""
    return sum(1 for m in fake.chat(telegram_id) if m.content == TEXT)


def too_many_requests(fake: FakeTelegram) -> int:
    return sum(1 for c in fake.calls if c.status == 429)


async def test_broadcast_reaches_everyone_once_while_the_bot_keeps_answering(
    running_bot: RunningBot, make_supporter
) -> None:
    fake, store, app = running_bot.fake, running_bot.store, running_bot.app
    people = range(5000, 5048)
    blocked = {5003, 5011, 5020, 5029, 5038, 5047}
    add_supporters(store, fake, people)
    elsewhere = range(5100, 5105)  # opted in to another campaign's updates only
    add_supporters(store, fake, elsewhere, campaign_id="another-campaign")
    for telegram_id in blocked:
        # No my_chat_member update: the 403 during the broadcast is what must flag them.
        fake.block(telegram_id, notify=False)
    fake.make_user(ORGANIZER, "Organizer", started=True)

    preview = await store.run(broadcasts.create, CAMPAIGN, TEXT, ORGANIZER)
    assert preview.recipients == 48
    status = await app.bot.send_message(ORGANIZER, "Sending…")
    edits: list[Progress] = []

    async def on_progress(snapshot: Progress) -> None:
        edits.append(snapshot)
        await status.edit_text(f"Sent {snapshot.processed} of {snapshot.recipients}")

    task = start_broadcast(
        app, store, preview.broadcast_id, on_progress=on_progress, progress_interval=0.5
    )

    # Someone else talks to the bot mid-broadcast and gets their answer while it still runs.
    await fake.wait_for(lambda f: received_any(f, people) >= 5, timeout=20)
    other = make_supporter(9001, "Narek", "Petrosyan")
    reply = await other.say("/start")
    assert "Welcome" in reply.content
    assert not task.done(), "the broadcast finished before the other user's answer"
    answered_at = next(c.at for c in fake.calls_to("sendMessage") if c.chat_id == other.id)

    report = await asyncio.wait_for(task, timeout=30)
    assert report.finished
    assert (report.delivered, report.blocked, report.failed) == (42, 6, 0)
    assert report.recipients == 48 and report.pending == report.in_flight == 0

    for telegram_id in people:
        assert received(fake, telegram_id) == (0 if telegram_id in blocked else 1), telegram_id
    assert received_any(fake, elsewhere) == 0
    last_send = max(c.at for c in fake.calls_to("sendMessage") if c.chat_id in people)
    assert answered_at < last_send
    with store.transaction() as repo:
        flagged = repo.session.exec(
            select(SupporterRow.telegram_id).where(col(SupporterRow.blocked))
        ).all()
    assert set(flagged) == blocked
    assert edits, "no progress reported"
    assert too_many_requests(fake) == 0
    assert {c.status for c in fake.errors} == {403}


def received_any(fake: FakeTelegram, people: range) -> int:
    return sum(received(fake, telegram_id) for telegram_id in people)


@pytest.mark.parametrize("interruption", ["stop", "cancel"])
async def test_a_restart_mid_broadcast_resumes_without_sending_twice(
    fake: FakeTelegram, database_url: str, interruption: str
) -> None:
    campaign: Campaign = load_campaign(find_campaign(None))
    people = range(6000, 6060)
    first = await start_bot(fake, database_url, campaign)
    try:
        add_supporters(first.store, fake, people)
        preview = await first.store.run(broadcasts.create, CAMPAIGN, TEXT, ORGANIZER)
        task = start_broadcast(first.app, first.store, preview.broadcast_id)
        await fake.wait_for(lambda f: received_any(f, people) >= 15, timeout=20)
        if interruption == "cancel":
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    finally:
        await stop_bot(first)  # "stop": Application.stop() winds the broadcast down
    if interruption == "stop":
        interrupted = task.result()
        assert not interrupted.finished and interrupted.pending > 0
        assert interrupted.in_flight == 0 and interrupted.unknown == 0
    sent_before = received_any(fake, people)
    assert sent_before < len(people)

    second = await start_bot(fake, database_url, campaign)  # its post_init resumes the broadcast
    try:

        async def finished() -> bool:
            return not await second.store.run(broadcast_queries.unfinished)

        for _ in range(300):
            if await finished():
                break
            await asyncio.sleep(0.1)
        report = await second.store.run(broadcast_queries.progress, preview.broadcast_id)
        statuses = await asyncio.to_thread(delivery_statuses, second.store, preview.broadcast_id)
    finally:
        await stop_bot(second)

    assert report.finished
    copies = Counter({telegram_id: received(fake, telegram_id) for telegram_id in people})
    assert max(copies.values()) == 1, "somebody got the broadcast twice"
    unknown = {telegram_id for telegram_id, s in statuses.items() if s == "unknown"}
    for telegram_id in people:
        if telegram_id not in unknown:
            assert copies[telegram_id] == 1, telegram_id
            assert statuses[telegram_id] == "delivered"
    if interruption == "stop":
        assert unknown == set()
    assert report.delivered == len(people) - len(unknown)
    assert report.unknown == report.failed == len(unknown) <= 4  # at most one per sender
    assert too_many_requests(fake) == 0


async def test_resume_from_post_init_waits_for_the_application_to_run(
    fake: FakeTelegram, database_url: str
) -> None:
    """Called before the Application runs (as post_init does), the resumed broadcast starts
    once it runs, as an Application task that `Application.stop()` waits for."""
    people = range(7000, 7012)
    store = Store.from_url(database_url)
    try:
        add_supporters(store, fake, people)
        preview = store.call(broadcasts.create, CAMPAIGN, TEXT, ORGANIZER)
        store.call(broadcasts.start, preview.broadcast_id)
        claimed = store.call(delivery_claims.claim, preview.broadcast_id, 2, LOCAL_HOLDER)
        for recipient in claimed:  # a crash mid-send
            assert store.call(delivery_claims.attempt, recipient.delivery_id, LOCAL_HOLDER)
    finally:
        store.close()

    campaign = load_campaign(find_campaign(None))
    settings = Settings(token=TEST_TOKEN, base_url=fake.base_url, database_url=database_url)
    store = Store.from_url(database_url)
    app = build_application(settings, campaign, store)
    await app.initialize()
    tasks = await resume_unfinished(app, store)  # what post_init does
    assert len(tasks) == 1 and not tasks[0].done()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
    await app.start()
    try:
        report = await asyncio.wait_for(tasks[0], timeout=30)
    finally:
        await stop_bot(RunningBot(app, store, campaign, fake, database_url))
    assert report.finished and (report.delivered, report.unknown) == (10, 2)
    assert [received(fake, telegram_id) for telegram_id in people] == [0, 0] + [1] * 10


# The organizer's side: /broadcast through the admin handlers

GENERIC_ERROR = "something went wrong"  # the supporters' error, never an organizer's answer


@pytest.fixture
async def organizer_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[RunningBot]:
    campaign = load_campaign(find_campaign(None))
    bot = await start_bot(fake, database_url, campaign, frozenset({ORGANIZER}))
    try:
        yield bot
    finally:
        await stop_bot(bot)


def api_errors(fake: FakeTelegram) -> list[str]:
    """Bot API errors but the expected one: the organizer's menu before they ever wrote."""
    return [
        c.describe()
        for c in fake.errors
        if not (c.method == "setMyCommands" and "chat not found" in (c.error or ""))
    ]


async def test_a_text_too_long_for_its_preview_is_refused_in_the_organizers_words(
    organizer_bot: RunningBot, make_supporter
) -> None:
    """4,054 characters fit one message, but not under the preview's header: Telegram would
    refuse the preview ("message is too long", 400) and the organizer saw the supporters'
    error. Now they are told at once how much to cut; the longest text allowed goes through."""
    fake = organizer_bot.fake
    add_supporters(organizer_bot.store, fake, range(8000, 8001))
    organizer: Supporter = make_supporter(ORGANIZER, "Org", None)

    refused = await organizer.say("/broadcast " + "x" * 4054)
    assert "Your message is 4,054 characters" in refused.content
    assert "Cut at least 254 characters" in refused.content
    assert refused.buttons == []

    longest = "y" * (MAX_TEXT - 6) + " & <b>"
    preview = await organizer.say("/broadcast " + longest)
    assert "Broadcast preview" in preview.content and longest in preview.content
    query = fake.tap_button(organizer.user, preview, "Send to 1")
    await fake.wait_for(
        lambda f: "Broadcast finished" in f.message(ORGANIZER, preview.message_id).content
    )
    assert [m.content for m in fake.chat(8000)] == [longest]
    assert fake.callback(query).answered
    assert not any(GENERIC_ERROR in m.content for m in fake.chat(ORGANIZER))
    assert api_errors(fake) == []


async def test_nul_and_control_characters_never_reach_the_database_or_the_organizer(
    organizer_bot: RunningBot, make_supporter
) -> None:
    """PostgreSQL text cannot hold NUL: storing the raw text was a DataError, and the
    organizer got the supporters' error."""
    fake = organizer_bot.fake
    add_supporters(organizer_bot.store, fake, range(8100, 8102))
    organizer: Supporter = make_supporter(ORGANIZER, "Org", None)

    preview = await organizer.say("/broadcast Rally\x00 on Sunday\x07\n\tat 11!")
    assert "Broadcast preview" in preview.content
    assert "Rally on Sunday\n\tat 11!" in preview.content
    query = fake.tap_button(organizer.user, preview, "Send to 2")
    await fake.wait_for(
        lambda f: "Broadcast finished" in f.message(ORGANIZER, preview.message_id).content
    )
    assert fake.callback(query).answered
    assert [m.content for m in fake.chat(8100)] == ["Rally on Sunday\n\tat 11!"]
    assert not any(GENERIC_ERROR in m.content for m in fake.chat(ORGANIZER))
    assert api_errors(fake) == []


# Paid broadcasts


@pytest.fixture
def unlimited_fake() -> Iterator[FakeTelegram]:
    """No flood control: a paid broadcast may go past the free 30 a second (the fake does not
    bill Stars, so a limit there would only model the free rate)."""
    with FakeTelegram(rate_limit=None) as server:
        yield server


async def test_a_paid_broadcast_asks_telegram_to_bill_every_send_and_nothing_else(
    unlimited_fake: FakeTelegram, database_url: str
) -> None:
    fake = unlimited_fake
    people = range(8200, 8300)
    bot = await start_bot(fake, database_url, load_campaign(find_campaign(None)))
    try:
        add_supporters(bot.store, fake, people)
        preview = await bot.store.run(broadcasts.create, CAMPAIGN, TEXT, ORGANIZER, paid=True)
        assert preview.paid and max_fee(preview.recipients) == 10
        report = await asyncio.wait_for(
            start_broadcast(bot.app, bot.store, preview.broadcast_id, paid=True), timeout=30
        )
        other = Supporter(fake, fake.make_user(9002, "Narek"))
        assert "Welcome" in (await other.say("/start")).content
    finally:
        await stop_bot(bot)
    assert report.finished and report.delivered == len(people)
    assert all(received(fake, telegram_id) == 1 for telegram_id in people)
    sends = fake.calls_to("sendMessage")
    assert {c.params.get("allow_paid_broadcast") for c in sends if c.chat_id in people} == {True}
    assert [c.params.get("allow_paid_broadcast") for c in sends if c.chat_id == 9002] == [None]
    assert fake.errors == []
