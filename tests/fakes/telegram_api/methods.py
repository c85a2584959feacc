"""The Bot API methods the bot calls, acting on the fake's state the way Telegram does: sending and
editing messages and files, answering button taps, commands, getUpdates and webhooks."""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Callable
from typing import Any

from .content import checked_photo, formatted, validated_markup
from .group_api import GroupApi
from .groups import Group
from .html import canonical_entities, utf16_len
from .records import (
    BLOCKED,
    CANT_INITIATE,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_UPLOAD_BYTES,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiError,
    BotMessage,
    SentFile,
    UploadedFile,
    bad_request,
    inline_only,
)
from .state import BotState, Chat, as_int
from .updates import WEBHOOK_ACTIVE

Handler = Callable[[str, dict[str, Any]], Any]

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def scope_key(scope: dict[str, Any]) -> tuple[Any, ...]:
    """How stored commands are keyed by their BotCommandScope."""
    return (scope.get("type"), scope.get("chat_id"), scope.get("user_id"))


class BotApi:
    """One instance per fake; ``handlers`` maps each method name to what answers it.

    Every handler but getUpdates runs with the state's lock held.
    """

    def __init__(self, state: BotState, *, strict_ampersand: bool) -> None:
        self.state = state
        self.strict_ampersand = strict_ampersand
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": lambda token, params: state.webhook.info(),
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": lambda token, params: self._send_file(token, params, "photo"),
            "editMessageText": lambda token, params: self.edit(token, params, "text"),
            "editMessageCaption": lambda token, params: self.edit(token, params, "caption"),
            "editMessageReplyMarkup": lambda token, params: self.edit(token, params, "markup"),
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            **GroupApi(state).handlers,
        }

    # ---- bot and updates ----------------------------------------------------------------------

    def get_me(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.state.bot_user(token),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.state.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def get_updates(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = as_int(params.get("offset", 0), "offset")
        limit = min(100, max(1, as_int(params.get("limit", 100), "limit")))
        timeout = max(0.0, float(params.get("timeout") or 0))
        with self.state.cond:
            if self.state.webhook.url:
                raise ApiError(409, WEBHOOK_ACTIVE)
        return self.state.updates.long_poll(offset, limit, timeout, params.get("allowed_updates"))

    def set_webhook(self, token: str, params: dict[str, Any]) -> bool:
        updates, webhook = self.state.updates, self.state.webhook
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            updates.clear()
        updates.allow(params.get("allowed_updates"))
        if url:
            webhook.register(url, params.get("secret_token"))
            updates.end_polls("Conflict: terminated by setWebhook request")
        else:
            webhook.registered = {}
        return True

    def delete_webhook(self, token: str, params: dict[str, Any]) -> bool:
        self.state.webhook.registered = {}
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    # ---- sending ----------------------------------------------------------------------------

    def _deliverable(self, chat: Chat | Group, *, new_message: bool) -> None:
        """Flood control, then the recipient: blocked (403) or never started the bot (403); in a
        group, the bot must be a member (403) and within the group's own limit (429)."""
        self.state.flood.check()
        if isinstance(chat, Group):
            chat.bot_may_post()
            self.state.group_flood.check(chat.id, self.state.flood.arrival())
            return
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        if new_message and not chat.started:
            raise ApiError(403, CANT_INITIATE)

    def _text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text, entities = formatted(
            params.get("text"),
            params,
            limit=MAX_TEXT_LENGTH,
            empty_error="message text is empty",
            too_long_error="message is too long",
            strict_ampersand=self.strict_ampersand,
        )
        assert text is not None
        return text, entities

    def _caption(self, params: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        return formatted(
            params.get("caption"),
            params,
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            too_long_error="message caption is too long",
            strict_ampersand=self.strict_ampersand,
        )

    def _posted(self, token: str, chat: Chat | Group, **content: Any) -> dict[str, Any]:
        message = self.state.new_bot_message(chat, **content)
        return message.to_api(self.state.bot_user(token), chat.api())

    def send_message(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.state.chat_from(params)
        text, entities = self._text(params)
        markup = validated_markup(params.get("reply_markup"), private=isinstance(chat, Chat))
        self._deliverable(chat, new_message=True)
        return self._posted(token, chat, text=text, entities=entities, reply_markup=markup)

    def _file(self, params: dict[str, Any], kind: str) -> SentFile:
        """The file a sendDocument/sendPhoto carries: an upload, or a file_id sent before."""
        value = params.get(kind)
        if value is None or value == "":
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            if len(value.content) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            size = checked_photo(value.content) if kind == "photo" else None
            filename = value.filename or (kind if kind != "photo" else "photo.jpg")
            mime = value.content_type or mimetypes.guess_type(filename)[0]
            return self.state.store_file(value.content, filename, mime, kind, size)
        files = self.state.files
        known = files.get(str(value)) or files.get(str(value).rsplit("-", 1)[0])
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known

    def send_document(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        uploaded = isinstance(params.get("document"), UploadedFile)
        result = self._send_file(token, params, "document")
        stored = self.state.files[result["document"]["file_id"]]
        (self.state.document_uploads if uploaded else self.state.document_resends).append(stored)
        return result

    def _send_file(self, token: str, params: dict[str, Any], kind: str) -> dict[str, Any]:
        """sendDocument / sendPhoto: the file, an optional caption and buttons."""
        chat = self.state.chat_from(params)
        stored = self._file(params, kind)
        caption, caption_entities = self._caption(params)
        markup = validated_markup(params.get("reply_markup"), private=isinstance(chat, Chat))
        self._deliverable(chat, new_message=True)
        content = {kind: stored, "caption": caption, "caption_entities": caption_entities}
        return self._posted(token, chat, reply_markup=markup, **content)

    # ---- editing ------------------------------------------------------------------------------

    def _editable(self, params: dict[str, Any]) -> tuple[Chat | Group, BotMessage]:
        if params.get("inline_message_id"):
            raise bad_request("inline_message_id is not supported by FakeTelegram")
        chat = self.state.chat_from(params)
        message_id = as_int(params.get("message_id"), "message_id")
        message = chat.bot_messages.get(message_id)
        if message is None:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def edit(self, token: str, params: dict[str, Any], part: str) -> dict[str, Any]:
        """editMessageText, editMessageCaption or editMessageReplyMarkup, by the ``part`` edited.

        An edit that changes nothing Telegram compares is its 400 "message is not modified".
        """
        chat, message = self._editable(params)
        changes: dict[str, Any] = {}
        if part == "text":
            if message.text is None:
                raise bad_request("there is no text in the message to edit")
            changes["text"], changes["entities"] = self._text(params)
        elif part == "caption":
            if message.document is None and message.photo is None:
                raise bad_request("there is no caption in the message to edit")
            changes["caption"], changes["caption_entities"] = self._caption(params)
        markup = validated_markup(params.get("reply_markup"), private=isinstance(chat, Chat))
        changes["reply_markup"] = inline_only(markup)
        self._deliverable(chat, new_message=False)
        if _same_content({key: getattr(message, key) for key in changes}, changes):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = int(time.time())
        message.edits += 1
        self.state.bump(message)
        return message.to_api(self.state.bot_user(token), chat.api())

    # ---- button taps and commands -------------------------------------------------------------

    def answer_callback_query(self, token: str, params: dict[str, Any]) -> bool:
        record = self.state.callbacks.get(str(params.get("callback_query_id", "")))
        if record is None or record.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer_text = None if text is None else str(text)
        record.show_alert = bool(params.get("show_alert"))
        self.state.cond.notify_all()
        return True

    def _scope(self, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        normalized: dict[str, Any] = {"type": kind}
        if kind in ("chat", "chat_administrators", "chat_member"):
            normalized["chat_id"] = self.state.chat_from(scope).id
        if kind == "chat_member":
            user_id = as_int(scope.get("user_id"), "user_id")
            if user_id not in self.state.chats:
                raise bad_request("user not found")
            normalized["user_id"] = user_id
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(normalized), language

    def set_my_commands(self, token: str, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._scope(params)
        if cleaned:
            self.state.commands[key] = cleaned
        else:
            self.state.commands.pop(key, None)
        return True


def _same_content(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether an edit changes nothing Telegram compares (<b> and <strong> are the same)."""
    for key, old in before.items():
        new = after[key]
        if key.endswith("entities"):
            old, new = canonical_entities(old), canonical_entities(new)
        elif key == "reply_markup":
            old = inline_only(old)
        elif key == "caption":
            old, new = old or None, new or None
        if old != new:
            return False
    return True
