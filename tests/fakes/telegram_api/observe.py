"""What a test reads from the fake and waits for: the calls the bot made, the chats as users see
them, button taps and their answers, with a report of recent calls when a wait times out."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

from .methods import scope_key
from .records import ApiCall, BotMessage, CallbackQueryRecord
from .state import BotState

_USER_CONTENT = ("sticker", "photo", "document", "contact", "location", "new_chat_members")


def _locked(read: Callable[[BotState], Any], doc: str) -> Any:
    """A read-only property that reads the state under its lock; a list comes back as a copy."""

    def get(self: Observation) -> Any:
        with self.state.lock:
            value = read(self.state)
            return list(value) if isinstance(value, list) else value

    return property(get, doc=doc)


class Observation:
    """The reading half of FakeTelegram (a mixin over its ``state``); every read is a copy."""

    state: BotState

    version = _locked(
        lambda state: state.version,
        "Bumped on every successful send or edit: a marker for ``changed_since``.",
    )
    calls = _locked(lambda state: state.calls, "Every API request so far, in arrival order.")

    @property
    def errors(self) -> list[ApiCall]:
        """Calls answered with ok=false that the client actually received.

        A long poll that PTB cancelled (on shutdown) is later ended by the fake with a 409, as
        Telegram would, but nobody reads that answer: such calls are ``abandoned`` and left out.
        """
        return [call for call in self.calls if call.status >= 400 and not call.abandoned]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive, like Telegram's routing)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    document_uploads = _locked(
        lambda state: state.document_uploads,
        "Documents the bot uploaded (sendDocument with a file part), oldest first.",
    )
    document_resends = _locked(
        lambda state: state.document_resends,
        "Documents the bot sent again by file_id, oldest first: each is the file as first "
        "uploaded (an unknown file_id is a 400 and no send).",
    )
    pending_polls = _locked(
        lambda state: state.updates.pending_polls,
        "getUpdates requests long-polling now (e.g. to wait until a bot is listening).",
    )
    token = _locked(
        lambda state: state.tokens[-1] if state.tokens else None,
        "The most recent bot token seen (any token is accepted), None before any request.",
    )
    tokens = _locked(lambda state: state.tokens, "Distinct bot tokens seen, in order of first use.")
    webhook_url = _locked(
        lambda state: state.webhook.url, 'The URL setWebhook set ("" when polling).'
    )
    webhook_secret = _locked(
        lambda state: state.webhook.secret,
        "The secret_token given with setWebhook (None when unset).",
    )
    webhook_deliveries = _locked(
        lambda state: state.webhook.deliveries,
        "Every POST of a queued update to the webhook, in order (failures and retries too).",
    )

    def update(self, update_id: int) -> dict[str, Any]:
        """A queued update by id (deep copy), e.g. to read the message_id it carried."""
        with self.state.lock:
            return self.state.updates.logged(update_id)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset (or delivered to the webhook)."""
        with self.state.lock:
            return self.state.updates.pending()

    def chat(self, user_id: int) -> list[BotMessage]:
        """The bot's messages in a user's chat, or a group's (by its id), oldest first, in their
        current state (copies). ``wait_for_reply`` and ``changed_since`` take a group id too."""
        with self.state.lock:
            chat = self.state.any_chat(user_id)
            if chat is None:
                return []
            return [copy.deepcopy(msg) for _, msg in sorted(chat.bot_messages.items())]

    def message(self, user_id: int, message_id: int) -> BotMessage | None:
        """One bot message (copy) or None."""
        with self.state.lock:
            chat = self.state.any_chat(user_id)
            msg = chat.bot_messages.get(message_id) if chat else None
            return copy.deepcopy(msg) if msg else None

    def last_message(self, user_id: int) -> BotMessage | None:
        """The newest bot message in the chat, or None."""
        messages = self.chat(user_id)
        return messages[-1] if messages else None

    def changed_since(self, user_id: int, since: int) -> list[BotMessage]:
        """Bot messages in the chat created or edited after version ``since``."""
        return [m for m in self.chat(user_id) if m.version > since]

    def transcript(self, user_id: int) -> str:
        """Human-readable chat history (users and bot), for failure messages."""
        with self.state.lock:
            chat = self.state.any_chat(user_id)
            if chat is None:
                return f"<no chat {user_id}>"
            lines: list[tuple[int, str]] = []
            for mid, umsg in chat.user_messages.items():
                kind = next((k for k in _USER_CONTENT if k in umsg), "?")
                body = umsg.get("text") or umsg.get("caption") or kind
                who = umsg["from"]["first_name"] if umsg["chat"]["type"] != "private" else "user"
                lines.append((mid, f"  [{mid}] {who}: {str(body)[:200]}"))
            for mid, bmsg in chat.bot_messages.items():
                flags = " (edited)" if bmsg.edits else ""
                body = bmsg.content[:200] or ("document" if bmsg.document else "?")
                buttons = f" buttons={bmsg.buttons}" if bmsg.buttons else ""
                lines.append((mid, f"  [{mid}] bot{flags}: {body}{buttons}"))
            return "\n".join(line for _, line in sorted(lines)) or "  <empty>"

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        """Taps the bot has not answered with answerCallbackQuery (clients show a spinner)."""
        with self.state.lock:
            return [copy.copy(c) for c in self.state.callbacks.values() if not c.answered]

    def callback(self, query_id: str) -> CallbackQueryRecord:
        """The record of one tap (copy)."""
        with self.state.lock:
            return copy.copy(self.state.callbacks[query_id])

    def commands(self, scope: Any = None, language_code: str = "") -> list[tuple[str, str]]:
        """(command, description) pairs stored by setMyCommands for exactly this scope.

        ``scope`` is a BotCommandScope dict or PTB object (None = the default scope); like
        getMyCommands, there is no fallback to broader scopes.
        """
        if scope is not None and hasattr(scope, "to_dict"):
            scope = scope.to_dict()
        scope = dict(scope or {"type": "default"})
        for id_key in ("chat_id", "user_id"):
            if isinstance(scope.get(id_key), str) and scope[id_key].lstrip("-").isdigit():
                scope[id_key] = int(scope[id_key])
        key = (scope_key(scope), language_code or "")
        with self.state.lock:
            return [(c["command"], c["description"]) for c in self.state.commands.get(key, [])]

    # ---- waiting ------------------------------------------------------------------------------

    def wait_for_sync(
        self,
        predicate: Callable[[Any], Any],
        timeout: float = 10.0,
        *,
        user_id: int | None = None,
        what: str = "",
    ) -> Any:
        """Block until ``predicate(fake)`` is truthy and return its value.

        Raises AssertionError with recent calls (and the chat transcript for ``user_id``) after
        ``timeout`` seconds. Use from sync code; in async tests use ``wait_for``.
        """
        deadline = time.monotonic() + timeout
        with self.state.cond:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._dump(what or "condition", timeout, user_id))
                # Bounded waits: the predicate may also depend on state outside the fake.
                self.state.cond.wait(min(remaining, 0.05))

    async def wait_for(
        self,
        predicate: Callable[[Any], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 - a test-assertion deadline, not I/O timeout
        *,
        user_id: int | None = None,
        what: str = "",
    ) -> Any:
        """Async ``wait_for_sync``: polls without blocking the event loop the bot runs on."""
        deadline = time.monotonic() + timeout
        value = predicate(self)
        while not value:
            if time.monotonic() >= deadline:
                raise AssertionError(self._dump(what or "condition", timeout, user_id))
            await asyncio.sleep(0.01)
            value = predicate(self)
        return value

    def _latest_reply(self, user_id: int, since: int) -> BotMessage | None:
        changed = self.changed_since(user_id, since)
        return max(changed, key=lambda m: m.version) if changed else None

    async def wait_for_reply(
        self,
        user_id: int,
        since: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - assertion deadline
    ) -> BotMessage:
        """Wait for a new or edited bot message after ``since``; returns the latest one.

        Take ``since = fake.version`` before acting, so both a fresh message and an edit of an
        earlier one (the usual answer to a button tap) count as the reply.
        """
        return await self.wait_for(
            lambda f: f._latest_reply(user_id, since),
            timeout,
            user_id=user_id,
            what=f"a bot reply in chat {user_id} after version {since}",
        )

    def _dump(self, what: str, timeout: float, user_id: int | None) -> str:
        with self.state.lock:
            calls = self.state.calls
            recent = [c for c in calls if c.method != "getUpdates"][-25:]
            pending = len(self.state.updates)
            unanswered = [c.id for c in self.state.callbacks.values() if not c.answered]
            errors = [c for c in calls if c.status >= 400][-10:]
        parts = [f"timed out after {timeout:g}s waiting for {what}"]
        parts.append("recent calls:\n" + ("\n".join(f"  {c.describe()}" for c in recent) or "  -"))
        if errors:
            parts.append("errors:\n" + "\n".join(f"  {c.describe()}" for c in errors))
        parts.append(f"unconfirmed updates: {pending}; unanswered callbacks: {unanswered}")
        if user_id is not None:
            parts.append(f"chat {user_id}:\n{self.transcript(user_id)}")
        return "\n".join(parts)
