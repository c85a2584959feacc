"""What a test does as Telegram users: create them, have them write, send media, tap buttons and
block the bot; each action queues the update Telegram would send the bot."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from .content import image_size, png_bytes
from .groups import PRESENT_STATUSES
from .html import utf16_len
from .records import BotMessage, CallbackQueryRecord, FakeUser
from .state import BotState, Chat, Conversation

# A bot command the way Telegram recognises one in user text (it adds a bot_command entity).
BOT_COMMAND_RE = re.compile(r"(?<![A-Za-z0-9_/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram adds to a user's text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in BOT_COMMAND_RE.finditer(text)
    ]


def record_user_message(
    chat: Conversation, user: FakeUser, content: dict[str, Any]
) -> dict[str, Any]:
    """Keep a message ``user`` wrote in ``chat`` and return it as Telegram sends it."""
    message: dict[str, Any] = {
        "message_id": chat.new_message_id(),
        "from": user.to_api(),
        "chat": chat.api(),
        "date": int(time.time()),
        **copy.deepcopy(content),
    }
    chat.user_messages[message["message_id"]] = message
    return message


class SimulatedUsers:
    """The user-side half of FakeTelegram (a mixin over its ``state``)."""

    state: BotState

    def make_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        started: bool = False,
    ) -> FakeUser:
        """Create a user (and their private chat).

        Like Telegram, the bot can only message a user who has written to it first; any
        ``send_*``/``tap`` from the user starts the chat, or pass ``started=True``.
        """
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        with self.state.lock:
            chat = self.state.chats.get(user_id)
            if chat is None:
                self.state.chats[user_id] = Chat(user=user, started=started)
            else:
                chat.user = user
                chat.started = chat.started or started
        return user

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends/edits to them now fail with 403.

        With ``notify`` the bot gets the ``my_chat_member`` update Telegram sends (status
        "kicked"), so handlers that clean up blocked users can be tested.
        """
        self._set_blocked(user_id, True, notify)

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user unblocks the bot (Telegram sends my_chat_member with status "member")."""
        self._set_blocked(user_id, False, notify)

    def _set_blocked(self, user_id: int, blocked: bool, notify: bool) -> None:
        with self.state.lock:
            chat = self.state.user_chat(user_id)
            if chat.blocked == blocked:
                return
            chat.blocked = blocked
            if not notify:
                return
            bot = self.state.bot_user()
            member = {"status": "member", "user": bot}
            kicked = {"status": "kicked", "user": bot, "until_date": 0}
            old, new = (member, kicked) if blocked else (kicked, member)
            change = {
                "chat": chat.api(),
                "from": chat.user.to_api(),
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
            self.state.updates.push("my_chat_member", change)

    def send_text(self, user: FakeUser, text: str) -> int:
        """The user sends ``text``; commands get a bot_command entity. Returns the update_id."""
        entities = command_entities(text)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._user_message(user, content)

    def send_sticker(self, user: FakeUser, emoji: str = "👍") -> int:
        """The user sends a sticker (a message without text). Returns the update_id."""
        with self.state.lock:
            self.state.file_counter += 1
            n = self.state.file_counter
        sticker = {
            "file_id": f"CAACAgIAAxkBAAF{n:06d}",
            "file_unique_id": f"AgADst{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 1024,
        }
        return self._user_message(user, {"sticker": sticker})

    def send_photo(self, user: FakeUser, caption: str | None = None) -> int:
        """The user sends a small PNG photo, optionally captioned. Returns the update_id."""
        data = png_bytes(64, 48)
        with self.state.lock:
            stored = self.state.store_file(
                data, "photo.png", "image/png", "photo", image_size(data)
            )
        message: dict[str, Any] = {"photo": stored.photo_api()}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user, message)

    def send_empty(self, user: FakeUser, kind: str = "contact") -> int:
        """The user sends a message with no text: ``kind`` is "contact" or "location"."""
        if kind == "contact":
            contact = {"phone_number": "+15550100", "first_name": user.first_name}
            content: dict[str, Any] = {"contact": {**contact, "user_id": user.id}}
        elif kind == "location":
            content = {"location": {"latitude": 38.8977, "longitude": -77.0365}}
        else:
            raise ValueError(f"unknown empty message kind {kind!r}")
        return self._user_message(user, content)

    def tap(
        self, user: FakeUser, message: BotMessage | int, data: str, *, check: bool = True
    ) -> str:
        """The user taps an inline button with ``data`` on a bot message; returns the query id.

        The update carries the message in its current state. With ``check`` (default) the
        button must exist on that message right now, because a real user cannot tap anything
        else; pass ``check=False`` to simulate a stale client.
        """
        with self.state.lock:
            chat, current = self._tapped(user, message, start=True)
            message_id = current.message_id
            datas = [b.get("callback_data") for row in current.inline_keyboard for b in row]
            if check and data not in datas:
                raise AssertionError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"buttons: {current.buttons}"
                )
            query_id = f"{user.id}{len(self.state.callbacks) + 1:08d}"
            payload = {
                "id": query_id,
                "from": user.to_api(),
                "message": current.to_api(self.state.bot_user(), chat.api()),
                "chat_instance": f"-{abs(chat.id) * 7919 % 10**12}",
                "data": data,
            }
            update_id = self.state.updates.push("callback_query", payload)
            record = CallbackQueryRecord(query_id, user.id, message_id, data, update_id)
            self.state.callbacks[query_id] = record
            return query_id

    def tap_button(self, user: FakeUser, message: BotMessage | int, text: str) -> str:
        """Tap the inline button labelled ``text`` (see ``BotMessage.button_data``)."""
        with self.state.lock:
            _, current = self._tapped(user, message, start=False)
            data = current.button_data(text)
        return self.tap(user, message, data)

    def _tapped(
        self, user: FakeUser, message: BotMessage | int, *, start: bool
    ) -> tuple[Conversation, BotMessage]:
        """The chat a tapped bot message is in and the message now. A message id means one in
        the user's private chat (which the tap starts, with ``start``); a BotMessage from a
        group is looked up there, and the user must be in that group."""
        message_id = message if isinstance(message, int) else message.message_id
        chat_id = user.id if isinstance(message, int) else message.chat_id
        chat: Conversation
        group = self.state.groups.get(chat_id)
        if group is None:
            chat_id = user.id
            chat = self._writable_chat(user.id) if start else self.state.user_chat(user.id)
        elif group.status_of(user.id) not in PRESENT_STATUSES:
            raise AssertionError(f"user {user.id} is not in group {chat_id}")
        else:
            chat = group
        current = chat.bot_messages.get(message_id)
        if current is None:
            raise AssertionError(f"no bot message {message_id} in chat {chat_id}")
        return chat, current

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (one key besides update_id, which is assigned); returns its id."""
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            raise ValueError("an update has exactly one payload field")
        with self.state.lock:
            return self.state.updates.push(kinds[0], copy.deepcopy(update[kinds[0]]))

    def _writable_chat(self, user_id: int) -> Chat:
        """The user's chat, now started; a blocked user cannot write (a test's mistake)."""
        chat = self.state.user_chat(user_id)
        if chat.blocked:
            raise AssertionError(
                f"user {user_id} has blocked the bot; call unblock() before they write"
            )
        chat.started = True
        return chat

    def _user_message(self, user: FakeUser, content: dict[str, Any]) -> int:
        with self.state.lock:
            message = record_user_message(self._writable_chat(user.id), user, content)
            return self.state.updates.push("message", message)
