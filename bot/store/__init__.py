"""Persistence: SQLModel tables and the queries the rest of the bot needs. No SQL outside."""

from bot.store.db import create_db_engine
from bot.store.models import Draft, Letter, Supporter
from bot.store.repo import Conversation, Repo, Store

__all__ = ["Conversation", "Draft", "Letter", "Repo", "Store", "Supporter", "create_db_engine"]
