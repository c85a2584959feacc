"""FakeTelegram: the Bot API server a test starts, tying together the HTTP server, the methods the
bot calls, the simulated users a test drives and the records it reads."""

from __future__ import annotations

import contextlib
import copy
import gc
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .group_users import GroupUsers
from .methods import BotApi
from .observe import Observation
from .records import ApiCall, ApiError, bad_request
from .server import Request, Server
from .state import BotState
from .webhook import REGISTERED_SECRET


@dataclass
class _Fault:
    """An error injected for the next ``times`` calls of one method (to one chat or any)."""

    method: str
    error: ApiError
    chat_id: int | None
    times: int


def _chat_id_of(params: dict[str, Any]) -> int | str | None:
    value = params.get("chat_id")
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value if isinstance(value, int | str) else None


class FakeTelegram(GroupUsers, Observation):
    """An in-process Telegram Bot API for end-to-end tests of a PTB bot.

    Point the bot at ``base_url``; any token is accepted (tokens seen are in ``tokens``).
    Simulate users with ``make_user`` and the ``send_*``/``tap`` methods, then assert on
    ``chat()``, ``calls``, ``errors`` and the ``wait_for*`` helpers. Thread-safe throughout.
    """

    def __init__(
        self,
        *,
        rate_limit: int | None = 30,
        group_rate_limit: int | None = 20,
        group_rate_window: float = 60.0,
        group_privacy: bool = True,
        bot_username: str = "campaign_test_bot",
        bot_first_name: str = "Campaign Test Bot",
        strict_ampersand: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Configure the fake; nothing listens until ``start()``.

        ``rate_limit`` is the number of chat-posting calls allowed in any 1-second window across
        all chats (None disables flood control); ``group_rate_limit`` the posts (sends and edits)
        allowed to one group in any ``group_rate_window`` seconds (shrink the window to test it
        quickly). ``group_privacy`` is the bot's privacy mode in groups. ``strict_ampersand``
        rejects an HTML "&" that starts no entity (real Telegram keeps it; strict mode makes
        unescaped text fail loudly).
        """
        self.bot_username = bot_username
        self.state = BotState(
            bot_username,
            bot_first_name,
            rate_limit,
            group_rate_limit=group_rate_limit,
            group_rate_window=group_rate_window,
        )
        self.state.group_privacy = group_privacy
        self._api = BotApi(self.state, strict_ampersand=strict_ampersand)
        self._methods = {
            name.lower(): (name, handler) for name, handler in self._api.handlers.items()
        }
        self._faults: list[_Fault] = []
        self._address = (host, port)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        # Called in the request's thread after a call is answered and recorded, before the
        # response leaves: (token, method, params, status). For tests that act mid-request.
        self.after_call: Callable[[str, str, dict[str, Any], int], None] | None = None

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        """Start listening on an ephemeral localhost port in a daemon thread.

        What this process holds so far is kept out of the garbage collector's full passes until
        `stop()`: a pass over a big heap (a test session's, a benchmark's seed) paused the
        server for over 100 ms, and requests that queued meanwhile were stamped as arriving
        together, drawing a 429 that Telegram, stamping them as they reach it, would not send."""
        if self._server is not None:
            raise RuntimeError("FakeTelegram already started")
        gc.freeze()
        self.state.updates.stopping = False
        self._server = Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeTelegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending long polls, close connections and stop the server thread."""
        with self.state.cond:
            self.state.updates.stopping = True
            self.state.cond.notify_all()
        if self._server is None:
            return
        self._server.shutdown()
        with self.state.lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        gc.unfreeze()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port actually bound (after ``start()``)."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url``: the token is appended by PTB."""
        return f"http://{self._address[0]}:{self.port}/bot"

    # ---- webhook ----------------------------------------------------------------------------

    @property
    def load_balance(self) -> list[str]:
        """Webhook URLs of several bot instances: updates go to them in turn, as a load balancer
        would send them (one that fails gets the next one at once), not to the registered URL."""
        return self.state.webhook.load_balance

    @load_balance.setter
    def load_balance(self, urls: list[str]) -> None:
        self.state.webhook.load_balance = list(urls)

    def post_to_webhook(
        self, body: dict[str, Any] | bytes, *, secret: Any = REGISTERED_SECRET
    ) -> int:
        """POST one body to the webhook now, outside the queue; return the HTTP status (0: none).

        ``body`` is an update (sent as JSON) or raw bytes; ``secret`` defaults to the registered
        one, None sends no secret header. Blocks until answered: from the bot's event loop, call
        it through ``asyncio.to_thread``.
        """
        return self.state.webhook.post_now(body, secret)

    # ---- answering requests (the HTTP server's Endpoint) -------------------------------------

    def inject_error(
        self,
        method: str,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to one chat) fail.

        For testing a bot's handling of outages, e.g. ``error_code=502`` (PTB NetworkError) or
        ``error_code=429, retry_after=5`` (PTB RetryAfter); ``description`` is used verbatim.
        """
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        with self.state.lock:
            self._faults.append(_Fault(method.lower(), error, chat_id, times))

    def _raise_fault(self, key: str, chat_id: int | str | None) -> None:
        for fault in self._faults:
            if fault.method == key and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise fault.error

    def request_arrived(self) -> None:
        self.state.flood.stamp_arrival()

    def track_connection(self, conn: socket.socket, *, add: bool) -> None:
        with self.state.lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _run(self, token: str, name: str, params: dict[str, Any], chat_id: Any) -> Any:
        """Run one method: an injected fault first, then its handler; raises ApiError."""
        key = name.lower()
        entry = self._methods.get(key)
        if entry is None:
            raise bad_request(f"FakeTelegram does not implement {name}; add it to the fake")
        with self.state.lock:
            if token not in self.state.tokens:
                self.state.tokens.append(token)
            self._raise_fault(key, chat_id)
            if key != "getupdates":  # getUpdates waits on the condition itself
                return entry[1](token, params)
        return entry[1](token, params)

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        token, params = request.token, request.params
        key = request.method.lower()
        name = self._methods[key][0] if key in self._methods else request.method
        chat_id = _chat_id_of(params)
        result: Any = None
        try:
            result = self._run(token, name, params, chat_id)
            status, payload, error = 200, {"ok": True, "result": result}, None
        except ApiError as exc:
            status, payload, error = exc.error_code, exc.body(), exc.description
        except Exception as exc:  # a bug in the fake: make it loud in calls/errors, not a hang
            crash = ApiError(500, f"Internal Server Error: FakeTelegram crashed: {exc!r}")
            status, payload, error = 500, crash.body(), crash.description
        if key == "answercallbackquery":
            with self.state.lock:
                record = self.state.callbacks.get(str(params.get("callback_query_id")))
                chat_id = record.user_id if record else None
        call = ApiCall(name, params, status, error, chat_id, copy.deepcopy(result), token)
        call.http_method = request.http_method
        call.abandoned = key == "getupdates" and status == 409 and request.client_gone()
        self._record(call)
        if self.after_call is not None:
            self.after_call(token, request.method, params, status)
        return status, payload

    def refuse(self, token: str, method: str, error: ApiError) -> None:
        self._record(ApiCall(method, {}, error.error_code, error.description, None, token=token))

    def _record(self, call: ApiCall) -> None:
        call.at = time.time()
        call.arrived = self.state.flood.arrival()
        with self.state.cond:
            self.state.calls.append(call)
            self.state.cond.notify_all()
