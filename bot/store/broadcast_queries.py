"""Queries on a broadcast as a whole: its draft, its start (the fixed recipient list), its end,
and the progress its organizer sees. No SQL outside the store.

Each function takes a `Repo` first, so `Store.run(fn, ...)` runs it in one transaction. A
broadcast is a draft, then sending, then done or cancelled (`BroadcastStatus`); each recipient
has one delivery row whose life is told in bot/store/delivery_claims.py (`DeliveryStatus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import DateTime, exists, false, func, insert, literal, true, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.store.models import Broadcast, BroadcastDelivery, Participation, Supporter, utcnow
from bot.store.repo import Repo


class BroadcastStatus(StrEnum):
    """Broadcast.status: where a broadcast is in its life."""

    DRAFT = "draft"  # the organizer has seen the preview; nothing is sent
    SENDING = "sending"  # the recipient list is fixed; instances claim and send
    DONE = "done"  # nobody is left
    CANCELLED = "cancelled"  # stopped by the organizer; people not reached get nothing


class DeliveryStatus(StrEnum):
    """BroadcastDelivery.status: what happened to one recipient of a broadcast."""

    PENDING = "pending"  # waiting to be claimed
    CLAIMED = "claimed"  # held by one instance under a lease, not sent yet
    ATTEMPTED = "attempted"  # committed just before its send
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # the supporter blocked the bot
    FAILED = "failed"
    UNKNOWN = "unknown"  # an attempt whose send may or may not have reached Telegram
    SKIPPED = "skipped"  # opted out or blocked the bot before their turn: never sent


IN_FLIGHT = (DeliveryStatus.CLAIMED, DeliveryStatus.ATTEMPTED)


@dataclass(frozen=True)
class Progress:
    """A broadcast's state at one moment: what the organizer's progress message shows."""

    broadcast_id: int
    status: BroadcastStatus
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
        return self.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED)


def reachable(campaign_id: str) -> ColumnElement[bool]:
    """Who a broadcast of `campaign_id` goes to: supporters who opted in to that campaign's
    updates (their Participation row in it) and have not blocked the bot. Updates are asked for
    per campaign, so opting in to one never subscribes anyone to another. The one statement of
    the rule: preview, start and every claim use it, so they never disagree.

    A correlated EXISTS on `Supporter` (correlated to it alone, so it also works in queries that
    join Participation themselves), so any query over supporters can filter with it."""
    return (
        exists()
        .where(
            col(Participation.supporter_id) == col(Supporter.id),
            col(Participation.campaign_id) == campaign_id,
            wants_updates(),
        )
        .correlate(Supporter)
    )


def wants_updates() -> ColumnElement[bool]:
    """`reachable`'s rule read off a Participation row already joined to its Supporter: for the
    stats and exports, which join the campaign's rows anyway and need no subquery per row."""
    return (col(Participation.opted_in) == true()) & (col(Supporter.blocked) == false())


def row_id(row: Broadcast) -> int:
    """A stored broadcast's id (set once the row is flushed)."""
    if row.id is None:
        raise LookupError("broadcast not flushed")
    return row.id


def count_recipients(repo: Repo, campaign_id: str) -> int:
    """How many people a broadcast of the campaign started now would reach (for the preview)."""
    return repo.session.exec(
        select(func.count()).select_from(Supporter).where(reachable(campaign_id))
    ).one()


def broadcast_campaign(repo: Repo, broadcast_id: int) -> str | None:
    """The campaign whose supporters a broadcast goes to; None for an unknown broadcast."""
    return repo.session.exec(
        select(col(Broadcast.campaign_id)).where(col(Broadcast.id) == broadcast_id)
    ).one_or_none()


def add_broadcast(repo: Repo, campaign_id: str, text: str, created_by: int) -> Broadcast:
    """A draft broadcast; nothing is sent until it is started."""
    row = Broadcast(
        campaign_id=campaign_id, text=text, created_by=created_by, status=BroadcastStatus.DRAFT
    )
    repo.session.add(row)
    repo.session.flush()  # write first: SQLite then holds the write lock for the whole unit
    row.recipients = count_recipients(repo, campaign_id)
    repo.session.flush()
    return row


def broadcast_text(repo: Repo, broadcast_id: int) -> str:
    """The text to send, as the organizer confirmed it."""
    row = repo.session.get(Broadcast, broadcast_id)
    if row is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    return row.text


def set_report_message(repo: Repo, broadcast_id: int, chat_id: int, message_id: int) -> None:
    """Remember the organizer's progress message, so a resumed broadcast can keep editing it."""
    repo.bulk(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(report_chat_id=chat_id, report_message_id=message_id),
    )


def report_message(repo: Repo, broadcast_id: int) -> tuple[int, int] | None:
    """(chat id, message id) of the organizer's progress message, if one was recorded."""
    row = repo.session.get(Broadcast, broadcast_id)
    if row is None or row.report_chat_id is None or row.report_message_id is None:
        return None
    return row.report_chat_id, row.report_message_id


def start_sending(repo: Repo, broadcast_id: int) -> bool:
    """draft -> sending, and one pending delivery per recipient, inserted in one statement.

    The conditional update lets exactly one caller win (a double confirm, two instances); the
    loser inserts nothing. NOT EXISTS plus the unique constraint keep the list duplicate-free
    even so. The recipients are `reachable` by the broadcast's own campaign, as its preview
    counted them. True when this call started the broadcast: only that caller should run the
    sender.
    """
    now = utcnow()
    won = repo.bulk(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status) == BroadcastStatus.DRAFT)
        .values(status=BroadcastStatus.SENDING, started_at=now),
    )
    if not won:
        return False
    campaign_id = broadcast_campaign(repo, broadcast_id)
    if campaign_id is None:  # it was just updated in this transaction
        raise LookupError(f"no broadcast {broadcast_id}")
    already = exists().where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.supporter_id) == col(Supporter.id),
    )
    recipients = (
        select(
            literal(broadcast_id),
            col(Supporter.id),
            literal(DeliveryStatus.PENDING.value),
            literal(now, DateTime(timezone=True)),
        )
        .where(reachable(campaign_id), ~already)
        .order_by(col(Supporter.id))
    )
    repo.bulk(
        insert(BroadcastDelivery).from_select(
            ["broadcast_id", "supporter_id", "status", "updated_at"], recipients
        ),
    )
    total = repo.session.exec(
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
    ).one()
    repo.bulk(
        update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(recipients=int(total)),
    )
    return True


def finish_if_complete(repo: Repo, broadcast_id: int) -> bool:
    """sending -> done once no delivery is pending or in flight. True when it is done now."""
    open_rows = exists().where(
        col(BroadcastDelivery.broadcast_id) == broadcast_id,
        col(BroadcastDelivery.status).in_((DeliveryStatus.PENDING, *IN_FLIGHT)),
    )
    repo.bulk(
        update(Broadcast)
        .where(
            col(Broadcast.id) == broadcast_id,
            col(Broadcast.status) == BroadcastStatus.SENDING,
            ~open_rows,
        )
        .values(status=BroadcastStatus.DONE, finished_at=utcnow()),
    )
    status = repo.session.exec(
        select(col(Broadcast.status)).where(col(Broadcast.id) == broadcast_id)
    ).one_or_none()
    return status == BroadcastStatus.DONE


def cancel(repo: Repo, broadcast_id: int) -> bool:
    """Stop a draft or running broadcast: nothing more is claimed; pending people get nothing.
    False if it had already ended."""
    stoppable = (BroadcastStatus.DRAFT, BroadcastStatus.SENDING)
    return bool(
        repo.bulk(
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status).in_(stoppable))
            .values(status=BroadcastStatus.CANCELLED, finished_at=utcnow()),
        )
    )


def cancel_draft(repo: Repo, broadcast_id: int) -> bool:
    """Cancel a broadcast only while it is a draft: one conditional statement, so a Send that
    started it first (here or on another instance) wins, and this changes nothing."""
    return bool(
        repo.bulk(
            update(Broadcast)
            .where(
                col(Broadcast.id) == broadcast_id, col(Broadcast.status) == BroadcastStatus.DRAFT
            )
            .values(status=BroadcastStatus.CANCELLED, finished_at=utcnow()),
        )
    )


def unfinished(repo: Repo) -> list[int]:
    """Broadcasts that are sending (a restart must resume them), oldest first."""
    rows = repo.session.exec(
        select(Broadcast)
        .where(col(Broadcast.status) == BroadcastStatus.SENDING)
        .order_by(col(Broadcast.id))
    )
    return [row_id(row) for row in rows]


def progress(repo: Repo, broadcast_id: int) -> Progress:
    """Counters from the broadcast row, the rest from one grouped count over its deliveries."""
    # populate_existing: the counters change by bulk UPDATEs, never through a loaded row.
    row = repo.session.exec(
        select(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise LookupError(f"no broadcast {broadcast_id}")
    counts: dict[str, int] = {
        str(status): int(n)
        for status, n in repo.session.exec(
            select(col(BroadcastDelivery.status), func.count())
            .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
            .group_by(col(BroadcastDelivery.status))
        ).all()
    }
    return Progress(
        broadcast_id=broadcast_id,
        status=BroadcastStatus(row.status),
        recipients=row.recipients,
        delivered=row.delivered,
        blocked=row.blocked,
        failed=row.failed,
        unknown=counts.get(DeliveryStatus.UNKNOWN, 0),
        skipped=counts.get(DeliveryStatus.SKIPPED, 0),
        pending=counts.get(DeliveryStatus.PENDING, 0),
        in_flight=sum(counts.get(status, 0) for status in IN_FLIGHT),
    )
