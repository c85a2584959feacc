"""An in-process Bot API transport: PTB's request layer answered by Python, no sockets.

It lets a benchmark time the bot's own work (handlers, templates, database) rather than the
network, and counts every Bot API call by method, so sends per letter can be reported.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from telegram.request import BaseRequest, RequestData

MESSAGE_METHODS = {
    "sendMessage",
    "sendDocument",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
}
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


class InProcessRequest(BaseRequest):
    """Answers Bot API methods with minimal valid results; remembers each chat's last message."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.last_message: dict[int, dict[str, Any]] = {}
        self._next_id = 1

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        self.calls[api_method] += 1
        params: dict[str, Any] = {}
        if request_data is not None:
            params = {k: _decode(v) for k, v in request_data.json_parameters.items()}
        result = self._result(api_method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "supports_inline_queries": False}
        if api_method in MESSAGE_METHODS:
            chat_id = int(params["chat_id"])
            message_id = params.get("message_id")
            if message_id is None:
                message_id = self._next_id
                self._next_id += 1
            message = {
                "message_id": int(message_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text") or params.get("caption") or "",
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            self.last_message[chat_id] = message
            return message
        return True


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value
