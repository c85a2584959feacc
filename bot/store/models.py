"""Tables. Uniqueness constraints make double taps and retries harmless by construction."""

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def one_per(name: str, column: str, *, status: str) -> Index:
    """A partial unique index: at most one row per `column` value with this `status`."""
    where = text(f"status = '{status}'")
    return Index(name, column, unique=True, sqlite_where=where, postgresql_where=where)


def demand_ids(demands: str) -> list[str]:
    """The ids in a letter's `demands` column ("sanctions,aid"): what LetterDemand rows hold."""
    return [demand_id for demand_id in demands.split(",") if demand_id]


def new_public_id() -> str:
    """A random, stable pseudonym: invite codes and exports use it instead of Telegram ids."""
    return secrets.token_urlsafe(6)


class Supporter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str | None = None
    signing_name: str | None = None
    city: str | None = None
    state: str | None = Field(default=None, max_length=2, index=True)
    zip: str | None = Field(default=None, max_length=5)
    district: int | None = None  # congressional district in `state` (0: at-large), once known
    region: str | None = None
    language: str | None = Field(default=None, max_length=16)  # as their Telegram app reports
    chosen_language: str | None = Field(default=None, max_length=8)  # picked with /language
    public_id: str = Field(default_factory=new_public_id, max_length=16, unique=True)
    # The campaign they are in now (the last one they opened); None: the default campaign.
    campaign_id: str | None = Field(default=None, max_length=24)
    blocked: bool = False
    editing_letter_id: int | None = None
    # A street for printed letters: asked once, when the supporter first asks for a printable
    # kit (many congressional offices answer only letters that carry one); never required.
    street: str | None = Field(default=None, max_length=120)
    street_asked: bool = False
    addressing_letter_id: int | None = None  # the kit waiting for the street answer
    # Until when a new text is taken as the tail of a message Telegram split (see service).
    overflow_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Participation(SQLModel, table=True):
    """A supporter in one campaign: where they came from, who invited them, and whether they
    want that campaign's updates. One row per (supporter, campaign), made when they first open
    it, so sources, referrals and broadcasts are counted per campaign."""

    __table_args__ = (
        UniqueConstraint("supporter_id", "campaign_id", name="uq_participation_once"),
        Index("ix_participation_campaign_opted_in", "campaign_id", "opted_in"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supporter_id: int = Field(foreign_key="supporter.id", ondelete="CASCADE")
    campaign_id: str = Field(max_length=24)
    source: str | None = Field(default=None, max_length=64)
    referrer_id: int | None = Field(
        default=None, foreign_key="supporter.id", ondelete="SET NULL", index=True
    )
    opted_in: bool = False
    offered_updates: bool = False
    joined_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class DraftRow(SQLModel, table=True):
    """A stored draft: the state of one letter conversation (`bot.flow.Draft`) as JSON, with a
    revision; the database, not memory, is its source of truth."""

    __tablename__ = "draft"
    __table_args__ = (
        # At most one active draft per supporter, even with two bot instances racing.
        one_per("uq_draft_active_per_supporter", "supporter_id", status="active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supporter_id: int = Field(foreign_key="supporter.id", index=True, ondelete="CASCADE")
    campaign_id: str = Field(max_length=24)
    party_id: int | None = Field(default=None, foreign_key="party.id", ondelete="SET NULL")
    status: str = Field(default="active", max_length=12)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Letter(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("draft_id", "target_id", name="uq_letter_draft_target"),
        Index("ix_letter_campaign_created", "campaign_id", "created_at"),
        # The stats read letters from these alone, never from the table's wide rows: at
        # 1,000,000 letters /stats took 13.7 s from the table and 1.9 s from them (SQLite,
        # `python -m bench dashboard`). Each serves the GROUP BYs named after it.
        Index("ix_letter_campaign_target", "campaign_id", "target_id", "demands", "sent_at"),
        Index("ix_letter_campaign_supporter", "campaign_id", "supporter_id", "sent_at", "score"),
        Index("ix_letter_campaign_party", "campaign_id", "party_id", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=24, index=True)
    supporter_id: int | None = Field(default=None, foreign_key="supporter.id", index=True)
    draft_id: int | None = Field(default=None, foreign_key="draft.id", ondelete="SET NULL")
    # The letter-writing party it was written at (bot/parties.py), if any.
    party_id: int | None = Field(
        default=None, foreign_key="party.id", ondelete="SET NULL", index=True
    )
    target_id: str = Field(max_length=24, index=True)
    # Unbounded text: a campaign may route many demands, and a variant names a template path.
    demands: str = Field(sa_column=Column(Text, nullable=False))
    variant: str = Field(sa_column=Column(Text, nullable=False))
    wording: int = 0
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    score: float = 0.0
    edited: bool = False
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    outcome: str | None = Field(default=None, max_length=32)
    # The printable kit's PDF as Telegram holds it, re-sent by file_id instead of built again,
    # and the hash of what it was built from (bot.supporters.kits.KitPdf): new hash, new PDF.
    pdf_file_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    pdf_key: str | None = Field(default=None, max_length=64)
    # The chat message that shows the letter (in the supporter's private chat, whose id is their
    # Telegram id), so the letter editor's save can update it; None until the bot shows it.
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class LetterDemand(SQLModel, table=True):
    """Which demands a letter makes, one row each, so stats can count letters per demand."""

    __tablename__ = "letter_demand"

    letter_id: int = Field(foreign_key="letter.id", primary_key=True, ondelete="CASCADE")
    demand_id: str = Field(max_length=24, primary_key=True, index=True)


class Broadcast(SQLModel, table=True):
    """An organizer's message to opted-in supporters, and how its delivery went."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=24)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default="draft", max_length=12, index=True)
    recipients: int = 0
    delivered: int = 0
    blocked: int = 0
    failed: int = 0
    report_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    report_message_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class BroadcastDelivery(SQLModel, table=True):
    """One recipient of a broadcast, claimed by one instance under a lease, and marked
    attempted before its send, so no instance ever sends it twice (bot/store/delivery_claims.py)."""

    __tablename__ = "broadcast_delivery"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "supporter_id", name="uq_delivery_once"),
        Index("ix_delivery_broadcast_status", "broadcast_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", ondelete="CASCADE")
    supporter_id: int = Field(foreign_key="supporter.id", ondelete="CASCADE")
    status: str = Field(default="pending", max_length=12)
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Legislator(SQLModel, table=True):
    """A member of Congress in their current term (congress-legislators data, replaced whole on
    each import). `district` is None for senators and 0 for at-large seats and delegates."""

    __table_args__ = (Index("ix_legislator_seat", "state", "chamber", "district"),)

    bioguide_id: str = Field(primary_key=True, max_length=16)
    first_name: str
    middle_name: str | None = None
    last_name: str
    suffix: str | None = None
    nickname: str | None = None
    official_full: str
    chamber: str = Field(max_length=3)  # "sen" or "rep" (delegates and PR's commissioner: rep)
    state: str = Field(max_length=2)
    district: int | None = None
    senate_class: int | None = None
    party: str | None = None
    url: str | None = None
    phone: str | None = None
    address: str | None = None
    office: str | None = None
    contact_form: str | None = None  # missing for almost every House member
    term_start: date | None = None
    term_end: date | None = None  # not in the CSV format


class ZipDistrict(SQLModel, table=True):
    """One candidate district of a ZCTA (zccd.csv): a ZIP may have several, even across states."""

    __tablename__ = "zip_district"

    zcta: str = Field(primary_key=True, max_length=5)
    state: str = Field(primary_key=True, max_length=2)
    district: int = Field(primary_key=True)


class OfficialsDataset(SQLModel, table=True):
    """What an officials import loaded, from where, and how fresh it is: one row per dataset."""

    __tablename__ = "officials_dataset"

    name: str = Field(primary_key=True, max_length=16)  # "legislators" or "zccd"
    source: str  # the file name or URL it came from
    format: str = Field(max_length=8)  # "json" or "csv"
    data_date: date | None = None  # the newest date inside the data, when it has any
    file_date: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    rows: int = 0
    skipped: int = 0
    sha256: str = Field(max_length=64)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Reminder(SQLModel, table=True):
    """A supporter's "remind me tomorrow" about a draft's letters not yet marked sent.

    At most one pending per draft, so a double tap schedules one. An instance takes a due one by
    moving it to "attempted" before its send, so it is never sent twice (bot/store/reminders.py).
    """

    __table_args__ = (
        one_per("uq_reminder_pending_per_draft", "draft_id", status="pending"),
        Index("ix_reminder_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supporter_id: int = Field(foreign_key="supporter.id", index=True, ondelete="CASCADE")
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    campaign_id: str = Field(max_length=24)
    # pending, attempted (taken, being sent), sent, unneeded (all letters sent by then),
    # cancelled (/stop), blocked, failed
    status: str = Field(default="pending", max_length=12)
    due_at: datetime = Field(sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Party(SQLModel, table=True):
    """A letter-writing party in a group chat: its card (one message, edited with the count) and
    a code for the deep link that opens a private chat to write a letter at it."""

    __table_args__ = (one_per("uq_party_open_per_chat", "chat_id", status="open"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(default_factory=new_public_id, max_length=16, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    campaign_id: str = Field(max_length=24)
    title: str | None = Field(default=None, max_length=120)
    language: str = Field(default="en", max_length=8)  # the card's, as whoever opened it reads
    opened_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(default="open", max_length=8)  # open, ended
    card_message_id: int | None = None
    # What the card shows now, and when it was last edited: a group allows about 20 messages a
    # minute, so the count is edited at most once every 10 seconds (bot/telegram/parties).
    shown_written: int = 0
    shown_sent: int = 0
    shown_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
