"""Telegram's side of setWebhook: once a webhook is set, a thread POSTs queued updates to it one
at a time, in order, with the registered secret header, and drops each from the queue only when
answered 2xx; a failure is retried, as Telegram does. Without a webhook the queue waits for
getUpdates."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from typing import Any

from .records import WebhookDelivery
from .updates import UpdateQueue

WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_RETRY_DELAY = 0.1  # seconds before a failed delivery is tried again (Telegram: longer)


class _RegisteredSecret:
    """``post_to_webhook``'s default: send the secret_token the bot registered."""


REGISTERED_SECRET = _RegisteredSecret()


def post_json(url: str, body: bytes, secret: str | None) -> int:
    """POST JSON to a webhook the way Telegram does; the HTTP status, or 0 if none came.

    Only to this machine: a test's webhook URL naming another host is never contacted.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if host != "localhost" and not host.startswith("127.") and host != "::1":
        return 0
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(host, parts.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[WEBHOOK_SECRET_HEADER] = secret
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:  # refused, reset or timed out: Telegram would try again later
        return 0
    finally:
        connection.close()


class Webhook:
    """The registered webhook and its delivery thread; state is guarded by the fake's lock."""

    def __init__(self, updates: UpdateQueue, cond: threading.Condition) -> None:
        self._updates = updates
        self._cond = cond
        self.registered: dict[str, Any] = {}  # url, secret_token, last_error_date/message
        self.deliveries: list[WebhookDelivery] = []
        # Several bot instances behind one URL: deliver to these in turn, as a load balancer
        # would (one that fails gets the next one at once), instead of the registered URL.
        self.load_balance: list[str] = []
        self._turn = 0
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return str(self.registered.get("url", ""))

    @property
    def secret(self) -> str | None:
        return self.registered.get("secret_token")

    def register(self, url: str, secret: str | None) -> None:
        """setWebhook with a URL: start delivering to it."""
        self.registered = {"url": url, "secret_token": secret}
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._deliver, name="FakeTelegram-webhook", daemon=True
            )
            self._thread.start()
        self._cond.notify_all()

    def info(self) -> dict[str, Any]:
        """getWebhookInfo's answer."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.registered.get("last_error_message"):
            info["last_error_date"] = self.registered["last_error_date"]
            info["last_error_message"] = self.registered["last_error_message"]
        if self.registered and self._updates.allowed:
            info["allowed_updates"] = self._updates.allowed
        return info

    def post_now(self, body: dict[str, Any] | bytes, secret: str | _RegisteredSecret | None) -> int:
        """POST one body to the webhook outside the queue; see FakeTelegram.post_to_webhook."""
        with self._cond:
            url, registered = self.url, self.secret
        if not url:
            raise AssertionError("no webhook is set: the bot has not called setWebhook")
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        return post_json(url, data, registered if isinstance(secret, _RegisteredSecret) else secret)

    def _post_balanced(self, webhook: dict[str, Any], body: bytes) -> int:
        """POST to the registered URL, or to the `load_balance` targets in turn."""
        targets = list(self.load_balance)
        if not targets:
            return post_json(webhook["url"], body, webhook.get("secret_token"))
        status = 0
        for _ in targets:
            url = targets[self._turn % len(targets)]
            self._turn += 1
            status = post_json(url, body, webhook.get("secret_token"))
            if 200 <= status < 300:
                break
        return status

    def _next_update(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Wait for a webhook and an update to POST to it; None once the fake stops."""
        with self._cond:
            while not self._updates.stopping:
                batch = self._updates.select(1) if self.url else []
                if batch:
                    return dict(self.registered), batch[0]
                self._cond.wait()
            return None

    def _deliver(self) -> None:
        while (next_update := self._next_update()) is not None:
            webhook, update = next_update
            status = self._post_balanced(webhook, json.dumps(update).encode("utf-8"))
            with self._cond:
                delivery = WebhookDelivery(update["update_id"], status)
                self.deliveries.append(delivery)
                if delivery.ok:
                    self._updates.remove(delivery.update_id)
                else:
                    if self.url == webhook["url"]:
                        self.registered["last_error_date"] = int(time.time())
                        self.registered["last_error_message"] = f"Wrong response: {status}"
                    self._cond.wait(WEBHOOK_RETRY_DELAY)  # stop() wakes it at once
                self._cond.notify_all()
