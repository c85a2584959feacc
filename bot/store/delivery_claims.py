"""Queries on a broadcast's deliveries, one per recipient: the claims that let any instance work
on a running broadcast without anyone getting the message twice.

A delivery moves pending -> claimed (by one instance, under a lease) -> attempted (committed
just before its send) -> delivered, blocked, failed or unknown; skipped means the supporter
opted out or blocked the bot before their turn. When an instance dies, the claims it had not yet
attempted go to another once their lease expires, and its attempts become unknown. Every status
change that ends a delivery bumps the matching Broadcast counter in the same transaction, so
counters always match the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, update
from sqlalchemy.sql import Update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.store.broadcast_queries import (
    IN_FLIGHT,
    BroadcastStatus,
    DeliveryStatus,
    broadcast_campaign,
    reachable,
)
from bot.store.models import Broadcast, BroadcastDelivery, Supporter, utcnow
from bot.store.repo import BULK, Repo

# How long an instance's claim on recipients lasts. An instance that dies loses its untried
# claims to the others after this; each attempt renews it for its own send.
CLAIM_LEASE = timedelta(seconds=15)

# Which Broadcast counter an outcome adds to (unknown counts as failed: the organizer cannot
# know it arrived). Skipped people were never due, so no counter.
_COUNTER = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.BLOCKED: "blocked",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.UNKNOWN: "failed",
}


@dataclass(frozen=True)
class Recipient:
    """One claimed delivery: enough to send it and to record the outcome."""

    delivery_id: int
    supporter_id: int
    telegram_id: int


def claim(
    repo: Repo, broadcast_id: int, limit: int, holder: str, lease: timedelta = CLAIM_LEASE
) -> list[Recipient]:
    """Claim up to `limit` deliveries for `holder` until `lease` from now; return who they are.
    Commit this before sending to any of them.

    Pending rows, and rows another instance claimed but let expire unattempted, can be taken.
    UPDATE ... RETURNING takes only rows still takeable, so two claimers never get the same
    row. Attempts whose lease expired (their instance died mid-send) become unknown first.
    Supporters who opted out of the broadcast's campaign or blocked the bot since the start are
    skipped here.
    """
    if limit <= 0:
        return []
    now = utcnow()
    # The first statement writes, so on SQLite the transaction takes the write lock up front
    # (waiting out the busy timeout) instead of failing to upgrade a read snapshot.
    _expire_attempts(repo, broadcast_id)
    takeable = _takeable(now)
    claimed = repo.session.execute(
        update(BroadcastDelivery)
        .where(col(BroadcastDelivery.id).in_(_next_ids(broadcast_id, limit, takeable)), takeable)
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=holder,
            lease_until=now + lease,
            updated_at=now,
        )
        .returning(col(BroadcastDelivery.id), col(BroadcastDelivery.supporter_id)),
        execution_options=BULK,
    ).all()
    if not claimed:
        return []
    return _skip_the_unreachable(repo, broadcast_id, sorted((d, s) for d, s in claimed))


def _takeable(now: datetime) -> ColumnElement[bool]:
    """Pending rows, and rows another instance claimed but let expire unattempted."""
    return or_(
        col(BroadcastDelivery.status) == DeliveryStatus.PENDING,
        and_(
            col(BroadcastDelivery.status) == DeliveryStatus.CLAIMED,
            col(BroadcastDelivery.lease_until) < now,
        ),
    )


def _next_ids(
    broadcast_id: int, limit: int, takeable: ColumnElement[bool]
) -> SelectOfScalar[int | None]:
    """The ids of the next `limit` takeable deliveries of a broadcast still sending."""
    running = exists().where(
        col(Broadcast.id) == broadcast_id, col(Broadcast.status) == BroadcastStatus.SENDING
    )
    return (
        select(col(BroadcastDelivery.id))
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id, takeable, running)
        .order_by(col(BroadcastDelivery.id))
        .limit(limit)
        # PostgreSQL: instances claiming at the same moment take different rows instead of
        # queueing on the same ones and finding them gone (an empty claim with people left).
        # SQLite has one writer at a time and no row locks; the clause is left out there.
        .with_for_update(skip_locked=True)
    )


def _skip_the_unreachable(
    repo: Repo, broadcast_id: int, claimed: list[tuple[int, int]]
) -> list[Recipient]:
    """The claimed (delivery id, supporter id) pairs still reachable by the broadcast's
    campaign (the rule its start used), as recipients; the others' deliveries are settled as
    skipped."""
    campaign_id = broadcast_campaign(repo, broadcast_id)
    telegram_ids = (
        {}
        if campaign_id is None
        else dict(
            repo.session.exec(
                select(col(Supporter.id), col(Supporter.telegram_id)).where(
                    col(Supporter.id).in_([supporter_id for _, supporter_id in claimed]),
                    reachable(campaign_id),
                )
            ).all()
        )
    )
    recipients = [
        Recipient(delivery_id, supporter_id, int(telegram_ids[supporter_id]))
        for delivery_id, supporter_id in claimed
        if supporter_id in telegram_ids
    ]
    skipped = [
        delivery_id for delivery_id, supporter_id in claimed if supporter_id not in telegram_ids
    ]
    if skipped:
        _settle(
            repo, broadcast_id, DeliveryStatus.SKIPPED, skipped, from_status=DeliveryStatus.CLAIMED
        )
    return recipients


def attempt(repo: Repo, delivery_id: int, holder: str, lease: timedelta = CLAIM_LEASE) -> bool:
    """Mark a claim attempted, just before its send; False if it is no longer `holder`'s (its
    lease expired and another instance took it), and then it must not be sent."""
    return _change_claim(
        repo, delivery_id, holder, DeliveryStatus.CLAIMED, DeliveryStatus.ATTEMPTED, lease
    )


def unattempt(repo: Repo, delivery_id: int, holder: str, lease: timedelta = CLAIM_LEASE) -> None:
    """Attempted -> claimed again, for a send that had to wait after all (never made)."""
    _change_claim(
        repo, delivery_id, holder, DeliveryStatus.ATTEMPTED, DeliveryStatus.CLAIMED, lease
    )


def _change_claim(
    repo: Repo,
    delivery_id: int,
    holder: str,
    from_status: DeliveryStatus,
    to_status: DeliveryStatus,
    lease: timedelta,
) -> bool:
    """Move `holder`'s claim from one in-flight status to the other, renewing its lease."""
    moved = repo.bulk(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.id) == delivery_id,
            col(BroadcastDelivery.status) == from_status,
            col(BroadcastDelivery.claimed_by) == holder,
        )
        .values(status=to_status, lease_until=utcnow() + lease, updated_at=utcnow()),
    )
    return moved == 1


def _expire_attempts(repo: Repo, broadcast_id: int) -> int:
    """Attempts whose instance died before recording them: unknown, never sent again."""
    rows = update(BroadcastDelivery).where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status) == DeliveryStatus.ATTEMPTED,
        or_(
            col(BroadcastDelivery.lease_until) < utcnow(),
            col(BroadcastDelivery.lease_until).is_(None),  # claimed by an older version
        ),
    )
    return _settle_rows(repo, broadcast_id, DeliveryStatus.UNKNOWN, rows)


def record(
    repo: Repo, broadcast_id: int, outcomes: Iterable[tuple[Recipient, DeliveryStatus]]
) -> None:
    """Settle attempted deliveries (delivered, blocked, failed or unknown), bump the counters.

    Only rows still attempted change, so recording the same outcome twice counts once. A blocked
    outcome also flags the supporter, so later broadcasts skip them.
    """
    by_status: dict[DeliveryStatus, list[int]] = {}
    blocked_people: list[int] = []
    for recipient, status in outcomes:
        if status not in _COUNTER:
            raise ValueError(f"not a delivery outcome: {status!r}")
        by_status.setdefault(DeliveryStatus(status), []).append(recipient.delivery_id)
        if status == DeliveryStatus.BLOCKED:
            blocked_people.append(recipient.supporter_id)
    for status, delivery_ids in by_status.items():
        _settle(repo, broadcast_id, status, delivery_ids, from_status=DeliveryStatus.ATTEMPTED)
    if blocked_people:
        repo.bulk(
            update(Supporter)
            .where(col(Supporter.id).in_(blocked_people))
            .values(blocked=True, updated_at=utcnow()),
        )


def release(repo: Repo, broadcast_id: int, delivery_ids: Sequence[int], holder: str) -> int:
    """Hand `holder`'s claims back to pending: only for sends known never to have been made
    (untried, or refused by flood control)."""
    if not delivery_ids:
        return 0
    return repo.bulk(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.id).in_(delivery_ids),
            col(BroadcastDelivery.status).in_(IN_FLIGHT),
            col(BroadcastDelivery.claimed_by) == holder,
        )
        .values(status=DeliveryStatus.PENDING, updated_at=utcnow()),
    )


def settle_interrupted(repo: Repo, broadcast_id: int, holder: str) -> int:
    """At `holder`'s start-up: its own claims from before a crash go back to pending, and its
    attempts become "unknown" (counted as failed), never a retry: they may have reached
    Telegram. Other instances' claims are theirs until their lease expires."""
    mine = [
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.claimed_by) == holder,
    ]
    repo.bulk(
        update(BroadcastDelivery)
        .where(*mine, col(BroadcastDelivery.status) == DeliveryStatus.CLAIMED)
        .values(status=DeliveryStatus.PENDING, updated_at=utcnow()),
    )
    rows = update(BroadcastDelivery).where(
        *mine, col(BroadcastDelivery.status) == DeliveryStatus.ATTEMPTED
    )
    unknown = _settle_rows(repo, broadcast_id, DeliveryStatus.UNKNOWN, rows)
    return unknown + _expire_attempts(repo, broadcast_id)


def _settle(
    repo: Repo,
    broadcast_id: int,
    status: DeliveryStatus,
    delivery_ids: Sequence[int],
    *,
    from_status: DeliveryStatus,
) -> int:
    """Move the deliveries of `delivery_ids` still in `from_status` to `status`, and add the
    rows that moved to the matching counter."""
    rows = update(BroadcastDelivery).where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status) == from_status,
        col(BroadcastDelivery.id).in_(delivery_ids),
    )
    return _settle_rows(repo, broadcast_id, status, rows)


def _settle_rows(repo: Repo, broadcast_id: int, status: DeliveryStatus, rows: Update) -> int:
    """Move the rows `rows` selects to `status`, adding how many moved to its counter."""
    moved = repo.bulk(rows.values(status=status, updated_at=utcnow()))
    counter = _COUNTER.get(status)
    if moved and counter is not None:
        column = getattr(Broadcast, counter)
        repo.bulk(
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id)
            .values({counter: column + moved}),
        )
    return moved
