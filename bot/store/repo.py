"""The supporter's queries (supporters, drafts, letters), bound to one transaction.

Other concerns keep their queries beside them (broadcast_queries, officials, leases, ...), each
taking a `Repo` first; `Store` (bot/store/store.py) runs them off the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, and_, bindparam, delete, func, update
from sqlalchemy import select as sa_select  # sqlmodel's select types at most 4 columns
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session, col, select

from bot.store.models import (
    DraftRow,
    Letter,
    LetterDemand,
    Supporter,
    as_utc,
    demand_ids,
    utcnow,
)
from bot.store.once import insert_once


@dataclass(frozen=True)
class Conversation:
    """Where a supporter is, read in one query: the hot path of every message and button."""

    supporter_id: int
    editing_letter_id: int | None
    overflow_until: datetime | None
    draft_id: int | None
    revision: int
    state: dict[str, Any]
    addressing_letter_id: int | None = None  # a kit waits for the supporter's street
    draft_campaign_id: str | None = None  # the campaign of the active draft


# Bulk UPDATE/DELETE statements leave the session's objects alone (nothing here holds them).
BULK = {"synchronize_session": False}


# HOT_PATH: the two statements of every message and button, built once, and the bulk writes and
# the supporter lease run on the session's connection, not the ORM: a flow step costs 3.4-3.6 ms
# of database CPU; built per call via `session.execute`, 4.2-4.7 ms (bench.flow_bench.run_flow).
_CONVERSATION = (
    sa_select(
        col(Supporter.id),
        col(Supporter.editing_letter_id),
        col(Supporter.overflow_until),
        col(DraftRow.id),
        col(DraftRow.revision),
        col(DraftRow.state),
        col(Supporter.addressing_letter_id),
        col(DraftRow.campaign_id),
    )
    .select_from(Supporter)
    .outerjoin(
        DraftRow, and_(col(DraftRow.supporter_id) == Supporter.id, col(DraftRow.status) == "active")
    )
    .where(col(Supporter.telegram_id) == bindparam("telegram_id"))
)
_ADVANCE = (
    update(DraftRow)
    .where(
        col(DraftRow.id) == bindparam("draft_id"),
        col(DraftRow.revision) == bindparam("seen_revision"),
    )
    .values(
        state=bindparam("next_state", type_=JSON),
        revision=bindparam("next_revision"),
        status=bindparam("next_status"),
        updated_at=bindparam("now"),
    )
)


def _row_id(row: Letter) -> int:
    if row.id is None:
        raise LookupError("letter not flushed")
    return row.id


class Repo:
    """The queries, bound to one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def bulk(self, statement: UpdateBase) -> int:
        """Run a bulk UPDATE, INSERT or DELETE in this transaction; how many rows it changed.
        On the session's connection, not through the ORM: see HOT_PATH."""
        result = self.session.connection().execute(statement)
        return int(result.rowcount or 0)

    # Supporters
    def supporter(self, telegram_id: int) -> Supporter | None:
        return self.session.exec(
            select(Supporter).where(Supporter.telegram_id == telegram_id)
        ).first()

    def add_supporter(self, supporter: Supporter) -> tuple[Supporter, bool]:
        """Insert, or return the row another instance inserted first; True when created."""
        return insert_once(self.session, supporter, lambda: self.supporter(supporter.telegram_id))

    def supporter_by_public_id(self, public_id: str) -> Supporter | None:
        return self.session.exec(select(Supporter).where(Supporter.public_id == public_id)).first()

    def campaign_sent(self, campaign_id: str) -> int:
        """Letters of the campaign marked sent, by everyone: what one person's adds up to."""
        return self.session.exec(
            select(func.count(col(Letter.id))).where(
                col(Letter.campaign_id) == campaign_id, col(Letter.sent_at).is_not(None)
            )
        ).one()

    def set_blocked(self, telegram_id: int, blocked: bool) -> None:
        self.bulk(
            update(Supporter)
            .where(col(Supporter.telegram_id) == telegram_id)
            .values(blocked=blocked, updated_at=utcnow())
        )

    def touch(self, row: Supporter | DraftRow) -> None:
        row.updated_at = utcnow()
        self.session.add(row)

    def forget_supporter(self, supporter: Supporter) -> None:
        """Delete personal data; letters stay only as anonymous counts (no body, no owner)."""
        self.bulk(
            update(Letter)
            .where(col(Letter.supporter_id) == supporter.id)
            .values(
                supporter_id=None,
                draft_id=None,
                body="",
                outcome=None,
                pdf_file_id=None,  # the PDF carries their name and street
                pdf_key=None,
            )
        )
        self.bulk(delete(DraftRow).where(col(DraftRow.supporter_id) == supporter.id))
        self.session.delete(supporter)

    def supporter_by_id(self, supporter_id: int) -> Supporter | None:
        return self.session.get(Supporter, supporter_id)

    # Drafts
    def conversation(self, telegram_id: int) -> Conversation | None:
        """The supporter and their active draft, if any, in a single query."""
        row = self.session.connection().execute(_CONVERSATION, {"telegram_id": telegram_id}).first()
        if row is None:
            return None
        return Conversation(
            row[0], row[1], as_utc(row[2]), row[3], row[4] or 0, row[5] or {}, row[6], row[7]
        )

    def conversation_of(self, supporter_id: int) -> Conversation | None:
        supporter = self.session.get(Supporter, supporter_id)
        return self.conversation(supporter.telegram_id) if supporter else None

    def set_overflow(self, supporter_id: int, until: datetime | None) -> None:
        self.bulk(
            update(Supporter).where(col(Supporter.id) == supporter_id).values(overflow_until=until)
        )

    def advance_draft(
        self, draft_id: int, revision: int, state: dict[str, Any], status: str = "active"
    ) -> bool:
        """Save the next state only if nobody moved the draft since `revision` was read."""
        result = self.session.connection().execute(
            _ADVANCE,
            {
                "draft_id": draft_id,
                "seen_revision": revision,
                "next_revision": revision + 1,
                "next_state": state,
                "next_status": status,
                "now": utcnow(),
            },
        )
        return result.rowcount == 1

    def active_draft(self, supporter_id: int) -> DraftRow | None:
        return self.session.exec(
            select(DraftRow).where(
                DraftRow.supporter_id == supporter_id, DraftRow.status == "active"
            )
        ).first()

    def draft(self, draft_id: int) -> DraftRow | None:
        return self.session.get(DraftRow, draft_id)

    def open_draft(
        self,
        supporter_id: int,
        campaign_id: str,
        state: dict[str, Any],
        party_id: int | None = None,
    ) -> DraftRow:
        """Start a new draft; an unfinished one is cancelled first (one active draft each)."""
        self.close_drafts(supporter_id, "cancelled")
        draft = DraftRow(
            supporter_id=supporter_id, campaign_id=campaign_id, state=state, party_id=party_id
        )
        self.session.add(draft)
        self.session.flush()
        return draft

    def close_drafts(self, supporter_id: int, status: str) -> int:
        return self.bulk(
            update(DraftRow)
            .where(col(DraftRow.supporter_id) == supporter_id, col(DraftRow.status) == "active")
            .values(status=status, updated_at=utcnow())
        )

    # Letters
    def letters_of_draft(self, draft_id: int) -> Sequence[Letter]:
        return self.session.exec(
            select(Letter).where(Letter.draft_id == draft_id).order_by(col(Letter.id))
        ).all()

    def add_letter(self, letter: Letter) -> Letter:
        """Insert once per (draft, target), with its demands; a retry returns the stored one."""
        try:
            with self.session.begin_nested():
                self.session.add(letter)
                self.session.flush()
                for demand_id in demand_ids(letter.demands):
                    self.session.add(LetterDemand(letter_id=_row_id(letter), demand_id=demand_id))
            return letter
        except IntegrityError:
            existing = self.session.exec(
                select(Letter).where(
                    Letter.draft_id == letter.draft_id, Letter.target_id == letter.target_id
                )
            ).first()
            if existing is None:
                raise
            return existing

    def letter_campaign(self, letter_id: int) -> str | None:
        """The campaign a letter belongs to (None: no such letter)."""
        row = self.session.get(Letter, letter_id)
        return row.campaign_id if row is not None else None

    def letter(self, supporter_id: int, letter_id: int) -> Letter | None:
        row = self.session.get(Letter, letter_id)
        return row if row is not None and row.supporter_id == supporter_id else None

    def mark_sent(self, supporter_id: int, letter_id: int) -> bool:
        """Record a send once: a conditional update, so a double tap or a retry changes nothing."""
        return (
            self.bulk(
                update(Letter)
                .where(
                    col(Letter.id) == letter_id,
                    col(Letter.supporter_id) == supporter_id,
                    col(Letter.sent_at).is_(None),
                )
                .values(sent_at=utcnow(), outcome="sent")
            )
            == 1
        )

    def save_letter(self, letter: Letter) -> None:
        self.session.add(letter)

    def letter_counts(self, supporter_id: int, campaign_id: str) -> tuple[int, int]:
        """(drafted, sent) letters of one supporter in one campaign."""
        row = self.session.execute(
            select(func.count(), func.count(col(Letter.sent_at))).where(
                col(Letter.supporter_id) == supporter_id, col(Letter.campaign_id) == campaign_id
            )
        ).one()
        return int(row[0]), int(row[1])

    # The printable kit's PDF as Telegram holds it (see bot.supporters.kits.KitPdf)
    def letter_pdf_file_id(self, letter_id: int, key: str) -> str | None:
        """The file_id of the letter's PDF built from `key`'s inputs; None for any other."""
        return self.session.exec(
            select(col(Letter.pdf_file_id)).where(
                col(Letter.id) == letter_id, col(Letter.pdf_key) == key
            )
        ).first()

    def set_letter_pdf(self, letter_id: int, key: str, file_id: str) -> None:
        """Keep the uploaded PDF's file_id with its key; it replaces an older one."""
        self.bulk(
            update(Letter)
            .where(col(Letter.id) == letter_id)
            .values(pdf_key=key, pdf_file_id=file_id)
        )
