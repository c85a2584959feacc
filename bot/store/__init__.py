"""Persistence: SQLModel tables and the queries the rest of the bot needs. No SQL outside."""

from bot.store.db import create_db_engine
from bot.store.models import (
    Broadcast,
    BroadcastDelivery,
    DraftRow,
    Letter,
    LetterDemand,
    Supporter,
)
from bot.store.repo import Conversation, Repo
from bot.store.store import Store

__all__ = [
    "Broadcast",
    "BroadcastDelivery",
    "Conversation",
    "DraftRow",
    "Letter",
    "LetterDemand",
    "Repo",
    "Store",
    "Supporter",
    "create_db_engine",
]
