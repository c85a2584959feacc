"""The store: SQLite settings, constraints that make retries harmless, forgetting a supporter."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from bot.store import Conversation, DraftRow, Letter, Repo, Store, Supporter


def add_supporter(store: Store, telegram_id: int = 1001, name: str = "Ani") -> int:
    with store.transaction() as repo:
        supporter, created = repo.add_supporter(
            Supporter(telegram_id=telegram_id, display_name=name)
        )
        assert created
        repo.session.flush()
        assert supporter.id is not None
        return supporter.id


CAMPAIGN = "lachin-2023"


def add_draft(store: Store, supporter_id: int) -> int:
    with store.transaction() as repo:
        draft = repo.open_draft(supporter_id, CAMPAIGN, {"step": 1})
        assert draft.id is not None
        return draft.id


def new_letter(supporter_id: int | None, draft_id: int | None, target: str, body: str) -> Letter:
    return Letter(
        campaign_id=CAMPAIGN,
        supporter_id=supporter_id,
        draft_id=draft_id,
        target_id=target,
        demands="sanctions,aid",
        variant="letters/standard/a-direct.txt.j2",
        body=body,
    )


def add_letter(store: Store, supporter_id: int, draft_id: int, target: str = "president") -> int:
    with store.transaction() as repo:
        letter = repo.add_letter(new_letter(supporter_id, draft_id, target, f"Dear {target}"))
        assert letter.id is not None
        return letter.id


def count(store: Store, model: type) -> int:
    with store.transaction() as repo:
        return repo.session.exec(select(func.count()).select_from(model)).one()


# Engine


@pytest.mark.sqlite_only
def test_sqlite_file_is_in_wal_mode_with_a_busy_timeout(tmp_store: Store) -> None:
    with tmp_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_transaction_rolls_back_on_error(tmp_store: Store) -> None:
    add_supporter(tmp_store, 1)
    with pytest.raises(RuntimeError), tmp_store.transaction() as repo:
        supporter = repo.supporter(1)
        supporter.display_name = "Changed"
        repo.touch(supporter)
        repo.session.add(Supporter(telegram_id=2))
        repo.session.flush()
        raise RuntimeError("boom")
    assert count(tmp_store, Supporter) == 1
    assert tmp_store.call(lambda repo: repo.supporter(1).display_name) == "Ani"


def test_savepoint_as_first_write_rolls_back_on_error(tmp_store: Store) -> None:
    with pytest.raises(RuntimeError), tmp_store.transaction() as repo:
        repo.add_supporter(Supporter(telegram_id=5))
        raise RuntimeError("boom")
    assert count(tmp_store, Supporter) == 0


# Supporters


def test_add_supporter_for_an_existing_telegram_id(tmp_store: Store) -> None:
    first_id = add_supporter(tmp_store, 1001, "Ani")
    with tmp_store.transaction() as repo:
        again, created = repo.add_supporter(Supporter(telegram_id=1001, display_name="Other"))
        assert created is False
        assert again.id == first_id
        assert again.display_name == "Ani"
        # The failed insert did not spoil the transaction: it can still write.
        _, created_other = repo.add_supporter(Supporter(telegram_id=1002))
        assert created_other
    assert count(tmp_store, Supporter) == 2


def test_add_supporter_twice_in_one_transaction(tmp_store: Store) -> None:
    with tmp_store.transaction() as repo:
        first, created = repo.add_supporter(Supporter(telegram_id=7))
        second, created_again = repo.add_supporter(Supporter(telegram_id=7))
        assert (created, created_again) == (True, False)
        assert second.id == first.id
    assert count(tmp_store, Supporter) == 1


def test_supporter_lookup(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store, 2**40)  # Telegram ids exceed 32 bits
    with tmp_store.transaction() as repo:
        found = repo.supporter(2**40)
        assert found is not None
        assert found.id == supporter_id
        assert repo.supporter(404) is None


# Drafts


def test_one_active_draft_per_supporter(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    first = add_draft(tmp_store, supporter_id)
    second = add_draft(tmp_store, supporter_id)
    with tmp_store.transaction() as repo:
        active = repo.active_draft(supporter_id)
        assert active is not None
        assert active.id == second
        assert repo.draft(first).status == "cancelled"
        assert repo.draft(second).status == "active"


def test_partial_unique_index_rejects_a_second_active_draft(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    add_draft(tmp_store, supporter_id)
    with pytest.raises(IntegrityError), tmp_store.transaction() as repo:
        repo.session.add(DraftRow(supporter_id=supporter_id, campaign_id="lachin-2023"))
        repo.session.flush()
    assert count(tmp_store, DraftRow) == 1


def test_closed_drafts_are_not_limited(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    with tmp_store.transaction() as repo:
        for status in ("done", "done", "cancelled"):
            repo.session.add(DraftRow(supporter_id=supporter_id, campaign_id="c", status=status))
        repo.session.add(DraftRow(supporter_id=supporter_id, campaign_id="c"))
    assert count(tmp_store, DraftRow) == 4


def test_advance_draft_is_optimistic(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    draft_id = add_draft(tmp_store, supporter_id)
    with tmp_store.transaction() as repo:
        assert repo.advance_draft(draft_id, 0, {"step": 2}) is True
        # A second update that read the same revision (a double tap, another instance) loses.
        assert repo.advance_draft(draft_id, 0, {"step": 99}) is False
        assert repo.advance_draft(draft_id, 1, {"step": 3}, "done") is True
    with tmp_store.transaction() as repo:
        draft = repo.draft(draft_id)
        assert (draft.state, draft.revision, draft.status) == ({"step": 3}, 2, "done")
        assert repo.active_draft(supporter_id) is None
        assert repo.advance_draft(draft_id, 5, {"step": 4}) is False
        assert repo.draft(draft_id).revision == 2


def test_close_drafts(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    with tmp_store.transaction() as repo:
        assert repo.close_drafts(supporter_id, "cancelled") == 0
    draft_id = add_draft(tmp_store, supporter_id)
    with tmp_store.transaction() as repo:
        assert repo.close_drafts(supporter_id, "cancelled") == 1
        assert repo.active_draft(supporter_id) is None
        assert repo.draft(draft_id).status == "cancelled"


def test_conversation_in_one_query(tmp_store: Store) -> None:
    with tmp_store.transaction() as repo:
        assert repo.conversation(1001) is None
    supporter_id = add_supporter(tmp_store, 1001)
    with tmp_store.transaction() as repo:
        assert repo.conversation(1001) == Conversation(supporter_id, None, None, None, 0, {})
    add_draft(tmp_store, supporter_id)  # cancelled by the next one
    draft_id = add_draft(tmp_store, supporter_id)
    with tmp_store.transaction() as repo:
        assert repo.advance_draft(draft_id, 0, {"step": 2})
        supporter = repo.supporter_by_id(supporter_id)
        supporter.editing_letter_id = 42
        repo.touch(supporter)
    with tmp_store.transaction() as repo:
        expected = Conversation(
            supporter_id, 42, None, draft_id, 1, {"step": 2}, draft_campaign_id=CAMPAIGN
        )
        assert repo.conversation(1001) == expected
        assert repo.conversation_of(supporter_id) == expected
        assert repo.conversation_of(999) is None
        repo.close_drafts(supporter_id, "done")
        assert repo.conversation(1001) == Conversation(supporter_id, 42, None, None, 0, {})


# Letters


def test_add_letter_twice_returns_the_same_row(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    draft_id = add_draft(tmp_store, supporter_id)
    first = add_letter(tmp_store, supporter_id, draft_id, "president")
    with tmp_store.transaction() as repo:
        retry = repo.add_letter(new_letter(supporter_id, draft_id, "president", "Other text"))
        assert retry.id == first
        assert retry.body == "Dear president"
        other = repo.add_letter(new_letter(supporter_id, draft_id, "secstate", "Dear secstate"))
        assert other.id != first
        assert [row.target_id for row in repo.letters_of_draft(draft_id)] == [
            "president",
            "secstate",
        ]
    assert count(tmp_store, Letter) == 2


def test_mark_sent_counts_once(tmp_store: Store) -> None:
    supporter_id = add_supporter(tmp_store)
    letter_id = add_letter(tmp_store, supporter_id, add_draft(tmp_store, supporter_id))
    with tmp_store.transaction() as repo:
        assert repo.mark_sent(supporter_id, letter_id) is True
    with tmp_store.transaction() as repo:
        sent_at = repo.letter(supporter_id, letter_id).sent_at
        assert sent_at is not None
    with tmp_store.transaction() as repo:
        assert repo.mark_sent(supporter_id, letter_id) is False
    with tmp_store.transaction() as repo:
        letter = repo.letter(supporter_id, letter_id)
        assert letter.sent_at == sent_at
        assert letter.outcome == "sent"
        assert repo.letter_counts(supporter_id, CAMPAIGN) == (1, 1)
        assert repo.letter_counts(supporter_id, "another-campaign") == (0, 0)
        assert repo.campaign_sent(CAMPAIGN) == 1


def test_letters_belong_to_their_supporter(tmp_store: Store) -> None:
    owner = add_supporter(tmp_store, 1)
    stranger = add_supporter(tmp_store, 2)
    letter_id = add_letter(tmp_store, owner, add_draft(tmp_store, owner))
    with tmp_store.transaction() as repo:
        assert repo.letter(stranger, letter_id) is None
        assert repo.letter(owner, 999) is None
        assert repo.mark_sent(stranger, letter_id) is False
        assert repo.letter(owner, letter_id).sent_at is None
        assert repo.letter_counts(stranger, CAMPAIGN) == (0, 0)


# Forgetting


def test_forget_supporter(tmp_store: Store) -> None:
    gone = add_supporter(tmp_store, 1, "Ani")
    kept = add_supporter(tmp_store, 2, "Ara")
    gone_draft = add_draft(tmp_store, gone)
    sent_id = add_letter(tmp_store, gone, gone_draft, "president")
    add_letter(tmp_store, gone, gone_draft, "secstate")
    add_draft(tmp_store, gone)  # an unfinished one too
    kept_letter = add_letter(tmp_store, kept, add_draft(tmp_store, kept))
    with tmp_store.transaction() as repo:
        repo.mark_sent(gone, sent_id)

    with tmp_store.transaction() as repo:
        repo.forget_supporter(repo.supporter(1))

    with tmp_store.transaction() as repo:
        assert repo.supporter(1) is None
        assert repo.supporter(2) is not None
        drafts = repo.session.exec(select(DraftRow)).all()
        assert [d.supporter_id for d in drafts] == [kept]
        letters = repo.session.exec(select(Letter).order_by(Letter.id)).all()
        assert len(letters) == 3  # counts survive
        anonymous = [row for row in letters if row.id != kept_letter]
        assert all(row.body == "" for row in anonymous)
        assert all(row.supporter_id is None and row.draft_id is None for row in anonymous)
        assert {row.target_id for row in anonymous} == {"president", "secstate"}
        assert sum(row.sent_at is not None for row in anonymous) == 1
        assert repo.session.get(Letter, kept_letter).body == "Dear president"
        assert repo.letter_counts(kept, CAMPAIGN) == (1, 0)


# Running off the event loop


async def test_store_run_uses_a_worker_thread(tmp_store: Store) -> None:
    loop_thread = threading.get_ident()

    def work(repo: Repo, telegram_id: int) -> tuple[int, bool]:
        _, created = repo.add_supporter(Supporter(telegram_id=telegram_id))
        return threading.get_ident(), created

    results = await asyncio.gather(*(tmp_store.run(work, i) for i in range(5)))
    assert all(created for _, created in results)
    assert all(thread != loop_thread for thread, _ in results)
    assert await tmp_store.run(lambda repo: repo.supporter(3) is not None)
    assert count(tmp_store, Supporter) == 5


def test_second_store_on_the_same_database_sees_committed_data(database_url: str) -> None:
    url = database_url
    one, two = Store.from_url(url), Store.from_url(url)
    try:
        add_supporter(one, 77)
        assert two.call(lambda repo: repo.supporter(77) is not None)
    finally:
        one.close()
        two.close()


def test_database_errors_never_carry_the_values_bound_to_them(tmp_store: Store) -> None:
    """Errors get logged; their bound parameters are supporters' names, places and drafts."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from bot.logsetup import RedactingFilter
    from bot.store.models import DraftRow

    secret = "Ani Hakobyan, 12 Secret Street"
    with pytest.raises(IntegrityError) as info, tmp_store.transaction() as repo:
        repo.session.execute(  # no supporter: a NOT NULL violation
            insert(DraftRow).values(supporter_id=None, campaign_id="c", state={"name": secret})
        )
    assert "parameters hidden" in str(info.value)
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "update failed", None, None)
    record.exc_info = (type(info.value), info.value, info.value.__traceback__)
    RedactingFilter().filter(record)  # PostgreSQL quotes the failing row in its DETAIL line
    assert secret not in record.getMessage() + (record.exc_text or "")
    assert "IntegrityError" in (record.exc_text or "")
