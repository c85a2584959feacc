"""What a test does with group chats: create them, add and remove the bot, have members write
(under the bot's privacy mode, as Telegram filters what a bot sees), follow the deep links on the
bot's url buttons, and read what the bot posted to a group."""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Iterable
from typing import Any

from .groups import GROUP_TYPES, PRESENT_STATUSES, STATUSES, FakeGroup, Group, member_api
from .records import ApiCall, BotMessage, FakeUser
from .users import BOT_COMMAND_RE, SimulatedUsers, command_entities, record_user_message

_SUPERGROUP_BASE = 1_001_000_000_000  # supergroup ids look like -100xxxxxxxxxx
_GROUP_BASE = 400_000_000
_START_PARAMETER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_POSTING_METHODS = ("send", "edit")


class GroupUsers(SimulatedUsers):
    """The user-side mixin with group chats (over FakeTelegram's ``state``)."""

    def make_group(
        self,
        title: str,
        members: Iterable[FakeUser] = (),
        admins: Iterable[FakeUser] = (),
        chat_type: str = "supergroup",
        *,
        group_id: int | None = None,
        username: str | None = None,
    ) -> FakeGroup:
        """Create a group chat (without the bot: see ``add_bot_to_group``).

        The first of ``admins`` is its creator, the others administrators; ``members`` join as
        plain members. Ids are negative, -100xxxxxxxxxx for supergroups, as on Telegram.
        """
        if chat_type not in GROUP_TYPES:
            raise ValueError(f"chat_type must be one of {GROUP_TYPES}, not {chat_type!r}")
        with self.state.lock:
            n = len(self.state.groups) + 1
            base = _SUPERGROUP_BASE if chat_type == "supergroup" else _GROUP_BASE
            handle = FakeGroup(group_id or -(base + n), title, chat_type, username)
            group = Group(handle=handle)
            for index, admin in enumerate(admins):
                group.members[admin.id] = (admin, "creator" if index == 0 else "administrator")
            for member in members:
                group.members.setdefault(member.id, (member, "member"))
            self.state.groups[handle.id] = group
            return handle

    def set_member_status(self, group: FakeGroup | int, user: FakeUser, status: str) -> None:
        """A user joins, leaves, is promoted or banned: their status in the group from now on."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        with self.state.lock:
            self._group(group).members[user.id] = (user, status)

    def add_bot_to_group(self, group: FakeGroup | int, by: FakeUser, *, admin: bool = False) -> int:
        """``by`` adds the bot (as an administrator with ``admin``): the bot gets the
        ``my_chat_member`` update, then the service message with ``new_chat_members``.
        Returns the my_chat_member update's id."""
        with self.state.lock:
            chat = self._group(group)
            self._present(chat, by)
            update_id = self._bot_status(chat, by.to_api(), "administrator" if admin else "member")
            bot = self.state.bot_user()
            self._group_message(chat, by, {"new_chat_members": [bot], "new_chat_member": bot})
            return update_id

    def remove_bot_from_group(self, group: FakeGroup | int, by: FakeUser | None = None) -> int:
        """``by`` removes the bot (banned, in a supergroup, as the apps do; left, in a basic
        group), or with ``by=None`` the bot leaves. Returns the my_chat_member update's id."""
        with self.state.lock:
            chat = self._group(group)
            removed = by is not None and chat.handle.type == "supergroup"
            actor = by.to_api() if by is not None else self.state.bot_user()
            return self._bot_status(chat, actor, "kicked" if removed else "left")

    def send_group_text(
        self,
        user: FakeUser,
        group: FakeGroup | int,
        text: str,
        *,
        reply_to: BotMessage | None = None,
    ) -> int | None:
        """``user`` writes ``text`` in the group; commands get bot_command entities.

        Returns the update_id, or None when Telegram would not pass the message to the bot:
        the bot is not in the group, or privacy mode (the default, see ``getMe``) hides it: a
        bot that is not an administrator sees only commands (``/cmd`` or ``/cmd@its_name``, not
        ``/cmd@other_bot``), replies to its own messages and service messages.
        """
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        with self.state.lock:
            chat = self._group(group)
            self._present(chat, user)
            if reply_to is not None:
                content["reply_to_message"] = reply_to.to_api(self.state.bot_user(), chat.api())
            if not self._bot_sees(chat, text, reply_to):
                record_user_message(chat, user, content)
                return None
            return self._group_message(chat, user, content)

    def follow_button(self, user: FakeUser, message: BotMessage, label: str) -> int:
        """Tap the url button labelled ``label`` (see ``follow_link``)."""
        for row in message.inline_keyboard:
            for button in row:
                if button.get("text") == label and "url" in button:
                    return self.follow_link(user, str(button["url"]))
        raise AssertionError(f"no url button {label!r} in message {message.message_id}: "
                             f"{message.buttons}")  # fmt: skip

    def follow_link(self, user: FakeUser, url: str) -> int:
        """Open a deep link to this bot, https://t.me/<bot>?start=<payload>: the user's app
        sends "/start <payload>" in their private chat. Returns the update_id."""
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        if parts.scheme != "https" or parts.netloc not in ("t.me", "telegram.me"):
            raise AssertionError(f"not a t.me deep link: {url!r}")
        if parts.path.strip("/").lower() != self.state.bot_username.lower():
            raise AssertionError(f"link {url!r} is not to @{self.state.bot_username}")
        payload = query.get("start", [""])[0]
        if payload and not _START_PARAMETER_RE.fullmatch(payload):
            raise AssertionError(f"invalid start parameter in {url!r}: Telegram allows 1-64 of "
                                 "A-Z, a-z, 0-9, _ and -")  # fmt: skip
        return self.send_text(user, f"/start {payload}" if payload else "/start")

    def group_posts(self, group: FakeGroup | int) -> list[ApiCall]:
        """The bot's successful sends and edits in the group, in order: what its 20-a-minute
        limit counts (``ApiCall.at`` says when; ``result`` is the message as returned)."""
        group_id = group if isinstance(group, int) else group.id
        with self.state.lock:
            return [
                call
                for call in self.state.calls
                if call.ok
                and call.chat_id == group_id
                and call.method.lower().startswith(_POSTING_METHODS)
            ]

    def member_status(self, group: FakeGroup | int, user_id: int) -> str:
        """A user's status in the group now ("left" for someone who never joined)."""
        with self.state.lock:
            return self._group(group).status_of(user_id)

    # ---- internals ------------------------------------------------------------------------

    def _group(self, group: FakeGroup | int) -> Group:
        group_id = group if isinstance(group, int) else group.id
        found = self.state.groups.get(group_id)
        if found is None:
            raise KeyError(f"no group {group_id}: call make_group() first")
        return found

    @staticmethod
    def _present(chat: Group, user: FakeUser) -> None:
        if chat.status_of(user.id) not in PRESENT_STATUSES:
            raise AssertionError(f"user {user.id} is not in group {chat.id}; add them first")

    def _bot_sees(self, chat: Group, text: str, reply_to: BotMessage | None) -> bool:
        if not chat.bot_present:
            return False
        if not self.state.group_privacy or chat.bot_status == "administrator":
            return True
        if reply_to is not None and reply_to.chat_id == chat.id:
            return True
        mine = f"@{self.state.bot_username}".lower()
        commands = [match.group() for match in BOT_COMMAND_RE.finditer(text)]
        return any("@" not in command or command.lower().endswith(mine) for command in commands)

    def _bot_status(self, chat: Group, actor: dict[str, Any], status: str) -> int:
        """Set the bot's status in the group and queue the my_chat_member update saying so."""
        bot = self.state.bot_user()
        old, chat.bot_status = chat.bot_status, status
        change = {
            "chat": chat.api(),
            "from": actor,
            "date": int(time.time()),
            "old_chat_member": member_api(bot, old),
            "new_chat_member": member_api(bot, status),
        }
        return self.state.updates.push("my_chat_member", change)

    def _group_message(self, chat: Group, user: FakeUser, content: dict[str, Any]) -> int:
        return self.state.updates.push("message", record_user_message(chat, user, content))
