"""The Bot API methods about group membership: getChatMember and getChatAdministrators, which a
bot uses to check who may run its group commands (the sending and editing methods are shared
with private chats, in ``methods``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .groups import Group, member_api
from .records import ApiError, bad_request
from .state import BotState, Chat, as_int

Handler = Callable[[str, dict[str, Any]], Any]


class GroupApi:
    """Membership methods over the fake's state; ``handlers`` joins BotApi's table."""

    def __init__(self, state: BotState) -> None:
        self.state = state
        self.handlers: dict[str, Handler] = {
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
        }

    def _member_chat(self, params: dict[str, Any]) -> Chat | Group:
        """The chat named, where the bot must be present to read its members (else 403)."""
        chat = self.state.chat_from(params)
        if isinstance(chat, Group):
            chat.bot_may_post()
        return chat

    def _user(self, token: str, user_id: int) -> dict[str, Any]:
        """The User object for ``user_id``: the bot, a simulated user, or Telegram's 400."""
        bot = self.state.bot_user(token)
        if user_id == bot["id"]:
            return bot
        chat = self.state.chats.get(user_id)
        if chat is None:
            raise bad_request("user not found")
        return chat.user.to_api()

    def get_chat_member(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._member_chat(params)
        user_id = as_int(params.get("user_id"), "user_id")
        user = self._user(token, user_id)
        is_bot = bool(user["is_bot"])
        if isinstance(chat, Chat):
            if not is_bot and user_id != chat.id:
                raise bad_request("user not found")
            return member_api(user, "kicked" if chat.blocked and is_bot else "member")
        return member_api(user, chat.bot_status if is_bot else chat.status_of(user_id))

    def get_chat_administrators(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._member_chat(params)
        if isinstance(chat, Chat):
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        admins = [member_api(user.to_api(), status) for user, status in chat.administrators()]
        if chat.bot_status == "administrator":
            admins.append(member_api(self.state.bot_user(token), "administrator"))
        return admins
