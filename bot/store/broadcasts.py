"""Broadcast queries: the recipient list, claims and outcomes. No SQL outside the store.

Each function takes a `Repo` first, so `Store.run(fn, ...)` runs it in one transaction. A
delivery row moves pending -> claimed (by one instance, under a lease) -> attempted (committed
just before its send) -> delivered, blocked, failed or unknown (an attempt whose send may or may
not have reached Telegram); skipped means the supporter opted out or blocked the bot before
their turn. Any instance works on a running broadcast: when an instance dies, the claims it had
not yet attempted go to another once their lease expires, and its attempts become unknown, so
nobody gets the message twice. Every status change that ends a delivery bumps the matching
Broadcast counter in the same statement batch, so counters always match the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import DateTime, and_, exists, false, func, insert, literal, or_, true, update
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from bot.store.models import Broadcast, BroadcastDelivery, Supporter, utcnow
from bot.store.repo import Repo

# Broadcast.status
DRAFT = "draft"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"
UNFINISHED = (SENDING,)

# BroadcastDelivery.status
PENDING = "pending"
CLAIMED = "claimed"
ATTEMPTED = "attempted"
IN_FLIGHT = (CLAIMED, ATTEMPTED)
DELIVERED = "delivered"
BLOCKED = "blocked"
FAILED = "failed"
UNKNOWN = "unknown"
SKIPPED = "skipped"
FINAL = (DELIVERED, BLOCKED, FAILED, UNKNOWN, SKIPPED)

# Which Broadcast counter a final delivery status adds to (unknown counts as failed: the
# organizer cannot know it arrived). Skipped people were never due, so no counter.
_COUNTER = {DELIVERED: "delivered", BLOCKED: "blocked", FAILED: "failed", UNKNOWN: "failed"}


@dataclass(frozen=True)
class Recipient:
    """One claimed delivery: enough to send it and to record the outcome."""

    delivery_id: int
    supporter_id: int
    telegram_id: int


@dataclass(frozen=True)
class Progress:
    """A broadcast's state at one moment: what the organizer's progress message shows."""

    broadcast_id: int
    status: str
    recipients: int
    delivered: int
    blocked: int
    failed: int
    unknown: int  # part of `failed`: interrupted mid-send, may or may not have arrived
    skipped: int  # opted out or blocked before their turn; not sent
    pending: int
    in_flight: int

    @property
    def processed(self) -> int:
        """Deliveries settled so far (sent, refused, failed or skipped)."""
        return self.delivered + self.blocked + self.failed + self.skipped

    @property
    def finished(self) -> bool:
        return self.status in (DONE, CANCELLED)


def _recipients_filter() -> list[ColumnElement[bool]]:
    """Who a broadcast goes to. Supporters are not per-campaign yet, so: everyone who opted in
    and has not blocked the bot. One place, so preview and start never disagree."""
    return [col(Supporter.opted_in) == true(), col(Supporter.blocked) == false()]


def count_recipients(repo: Repo) -> int:
    """How many people a broadcast started now would reach (for the preview)."""
    query = sa_select(func.count()).select_from(Supporter).where(*_recipients_filter())
    return int(repo.session.execute(query).scalar_one())


def add_broadcast(repo: Repo, campaign_id: str, text: str, created_by: int) -> Broadcast:
    """A draft broadcast; nothing is sent until it is started."""
    row = Broadcast(campaign_id=campaign_id, text=text, created_by=created_by, status=DRAFT)
    repo.session.add(row)
    repo.session.flush()  # write first: SQLite then holds the write lock for the whole unit
    row.recipients = count_recipients(repo)
    repo.session.flush()
    return row


def broadcast(repo: Repo, broadcast_id: int) -> Broadcast | None:
    return repo.session.get(Broadcast, broadcast_id)


def set_report_message(repo: Repo, broadcast_id: int, chat_id: int, message_id: int) -> None:
    """Remember the organizer's progress message, so a resumed broadcast can keep editing it."""
    repo.session.connection().execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(report_chat_id=chat_id, report_message_id=message_id)
    )


def start(repo: Repo, broadcast_id: int) -> bool:
    """draft -> sending, and one pending delivery per recipient, inserted in one statement.

    The conditional update lets exactly one caller win (a double confirm, two instances); the
    loser inserts nothing. NOT EXISTS plus the unique constraint keep the list duplicate-free
    even so. True when this call started the broadcast.
    """
    now = utcnow()
    won = repo.session.connection().execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == DRAFT)
        .values(status=SENDING, started_at=now)
    )
    if not _rowcount(won):
        return False
    already = exists().where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.supporter_id) == col(Supporter.id),
    )
    recipients = (
        sa_select(
            literal(broadcast_id),
            col(Supporter.id),
            literal(PENDING),
            literal(now, DateTime(timezone=True)),
        )
        .where(*_recipients_filter(), ~already)
        .order_by(col(Supporter.id))
    )
    repo.session.connection().execute(
        insert(BroadcastDelivery).from_select(
            ["broadcast_id", "supporter_id", "status", "updated_at"], recipients
        )
    )
    total = repo.session.execute(
        sa_select(func.count())
        .select_from(BroadcastDelivery)
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
    ).scalar_one()
    repo.session.connection().execute(
        update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(recipients=int(total))
    )
    return True


def claim(
    repo: Repo, broadcast_id: int, limit: int, holder: str, lease: timedelta
) -> list[Recipient]:
    """Claim up to `limit` deliveries for `holder` until `lease` from now; return who they are.

    Pending rows, and rows another instance claimed but let expire unattempted, can be taken.
    UPDATE ... RETURNING takes only rows still takeable, so two claimers never get the same
    row. Attempts whose lease expired (their instance died mid-send) become unknown first.
    Supporters who opted out or blocked the bot since the start are skipped here.
    """
    if limit <= 0:
        return []
    now = utcnow()
    _expire_attempts(repo, broadcast_id)
    takeable = or_(
        col(BroadcastDelivery.status) == PENDING,
        and_(col(BroadcastDelivery.status) == CLAIMED, col(BroadcastDelivery.lease_until) < now),
    )
    # The first statement writes, so on SQLite the transaction takes the write lock up front
    # (waiting out the busy timeout) instead of failing to upgrade a read snapshot.
    running = exists().where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == SENDING)
    next_ids = (
        sa_select(col(BroadcastDelivery.id))
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id, takeable, running)
        .order_by(col(BroadcastDelivery.id))
        .limit(limit)
        # PostgreSQL: instances claiming at the same moment take different rows instead of
        # queueing on the same ones and finding them gone (an empty claim with people left).
        # SQLite has one writer at a time and no row locks; the clause is left out there.
        .with_for_update(skip_locked=True)
    )
    claimed = (
        repo.session.connection()
        .execute(
            update(BroadcastDelivery)
            .where(col(BroadcastDelivery.id).in_(next_ids), takeable)
            .values(status=CLAIMED, claimed_by=holder, lease_until=now + lease, updated_at=now)
            .returning(col(BroadcastDelivery.id), col(BroadcastDelivery.supporter_id))
        )
        .all()
    )
    if not claimed:
        return []
    people = {
        row[0]: row
        for row in repo.session.execute(
            sa_select(
                col(Supporter.id),
                col(Supporter.telegram_id),
                col(Supporter.opted_in),
                col(Supporter.blocked),
            ).where(col(Supporter.id).in_([_id(row[1]) for row in claimed]))
        ).all()
    }
    recipients: list[Recipient] = []
    skipped: list[int] = []
    for row in sorted(claimed, key=lambda r: _id(r[0])):
        delivery_id, supporter_id = _id(row[0]), _id(row[1])
        person = people.get(supporter_id)
        if person is None or not person[2] or person[3]:
            skipped.append(delivery_id)
        else:
            recipients.append(Recipient(delivery_id, supporter_id, int(person[1])))
    if skipped:
        _settle(repo, broadcast_id, SKIPPED, skipped, from_status=CLAIMED)
    return recipients


def attempt(repo: Repo, delivery_id: int, holder: str, lease: timedelta) -> bool:
    """Mark a claim attempted, just before its send; False if it is no longer `holder`'s (its
    lease expired and another instance took it), and then it must not be sent."""
    result = repo.session.connection().execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id,
            col(BroadcastDelivery.status) == CLAIMED,
            col(BroadcastDelivery.claimed_by) == holder,
        )
        .values(status=ATTEMPTED, lease_until=utcnow() + lease, updated_at=utcnow())
    )
    return _rowcount(result) == 1


def unattempt(repo: Repo, delivery_id: int, holder: str, lease: timedelta) -> None:
    """Attempted -> claimed again, for a send that had to wait after all (never made)."""
    repo.session.connection().execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id,
            col(BroadcastDelivery.status) == ATTEMPTED,
            col(BroadcastDelivery.claimed_by) == holder,
        )
        .values(status=CLAIMED, lease_until=utcnow() + lease, updated_at=utcnow())
    )


def _expire_attempts(repo: Repo, broadcast_id: int) -> int:
    """Attempts whose instance died before recording them: unknown, never sent again."""
    rows = update(BroadcastDelivery).where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status) == ATTEMPTED,
        or_(
            col(BroadcastDelivery.lease_until) < utcnow(),
            col(BroadcastDelivery.lease_until).is_(None),  # claimed by an older version
        ),
    )
    return _settle_rows(repo, broadcast_id, UNKNOWN, rows)


def record(repo: Repo, broadcast_id: int, outcomes: Iterable[tuple[Recipient, str]]) -> None:
    """Settle claimed deliveries (delivered, blocked, failed or unknown) and bump the counters.

    Only rows still "sending" change, so recording the same outcome twice counts once. A blocked
    outcome also flags the supporter, so later broadcasts skip them.
    """
    by_status: dict[str, list[int]] = {}
    blocked_people: list[int] = []
    for recipient, status in outcomes:
        if status not in _COUNTER:
            raise ValueError(f"not a delivery outcome: {status!r}")
        by_status.setdefault(status, []).append(recipient.delivery_id)
        if status == BLOCKED:
            blocked_people.append(recipient.supporter_id)
    for status, delivery_ids in by_status.items():
        _settle(repo, broadcast_id, status, delivery_ids, from_status=ATTEMPTED)
    if blocked_people:
        repo.session.connection().execute(
            update(Supporter)
            .where(col(Supporter.id).in_(blocked_people))
            .values(blocked=True, updated_at=utcnow())
        )


def release(repo: Repo, broadcast_id: int, delivery_ids: Sequence[int], holder: str) -> int:
    """Hand `holder`'s claims back to pending: only for sends known never to have been made
    (untried, or refused by flood control)."""
    if not delivery_ids:
        return 0
    result = repo.session.connection().execute(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.id).in_(delivery_ids),
            col(BroadcastDelivery.status).in_(IN_FLIGHT),
            col(BroadcastDelivery.claimed_by) == holder,
        )
        .values(status=PENDING, updated_at=utcnow())
    )
    return _rowcount(result)


def settle_interrupted(repo: Repo, broadcast_id: int, holder: str) -> int:
    """At `holder`'s start-up: its own claims from before a crash go back to pending, and its
    attempts become "unknown" (counted as failed), never a retry: they may have reached
    Telegram. Other instances' claims are theirs until their lease expires."""
    mine = [
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.claimed_by) == holder,
    ]
    repo.session.connection().execute(
        update(BroadcastDelivery)
        .where(*mine, col(BroadcastDelivery.status) == CLAIMED)
        .values(status=PENDING, updated_at=utcnow())
    )
    rows = update(BroadcastDelivery).where(*mine, col(BroadcastDelivery.status) == ATTEMPTED)
    return _settle_rows(repo, broadcast_id, UNKNOWN, rows) + _expire_attempts(repo, broadcast_id)


def finish_if_complete(repo: Repo, broadcast_id: int) -> bool:
    """sending -> done once no delivery is pending or in flight. True when it is done now."""
    open_rows = exists().where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status).in_((PENDING, *IN_FLIGHT)),
    )
    repo.session.connection().execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == SENDING, ~open_rows)
        .values(status=DONE, finished_at=utcnow())
    )
    status = repo.session.execute(
        sa_select(col(Broadcast.status)).where(col(Broadcast.id) == broadcast_id)
    ).scalar_one_or_none()
    return status == DONE


def cancel(repo: Repo, broadcast_id: int) -> bool:
    """Stop a draft or running broadcast: nothing more is claimed; pending people get nothing."""
    result = repo.session.connection().execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status).in_((DRAFT, SENDING)))
        .values(status=CANCELLED, finished_at=utcnow())
    )
    return bool(_rowcount(result))


def unfinished(repo: Repo) -> list[int]:
    """Broadcasts a restart must resume, oldest first."""
    return [
        int(broadcast_id)
        for broadcast_id in repo.session.execute(
            sa_select(col(Broadcast.id))
            .where(col(Broadcast.status).in_(UNFINISHED))
            .order_by(col(Broadcast.id))
        ).scalars()
    ]


def progress(repo: Repo, broadcast_id: int) -> Progress:
    """Counters from the broadcast row, the rest from one grouped count over its deliveries."""
    row = repo.session.execute(
        sa_select(
            col(Broadcast.status),
            col(Broadcast.recipients),
            col(Broadcast.delivered),
            col(Broadcast.blocked),
            col(Broadcast.failed),
        ).where(col(Broadcast.id) == broadcast_id)
    ).first()
    if row is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    counts: dict[str, int] = {
        str(status): int(n)
        for status, n in repo.session.execute(
            sa_select(col(BroadcastDelivery.status), func.count())
            .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
            .group_by(col(BroadcastDelivery.status))
        ).all()
    }
    return Progress(
        broadcast_id=broadcast_id,
        status=str(row[0]),
        recipients=int(row[1]),
        delivered=int(row[2]),
        blocked=int(row[3]),
        failed=int(row[4]),
        unknown=counts.get(UNKNOWN, 0),
        skipped=counts.get(SKIPPED, 0),
        pending=counts.get(PENDING, 0),
        in_flight=sum(counts.get(status, 0) for status in IN_FLIGHT),
    )


def delivery_statuses(repo: Repo, broadcast_id: int) -> dict[int, str]:
    """Telegram id -> delivery status; for tests and audits, not for the hot path."""
    rows = repo.session.execute(
        sa_select(col(Supporter.telegram_id), col(BroadcastDelivery.status))
        .join(Supporter, col(Supporter.id) == col(BroadcastDelivery.supporter_id))
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
    ).all()
    return {int(telegram_id): str(status) for telegram_id, status in rows}


def _settle(
    repo: Repo,
    broadcast_id: int,
    status: str,
    delivery_ids: Sequence[int] | None,
    *,
    from_status: str,
) -> int:
    """Move deliveries still in `from_status` (those of `delivery_ids`, or all when None) to
    `status`, and add the rows that moved to the matching counter."""
    if delivery_ids is not None and not delivery_ids:
        return 0
    rows = update(BroadcastDelivery).where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status) == from_status,
    )
    if delivery_ids is not None:
        rows = rows.where(col(BroadcastDelivery.id).in_(delivery_ids))
    return _settle_rows(repo, broadcast_id, status, rows)


def _settle_rows(repo: Repo, broadcast_id: int, status: str, rows: Update) -> int:
    """Move the rows `rows` selects to `status`, adding how many moved to its counter."""
    moved = _rowcount(
        repo.session.connection().execute(rows.values(status=status, updated_at=utcnow()))
    )
    counter = _COUNTER.get(status)
    if moved and counter is not None:
        column = getattr(Broadcast, counter)
        repo.session.connection().execute(
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id)
            .values({counter: column + moved})
        )
    return moved


def _id(value: int | None) -> int:
    if value is None:
        raise LookupError("row without an id")
    return value


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
