"""Texts Telegram's apps split: a text longer than 4,096 characters arrives as several messages
sent back to back. One this long is refused (it is over every limit), and for a few seconds a
following text is taken as its tail, so the end of a too-long story never passes for a whole
answer. The window is kept in the supporter's row (`overflow_until`), as restarts and other
instances must see it too."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import flow
from bot.store import Conversation, Repo
from bot.store.models import utcnow
from bot.supporters.desks import DraftingRouter
from bot.supporters.drafting import Drafting
from bot.supporters.outcomes import Outcome
from bot.supporters.views import Person

LIKELY_SPLIT_LENGTH = 3500
SPLIT_TAIL_WINDOW = timedelta(seconds=10)


def receive_text(
    repo: Repo,
    drafting: Drafting | DraftingRouter,
    person: Person,
    text: str,
    now: datetime | None = None,
) -> Outcome:
    """A supporter's text, refused as a split text's tail, else handed to the drafting."""
    conversation = repo.conversation(person.id)
    if conversation is not None and _is_split_tail(repo, conversation, text, now or utcnow()):
        return drafting.refuse(repo, conversation, flow.InvalidAnswer("split_tail"))
    return drafting.receive_text(repo, conversation, text)


def _is_split_tail(repo: Repo, conversation: Conversation, text: str, now: datetime) -> bool:
    """Whether `text` follows a likely split text within the window; opens or closes it."""
    if len(text) >= LIKELY_SPLIT_LENGTH:
        repo.set_overflow(conversation.supporter_id, now + SPLIT_TAIL_WINDOW)
        return False
    if conversation.overflow_until is None:
        return False
    repo.set_overflow(conversation.supporter_id, None)
    return now < conversation.overflow_until
