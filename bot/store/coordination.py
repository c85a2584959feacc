"""Tables the bot's instances share to work together: the updates already handled, who is
handling a supporter now, the send clock, and the last request to reload the campaign files."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime
from sqlmodel import Field, SQLModel

from bot.store.models import utcnow


class HandledUpdate(SQLModel, table=True):
    """A Telegram update taken by an instance: Telegram may deliver one twice (a webhook retry,
    a restart before the offset was confirmed), and it must be handled once. Pruned after a day."""

    __tablename__ = "handled_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    handled_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )


class ChatLease(SQLModel, table=True):
    """Who is handling a supporter's update right now, across instances: one at a time, in
    order. A lease that outlives a crashed instance expires at `expires_at`."""

    __tablename__ = "chat_lease"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    holder: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))


class SendClock(SQLModel, table=True):
    """The next free send slot (seconds since the epoch) for the bot as a whole; one row."""

    __tablename__ = "send_clock"

    name: str = Field(primary_key=True, max_length=16)
    next_at: float = 0.0


class ReloadRequest(SQLModel, table=True):
    """When campaign files were last reloaded (`campaign-bot reload`, /reload, SIGHUP): every
    instance reloads its own copy when it sees a newer time (bot/telegram/reloading.py)."""

    __tablename__ = "reload_request"

    name: str = Field(primary_key=True, max_length=16)  # "campaigns"
    requested_at: datetime = Field(sa_type=DateTime(timezone=True))
