"""Tables. Uniqueness constraints make double taps and retries harmless by construction."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Supporter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str | None = None
    signing_name: str | None = None
    city: str | None = None
    state: str | None = Field(default=None, max_length=2, index=True)
    zip: str | None = Field(default=None, max_length=5)
    region: str | None = None
    language: str | None = Field(default=None, max_length=16)
    source: str | None = Field(default=None, max_length=64, index=True)
    referrer_id: int | None = None
    opted_in: bool = False
    blocked: bool = False
    editing_letter_id: int | None = None
    # Until when a new text is taken as the tail of a message Telegram split (see service).
    overflow_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Draft(SQLModel, table=True):
    """The in-progress letter conversation; the database, not memory, is its source of truth."""

    __table_args__ = (
        # At most one active draft per supporter, even with two bot instances racing.
        Index(
            "uq_draft_active_per_supporter",
            "supporter_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    supporter_id: int = Field(foreign_key="supporter.id", index=True, ondelete="CASCADE")
    campaign_id: str = Field(max_length=24)
    status: str = Field(default="active", max_length=12)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    revision: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Letter(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("draft_id", "target_id", name="uq_letter_draft_target"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=24, index=True)
    supporter_id: int | None = Field(default=None, foreign_key="supporter.id", index=True)
    draft_id: int | None = Field(default=None, foreign_key="draft.id", ondelete="SET NULL")
    target_id: str = Field(max_length=24, index=True)
    demands: str = Field(max_length=255)
    variant: str = Field(max_length=128)
    wording: int = 0
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    personal_chars: int = 0
    score: float = 0.0
    edited: bool = False
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    outcome: str | None = Field(default=None, max_length=32)
