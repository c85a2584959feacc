"""A broadcast's life cycle (bot/broadcast_lifecycle.py) and its queries (bot/store/
broadcast_queries.py, delivery_claims.py) on a real database (a SQLite file, or PostgreSQL with
TEST_DATABASE_URL): recipient list, claims, outcomes, resume, counters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from bot import broadcast_lifecycle as broadcasts
from bot.broadcast_lifecycle import BroadcastTextError
from bot.store import (
    Broadcast,
    BroadcastDelivery,
    Store,
    Supporter,
    broadcast_queries,
    delivery_claims,
    participation,
)
from bot.store.broadcast_queries import Progress
from bot.store.delivery_claims import Recipient
from bot.store.models import Participation

CAMPAIGN = "lachin-2023"
OTHER = "artsakh-2024"
ORGANIZER = 42


def add_people(
    store: Store,
    n: int,
    *,
    start: int = 1000,
    opted_in: bool = True,
    blocked: bool = False,
    campaign: str = CAMPAIGN,
) -> list[int]:
    """Supporters with Telegram ids start..start+n-1 who take part in `campaign` (opted in to
    its updates or not); returns their Telegram ids."""
    ids = list(range(start, start + n))
    with store.transaction() as repo:
        people = [Supporter(telegram_id=telegram_id, blocked=blocked) for telegram_id in ids]
        repo.session.add_all(people)
        repo.session.flush()
        repo.session.add_all(
            Participation(supporter_id=person.id, campaign_id=campaign, opted_in=opted_in)
            for person in people
        )
    return ids


def set_updates(store: Store, telegram_id: int, campaign: str, opted_in: bool) -> None:
    """The supporter opts in to (or out of) `campaign`'s updates, joining it if new to it."""
    with store.transaction() as repo:
        supporter = repo.session.exec(
            select(Supporter).where(Supporter.telegram_id == telegram_id)
        ).one()
        assert supporter.id is not None
        row, _ = participation.join(repo, supporter.id, campaign)
        row.opted_in = opted_in


def new_broadcast(store: Store, text: str = "Rally on Sunday", campaign: str = CAMPAIGN) -> int:
    return store.call(broadcasts.create, campaign, text, ORGANIZER).broadcast_id


HOLDER = "host/polling"


@contextmanager
def several_stores(url: str, n: int) -> Iterator[list[Store]]:
    """`n` Stores on one database, as `n` instances of the bot would have."""
    stores = [Store.from_url(url) for _ in range(n)]
    try:
        yield stores
    finally:
        for store in stores:
            store.close()


def claim(store: Store, broadcast_id: int, n: int, holder: str = HOLDER) -> list[Recipient]:
    return store.call(delivery_claims.claim, broadcast_id, n, holder)


def attempt_all(store: Store, batch: list[Recipient], holder: str = HOLDER) -> list[Recipient]:
    """What a sender does right before each send."""
    for recipient in batch:
        assert store.call(delivery_claims.attempt, recipient.delivery_id, holder)
    return batch


def statuses(store: Store, broadcast_id: int) -> dict[int, str]:
    """Telegram id -> delivery status, read straight from the tables."""
    with store.transaction() as repo:
        rows = repo.session.exec(
            select(Supporter.telegram_id, BroadcastDelivery.status)
            .join(Supporter, col(Supporter.id) == col(BroadcastDelivery.supporter_id))
            .where(BroadcastDelivery.broadcast_id == broadcast_id)
        ).all()
    return {int(telegram_id): str(status) for telegram_id, status in rows}


def reachable_now(store: Store, campaign: str = CAMPAIGN) -> int:
    """Who a broadcast of `campaign` would reach now: the recipients its preview counts."""
    return store.call(broadcasts.create, campaign, "Count", ORGANIZER).recipients


def check_counters(store: Store, broadcast_id: int) -> Progress:
    """The stored counters equal the delivery rows they summarize."""
    report = store.call(broadcast_queries.progress, broadcast_id)
    rows = list(statuses(store, broadcast_id).values())
    assert report.delivered == rows.count("delivered")
    assert report.blocked == rows.count("blocked")
    assert report.failed == rows.count("failed") + rows.count("unknown")
    assert report.unknown == rows.count("unknown")
    assert report.skipped == rows.count("skipped")
    assert report.pending == rows.count("pending")
    assert report.in_flight == rows.count("claimed") + rows.count("attempted")
    assert report.recipients == len(rows)
    return report


# Text


def test_text_is_trimmed_and_must_say_something() -> None:
    assert broadcasts.clean_text("  Hello <all> & you \n") == "Hello <all> & you"
    with pytest.raises(BroadcastTextError) as empty:
        broadcasts.clean_text(" \n\t\x00")
    assert empty.value.length == 0


def test_control_characters_are_stripped_but_lines_and_tabs_kept() -> None:
    raw = "Rally\x00 on Sunday\x1b\r\n\tat 11\x07 sharp\u200b!\n\n\n\nBring\u00a0a friend "
    assert broadcasts.clean_text(raw) == "Rally on Sunday\n\tat 11 sharp!\n\nBring a friend"


# Create and start


def test_recipients_are_opted_in_supporters_who_did_not_block(tmp_store: Store) -> None:
    add_people(tmp_store, 3, start=1000)
    add_people(tmp_store, 2, start=2000, opted_in=False)
    add_people(tmp_store, 2, start=3000, blocked=True)
    assert reachable_now(tmp_store) == 3

    preview = tmp_store.call(broadcasts.create, CAMPAIGN, "  Hello  ", ORGANIZER)
    assert (preview.text, preview.recipients) == ("Hello", 3)
    assert statuses(tmp_store, preview.broadcast_id) == {}  # a draft sends nothing

    report = tmp_store.call(broadcasts.start, preview.broadcast_id)
    assert report.status == "sending" and report.recipients == 3 and report.pending == 3
    assert set(statuses(tmp_store, preview.broadcast_id)) == {1000, 1001, 1002}


def test_a_text_with_nul_is_stored_without_it(tmp_store: Store) -> None:
    """PostgreSQL text cannot hold NUL: storing it raw was a DataError there."""
    add_people(tmp_store, 2)
    preview = tmp_store.call(broadcasts.create, CAMPAIGN, "Rally\x00 on\x00\nSunday", ORGANIZER)
    assert (preview.text, preview.recipients) == ("Rally on\nSunday", 2)
    assert (
        tmp_store.call(broadcast_queries.broadcast_text, preview.broadcast_id) == "Rally on\nSunday"
    )


def test_create_says_whether_the_broadcast_is_paid(tmp_store: Store) -> None:
    add_people(tmp_store, 3)
    assert not tmp_store.call(broadcasts.create, CAMPAIGN, "Hi", ORGANIZER).paid
    assert tmp_store.call(broadcasts.create, CAMPAIGN, "Hi", ORGANIZER, paid=True).paid


def test_unusable_text_creates_nothing(tmp_store: Store) -> None:
    with pytest.raises(BroadcastTextError):
        tmp_store.call(broadcasts.create, CAMPAIGN, "   ", ORGANIZER)
    with tmp_store.transaction() as repo:
        assert repo.session.exec(select(func.count()).select_from(Broadcast)).one() == 0


def test_starting_twice_does_not_duplicate_or_extend_the_list(tmp_store: Store) -> None:
    add_people(tmp_store, 5)
    broadcast_id = new_broadcast(tmp_store)
    first = tmp_store.call(broadcasts.start, broadcast_id)
    add_people(tmp_store, 2, start=5000)  # opted in after the start: not on this list
    second = tmp_store.call(broadcasts.start, broadcast_id)
    assert first == second
    assert second.recipients == second.pending == 5
    with tmp_store.transaction() as repo:
        rows = repo.session.exec(select(func.count()).select_from(BroadcastDelivery)).one()
    assert rows == 5


def test_concurrent_starts_from_two_stores_insert_one_list(database_url: str) -> None:
    with several_stores(database_url, 2) as stores:
        add_people(stores[0], 50)
        broadcast_id = new_broadcast(stores[0])
        barrier = threading.Barrier(2)

        def go(store: Store) -> None:
            barrier.wait()
            store.call(broadcasts.start, broadcast_id)

        threads = [threading.Thread(target=go, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(statuses(stores[0], broadcast_id)) == 50
        assert check_counters(stores[0], broadcast_id).recipients == 50


def test_starting_an_unknown_broadcast_fails(tmp_store: Store) -> None:
    with pytest.raises(LookupError):
        tmp_store.call(broadcasts.start, 999)


# Claim and record


def test_claims_are_committed_in_order_and_never_handed_out_twice(tmp_store: Store) -> None:
    people = add_people(tmp_store, 7)
    broadcast_id = new_broadcast(tmp_store)
    assert claim(tmp_store, broadcast_id, 3) == []  # not started yet
    tmp_store.call(broadcasts.start, broadcast_id)

    first = claim(tmp_store, broadcast_id, 3)
    second = claim(tmp_store, broadcast_id, 3)
    third = claim(tmp_store, broadcast_id, 3)
    assert [r.telegram_id for r in first + second + third] == people
    assert len(third) == 1
    assert claim(tmp_store, broadcast_id, 3) == []
    assert set(statuses(tmp_store, broadcast_id).values()) == {"claimed"}
    assert check_counters(tmp_store, broadcast_id).in_flight == 7


def test_outcomes_update_counters_once_and_flag_blocked_supporters(tmp_store: Store) -> None:
    add_people(tmp_store, 4)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    a, b, c, d = attempt_all(tmp_store, claim(tmp_store, broadcast_id, 4))
    outcomes = [(a, "delivered"), (b, "blocked"), (c, "failed"), (d, "unknown")]
    tmp_store.call(broadcasts.settle, broadcast_id, outcomes)
    tmp_store.call(broadcasts.settle, broadcast_id, outcomes)  # a retried write counts once

    report = check_counters(tmp_store, broadcast_id)
    assert (report.delivered, report.blocked, report.failed, report.unknown) == (1, 1, 2, 1)
    with tmp_store.transaction() as repo:
        blocked = repo.session.exec(select(Supporter).where(col(Supporter.blocked))).all()
    assert [s.telegram_id for s in blocked] == [b.telegram_id]
    # Blocked people are off the next broadcast's list.
    assert reachable_now(tmp_store) == 3

    with pytest.raises(ValueError, match="outcome"):
        tmp_store.call(broadcasts.settle, broadcast_id, [(a, "pending")])


def test_unsent_claims_can_be_handed_back(tmp_store: Store) -> None:
    add_people(tmp_store, 3)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    a, b, c = claim(tmp_store, broadcast_id, 3)
    attempt_all(tmp_store, [a])
    tmp_store.call(broadcasts.settle, broadcast_id, [(a, "delivered")], [b.delivery_id], HOLDER)
    assert statuses(tmp_store, broadcast_id) == {
        a.telegram_id: "delivered",
        b.telegram_id: "pending",
        c.telegram_id: "claimed",
    }
    again = claim(tmp_store, broadcast_id, 5)
    assert again == [b]


def test_people_who_opt_out_or_block_mid_broadcast_are_skipped(tmp_store: Store) -> None:
    first, second, third = add_people(tmp_store, 3)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    set_updates(tmp_store, first, CAMPAIGN, opted_in=False)
    with tmp_store.transaction() as repo:
        people = {s.telegram_id: s for s in repo.session.exec(select(Supporter)).all()}
        people[third].blocked = True
    claimed = claim(tmp_store, broadcast_id, 10)
    assert [r.telegram_id for r in claimed] == [second]
    report = check_counters(tmp_store, broadcast_id)
    assert report.skipped == 2 and report.failed == 0


# One campaign's broadcast, another campaign's subscribers


def test_a_broadcast_reaches_only_its_campaigns_subscribers(tmp_store: Store) -> None:
    """Opting in is per campaign: subscribers of another campaign, and people who take part
    in this one without its updates, are neither counted, listed nor claimed."""
    mine = add_people(tmp_store, 3, start=1000)
    theirs = add_people(tmp_store, 2, start=2000, campaign=OTHER)
    add_people(tmp_store, 1, start=3000, campaign=OTHER)
    set_updates(tmp_store, 3000, CAMPAIGN, opted_in=False)  # in both, updates of OTHER only
    assert (reachable_now(tmp_store), reachable_now(tmp_store, OTHER)) == (3, 3)
    assert tmp_store.call(broadcast_queries.count_recipients, CAMPAIGN) == 3

    broadcast_id = new_broadcast(tmp_store)
    report = tmp_store.call(broadcasts.start, broadcast_id)
    assert report.recipients == 3 and set(statuses(tmp_store, broadcast_id)) == set(mine)
    assert [r.telegram_id for r in claim(tmp_store, broadcast_id, 10)] == mine

    other_id = new_broadcast(tmp_store, campaign=OTHER)
    tmp_store.call(broadcasts.start, other_id)
    assert set(statuses(tmp_store, other_id)) == {*theirs, 3000}


def test_claims_follow_the_opt_in_of_the_broadcasts_own_campaign(tmp_store: Store) -> None:
    """Between start and claim, leaving this campaign's updates skips the person; leaving
    another campaign's does not; joining another campaign's adds no one."""
    leaves_mine, leaves_theirs, stays = add_people(tmp_store, 3)
    for telegram_id in (leaves_mine, leaves_theirs):
        set_updates(tmp_store, telegram_id, OTHER, opted_in=True)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    set_updates(tmp_store, leaves_mine, CAMPAIGN, opted_in=False)
    set_updates(tmp_store, leaves_theirs, OTHER, opted_in=False)
    add_people(tmp_store, 2, start=5000, campaign=OTHER)
    claimed = claim(tmp_store, broadcast_id, 10)
    assert [r.telegram_id for r in claimed] == [leaves_theirs, stays]
    assert statuses(tmp_store, broadcast_id)[leaves_mine] == "skipped"
    assert check_counters(tmp_store, broadcast_id).skipped == 1


# Finish, cancel, resume


def test_finish_only_when_nobody_is_left(tmp_store: Store) -> None:
    add_people(tmp_store, 2)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    a, b = attempt_all(tmp_store, claim(tmp_store, broadcast_id, 2))
    tmp_store.call(broadcasts.settle, broadcast_id, [(a, "delivered")])
    assert not tmp_store.call(broadcasts.finish, broadcast_id).finished  # b in flight
    assert tmp_store.call(broadcast_queries.unfinished) == [broadcast_id]
    tmp_store.call(broadcasts.settle, broadcast_id, [(b, "delivered")])
    report = tmp_store.call(broadcasts.finish, broadcast_id)
    assert report.finished and report.status == "done" and report.delivered == 2
    assert tmp_store.call(broadcast_queries.unfinished) == []


def test_an_empty_list_finishes_at_once(tmp_store: Store) -> None:
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    report = tmp_store.call(broadcasts.finish, broadcast_id)
    assert report.finished and report.recipients == 0


def test_cancel_stops_claims(tmp_store: Store) -> None:
    add_people(tmp_store, 3)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    claim(tmp_store, broadcast_id, 1)
    assert tmp_store.call(broadcast_queries.cancel, broadcast_id)
    assert not tmp_store.call(broadcast_queries.cancel, broadcast_id)
    assert claim(tmp_store, broadcast_id, 5) == []
    assert tmp_store.call(broadcast_queries.unfinished) == []
    assert tmp_store.call(broadcast_queries.progress, broadcast_id).status == "cancelled"


def test_resume_after_a_crash_never_resends_a_claim(database_url: str) -> None:
    url = database_url
    store = Store.from_url(url)
    add_people(store, 10)
    broadcast_id = new_broadcast(store)
    store.call(broadcasts.start, broadcast_id)
    sent = attempt_all(store, claim(store, broadcast_id, 3))
    store.call(broadcasts.settle, broadcast_id, [(r, "delivered") for r in sent])
    in_flight = attempt_all(store, claim(store, broadcast_id, 3))  # the process dies here...
    untried = claim(store, broadcast_id, 2)  # ...with two more claimed, not yet tried
    store.close()

    restarted = Store.from_url(url)
    try:
        assert restarted.call(broadcasts.recover, HOLDER) == [broadcast_id]
        after = statuses(restarted, broadcast_id)
        assert {after[r.telegram_id] for r in in_flight} == {"unknown"}
        assert {after[r.telegram_id] for r in untried} == {"pending"}
        assert restarted.call(broadcasts.recover, HOLDER) == [broadcast_id]  # harmless again

        rest = attempt_all(restarted, claim(restarted, broadcast_id, 100))
        claimed_ids = {r.telegram_id for r in rest}
        assert len(rest) == 4
        assert not claimed_ids & {r.telegram_id for r in sent + in_flight}
        restarted.call(broadcasts.settle, broadcast_id, [(r, "delivered") for r in rest])
        report = restarted.call(broadcasts.finish, broadcast_id)
        assert report.finished
        assert (report.delivered, report.failed, report.unknown) == (7, 3, 3)
        check_counters(restarted, broadcast_id)
    finally:
        restarted.close()


def test_report_message_is_remembered(tmp_store: Store) -> None:
    broadcast_id = new_broadcast(tmp_store)
    assert tmp_store.call(broadcast_queries.report_message, broadcast_id) is None
    tmp_store.call(broadcast_queries.set_report_message, broadcast_id, ORGANIZER, 77)
    assert tmp_store.call(broadcast_queries.report_message, broadcast_id) == (ORGANIZER, 77)
    assert tmp_store.call(broadcast_queries.broadcast_text, broadcast_id) == "Rally on Sunday"


def test_concurrent_claimers_never_share_a_recipient(database_url: str) -> None:
    with several_stores(database_url, 3) as stores:
        add_people(stores[0], 300)
        broadcast_id = new_broadcast(stores[0])
        stores[0].call(broadcasts.start, broadcast_id)
        got: list[list[int]] = [[] for _ in stores]

        def drain(i: int) -> None:
            while batch := claim(stores[i], broadcast_id, 7, holder=f"instance-{i}"):
                got[i].extend(r.telegram_id for r in batch)

        threads = [threading.Thread(target=drain, args=(i,)) for i in range(len(stores))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everyone = [telegram_id for part in got for telegram_id in part]
        assert len(everyone) == len(set(everyone)) == 300


def test_a_dead_instances_untried_claims_go_to_another_after_the_lease(
    tmp_store: Store,
) -> None:
    """Instance A claims five, delivers one, is mid-send on a second, and dies. After the
    lease, instance B takes the three untried; A's attempt counts as unknown, never re-sent;
    and A, had it only stalled, may no longer send the ones B took."""
    add_people(tmp_store, 6)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    expired = timedelta(seconds=-1)  # A's lease, as it is once the lease time has passed
    a = tmp_store.call(delivery_claims.claim, broadcast_id, 5, "A", expired)
    assert tmp_store.call(delivery_claims.attempt, a[0].delivery_id, "A", expired)
    tmp_store.call(broadcasts.settle, broadcast_id, [(a[0], "delivered")])
    assert tmp_store.call(
        delivery_claims.attempt, a[1].delivery_id, "A", expired
    )  # A dies mid-send

    b = claim(tmp_store, broadcast_id, 10, holder="B")
    assert [r.telegram_id for r in b] == [r.telegram_id for r in a[2:]] + [1005]
    assert not tmp_store.call(delivery_claims.attempt, a[2].delivery_id, "A")  # B's now
    after = statuses(tmp_store, broadcast_id)
    assert after[a[1].telegram_id] == "unknown"
    attempt_all(tmp_store, b, holder="B")
    tmp_store.call(broadcasts.settle, broadcast_id, [(r, "delivered") for r in b])
    report = tmp_store.call(broadcasts.finish, broadcast_id)
    assert report.finished and (report.delivered, report.unknown) == (5, 1)
    check_counters(tmp_store, broadcast_id)


def test_a_restart_leaves_other_instances_claims_alone(tmp_store: Store) -> None:
    add_people(tmp_store, 4)
    broadcast_id = new_broadcast(tmp_store)
    tmp_store.call(broadcasts.start, broadcast_id)
    theirs = attempt_all(tmp_store, claim(tmp_store, broadcast_id, 2, holder="B"), holder="B")
    tmp_store.call(broadcasts.recover, "A")  # A restarts while B is sending
    after = statuses(tmp_store, broadcast_id)
    assert {after[r.telegram_id] for r in theirs} == {"attempted"}
    tmp_store.call(broadcasts.settle, broadcast_id, [(r, "delivered") for r in theirs])
    assert check_counters(tmp_store, broadcast_id).delivered == 2


def test_instances_claiming_at_the_same_moment_both_get_people(database_url: str) -> None:
    """On PostgreSQL the second claimer used to queue on the first one's rows, find them taken
    and come back empty with people still pending (its sender then stopped)."""
    with several_stores(database_url, 2) as stores:
        add_people(stores[0], 100)
        broadcast_id = new_broadcast(stores[0])
        stores[0].call(broadcasts.start, broadcast_id)
        start = threading.Barrier(2)
        got: dict[int, list[Recipient]] = {}

        def take(i: int) -> None:
            start.wait()
            got[i] = claim(stores[i], broadcast_id, 10, holder=f"instance-{i}")

        for _ in range(5):
            threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [len(got[0]), len(got[1])] == [10, 10]
            assert not {r.delivery_id for r in got[0]} & {r.delivery_id for r in got[1]}


def test_a_draft_redirected_to_another_campaign_replaces_it_once(tmp_store: Store) -> None:
    """The organizer's "to another campaign instead": a new draft with that campaign's count,
    the old one cancelled, so its Send sends nothing; a started broadcast is never redirected."""
    add_people(tmp_store, 3)
    add_people(tmp_store, 2, start=2000, campaign=OTHER)
    draft_id = new_broadcast(tmp_store, "Rally on Sunday")
    moved = tmp_store.call(broadcasts.redirect, draft_id, OTHER, ORGANIZER)
    assert moved is not None and (moved.text, moved.recipients) == ("Rally on Sunday", 2)
    assert tmp_store.call(broadcast_queries.progress, draft_id).status == "cancelled"
    assert not tmp_store.call(broadcast_queries.start_sending, draft_id)  # the old Send
    assert tmp_store.call(broadcasts.redirect, draft_id, CAMPAIGN, ORGANIZER) is None  # again

    tmp_store.call(broadcasts.start, moved.broadcast_id)
    assert tmp_store.call(broadcasts.redirect, moved.broadcast_id, CAMPAIGN, ORGANIZER) is None
    assert tmp_store.call(broadcast_queries.progress, moved.broadcast_id).status == "sending"
    assert tmp_store.call(broadcasts.redirect, 999_999, CAMPAIGN, ORGANIZER) is None  # unknown
