"""Group chats in the fake: who is in them with what status (the bot included), the Chat and
ChatMember objects Telegram sends for them, and whether the bot may post there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import ApiError, FakeUser
from .state import Conversation

GROUP_TYPES = ("group", "supergroup")
# Statuses a chat member can have; "creator" and "administrator" are the chat's administrators.
STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
ADMIN_STATUSES = ("creator", "administrator")
PRESENT_STATUSES = ("creator", "administrator", "member", "restricted")

# The rights Telegram lists for an administrator (ChatMemberAdministrator); the fake grants a
# promoted member the usual defaults of the Telegram apps.
_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


@dataclass(frozen=True)
class FakeGroup:
    """A test's handle on a group chat: pass it to ``send_group_text`` and friends."""

    id: int
    title: str
    type: str = "supergroup"
    username: str | None = None

    def chat_api(self) -> dict[str, Any]:
        """The Chat object Telegram sends for this group."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username is not None:
            out["username"] = self.username
        return out


def member_api(user: dict[str, Any], status: str) -> dict[str, Any]:
    """The ChatMember object for a user (a User dict) with ``status``."""
    out: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        out["is_anonymous"] = False
    elif status == "administrator":
        out.update(_ADMIN_RIGHTS)
        if user.get("is_bot"):
            out["can_be_edited"] = True  # bots are promoted by a user who can edit them
    elif status == "kicked":
        out["until_date"] = 0  # banned for ever
    elif status == "restricted":
        out.update(is_member=True, can_send_messages=False, until_date=0)
    return out


@dataclass
class Group(Conversation):
    """A group or supergroup: its members' statuses, the bot's own, and both sides' messages."""

    handle: FakeGroup
    members: dict[int, tuple[FakeUser, str]] = field(default_factory=dict)
    bot_status: str = "left"

    @property
    def id(self) -> int:
        return self.handle.id

    def api(self) -> dict[str, Any]:
        return self.handle.chat_api()

    def status_of(self, user_id: int) -> str:
        """A user's status here ("left" for anyone who never joined)."""
        entry = self.members.get(user_id)
        return entry[1] if entry else "left"

    @property
    def bot_present(self) -> bool:
        return self.bot_status in PRESENT_STATUSES

    def bot_may_post(self) -> None:
        """Raise Telegram's 403 if the bot is not (or no longer) in this group."""
        if self.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {self.handle.type} chat")
        if not self.bot_present:
            raise ApiError(403, f"Forbidden: bot is not a member of the {self.handle.type} chat")

    def administrators(self) -> list[tuple[FakeUser, str]]:
        """The group's human administrators (creator first), as (user, status)."""
        admins = [entry for entry in self.members.values() if entry[1] in ADMIN_STATUSES]
        return sorted(admins, key=lambda entry: entry[1] != "creator")
