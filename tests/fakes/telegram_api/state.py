"""Everything the fake Telegram knows (chats and their messages, files, button taps, commands,
calls, the update queue and webhook), guarded by one lock so tests may read it from any thread."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .flood import ChatFlood, FloodControl
from .records import (
    CHAT_NOT_FOUND,
    ApiCall,
    ApiError,
    BotMessage,
    CallbackQueryRecord,
    FakeUser,
    SentFile,
    bad_request,
)
from .updates import UpdateQueue
from .webhook import Webhook

if TYPE_CHECKING:
    from .groups import Group

DEFAULT_BOT_ID = 7000000001


def as_int(value: Any, name: str) -> int:
    """An integer parameter, or Telegram's 400 naming it."""
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise bad_request(f"invalid {name} specified")


@dataclass(kw_only=True)
class Conversation:
    """What every chat with the bot holds: both sides' messages, numbered in one sequence."""

    next_message_id: int = 1
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        raise NotImplementedError

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def api(self) -> dict[str, Any]:
        """The Chat object Telegram puts in messages from this chat."""
        raise NotImplementedError


@dataclass
class Chat(Conversation):
    """A user's private chat with the bot: both sides' messages, and whether the bot may post."""

    user: FakeUser
    started: bool = False
    blocked: bool = False

    @property
    def id(self) -> int:
        return self.user.id

    def api(self) -> dict[str, Any]:
        return self.user.chat_api()


class BotState:
    """The fake's memory; hold ``lock`` (or ``cond``) to read or change any of it."""

    def __init__(
        self,
        bot_username: str,
        bot_first_name: str,
        rate_limit: int | None,
        *,
        group_rate_limit: int | None = 20,
        group_rate_window: float = 60.0,
    ) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.flood = FloodControl(rate_limit)
        self.group_flood = ChatFlood(group_rate_limit, group_rate_window)
        self.group_privacy = True  # privacy mode: in groups the bot sees commands and replies
        self.updates = UpdateQueue(self.cond)
        self.webhook = Webhook(self.updates, self.cond)
        self.chats: dict[int, Chat] = {}  # private chats, by user id
        self.groups: dict[int, Group] = {}  # group chats, by (negative) chat id
        self.calls: list[ApiCall] = []
        self.tokens: list[str] = []
        self.callbacks: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.files: dict[str, SentFile] = {}
        self.file_counter = 0
        self.document_uploads: list[SentFile] = []  # sendDocument with a file part
        self.document_resends: list[SentFile] = []  # sendDocument naming a file: no upload
        self.version = 0  # bumped on every change to a bot message

    def bump(self, message: BotMessage) -> None:
        """Mark a bot message as changed now (posted or edited): in a group, that counts
        towards the group's posts a minute."""
        if message.chat_id in self.groups:
            self.group_flood.count(message.chat_id, self.flood.arrival())
        self.version += 1
        message.version = self.version
        self.cond.notify_all()

    def last_token(self) -> str:
        return self.tokens[-1] if self.tokens else ""

    def bot_user(self, token: str | None = None) -> dict[str, Any]:
        """The bot's User object; its id comes from the token, as on Telegram."""
        prefix = (self.last_token() if token is None else token).split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else DEFAULT_BOT_ID,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def user_chat(self, user_id: int) -> Chat:
        """A simulated user's chat (a test's mistake, not an API error, if there is none)."""
        chat = self.chats.get(user_id)
        if chat is None:
            raise KeyError(f"no user {user_id}: call make_user() first")
        return chat

    def any_chat(self, chat_id: int) -> Chat | Group | None:
        """A private chat (by user id) or a group (by its negative id), None if unknown."""
        return self.chats.get(chat_id) or self.groups.get(chat_id)

    def chat_from(self, params: dict[str, Any], key: str = "chat_id") -> Chat | Group:
        """The chat a request names, or Telegram's 400."""
        value = params.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        if isinstance(value, str) and value.startswith("@"):
            # Only public groups/channels have @usernames in the Bot API; private chats don't.
            named = [g for g in self.groups.values() if g.handle.username == value[1:]]
            if not named:
                raise ApiError(400, CHAT_NOT_FOUND)
            return named[0]
        found = self.any_chat(as_int(value, key))
        if found is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        return found

    def store_file(
        self,
        content: bytes,
        filename: str | None,
        mime: str | None,
        kind: str,
        size: tuple[int, int] | None,
    ) -> SentFile:
        """Keep a file under a fresh file_id, as Telegram does for every upload."""
        self.file_counter += 1
        n = self.file_counter
        stored = SentFile(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}AgIAAxkBAAI{n:06d}",
            file_unique_id=f"AgAD{n:06d}",
            filename=filename,
            content=content,
            mime_type=mime,
            kind=kind,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self.files[stored.file_id] = stored
        return stored

    def new_bot_message(self, chat: Conversation, **content: Any) -> BotMessage:
        """Post a message from the bot into ``chat``."""
        message = BotMessage(
            message_id=chat.new_message_id(), chat_id=chat.id, date=int(time.time()), **content
        )
        chat.bot_messages[message.message_id] = message
        self.bump(message)
        return message
