"""The webhook's web app on its own: only Telegram's secret gets an update queued, a body that is
not an update is a 400, and nothing runs before the 200 (the Application here never starts)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import Application

from bot.config import ConfigError, Settings
from bot.telegram.webhook import (
    HEALTH_PATH,
    SECRET_HEADER,
    WEBHOOK_PATH,
    listen,
    run_webhook,
    serve_webhook,
    webhook_app,
)

TOKEN = "123456:TEST-token-for-the-webhook-unit-tests"
SECRET = "s3cret_-Token"
UPDATE: dict[str, Any] = {
    "update_id": 700001,
    "message": {
        "message_id": 5,
        "date": 1_700_000_000,
        "from": {"id": 1001, "is_bot": False, "first_name": "Ani"},
        "chat": {"id": 1001, "type": "private", "first_name": "Ani"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    },
}


@pytest.fixture
def application() -> Application[Any, Any, Any, Any, Any, Any]:
    """Never initialized or started: whatever reaches its queue stays there, unhandled."""
    return Application.builder().token(TOKEN).updater(None).build()


@pytest.fixture
async def client(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=webhook_app(application, SECRET))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


def queued(application: Application[Any, Any, Any, Any, Any, Any]) -> list[object]:
    items = []
    while not application.update_queue.empty():
        items.append(application.update_queue.get_nowait())
    return items


async def test_update_with_the_secret_is_queued_and_answered_200(
    client: httpx.AsyncClient, application: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    response = await client.post(WEBHOOK_PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    [update] = queued(application)
    assert isinstance(update, Update)
    assert update.update_id == 700001
    assert update.message is not None and update.message.text == "/start"
    assert update.get_bot() is application.bot  # replies can be sent from it
    assert not application.running  # answered without anything handling it


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: ""},
        {SECRET_HEADER: "wrong"},
        {SECRET_HEADER: SECRET + "x"},
        {SECRET_HEADER: SECRET[:-1]},
        {SECRET_HEADER: SECRET.upper()},
        {"X-Other-Header": SECRET},
    ],
    ids=["none", "empty", "wrong", "longer", "shorter", "case", "other-header"],
)
async def test_without_the_secret_nothing_is_queued(
    client: httpx.AsyncClient,
    application: Application[Any, Any, Any, Any, Any, Any],
    headers: dict[str, str],
) -> None:
    response = await client.post(WEBHOOK_PATH, json=UPDATE, headers=headers)
    assert response.status_code == 403
    assert queued(application) == []


async def test_a_non_ascii_secret_header_is_refused(
    client: httpx.AsyncClient, application: Application[Any, Any, Any, Any, Any, Any]
) -> None:
    headers = [(SECRET_HEADER.encode(), "sécret".encode("latin-1"))]
    response = await client.post(WEBHOOK_PATH, json=UPDATE, headers=headers)
    assert response.status_code == 403
    assert queued(application) == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'"text"',
        b"{}",
        b'{"message": {}}',
        b'{"update_id": "700001"}',
        json.dumps({"update_id": 1, "message": "not a message"}).encode(),
        json.dumps({"update_id": 1, "callback_query": {"id": "1"}}).encode(),
    ],
)
async def test_a_body_that_is_not_an_update_is_400(
    client: httpx.AsyncClient,
    application: Application[Any, Any, Any, Any, Any, Any],
    body: bytes,
) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
    assert response.status_code == 400
    assert queued(application) == []


async def test_health_check(client: httpx.AsyncClient) -> None:
    response = await client.get(HEALTH_PATH)
    assert response.status_code == 200
    assert response.text == "ok"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", WEBHOOK_PATH, 405), ("POST", HEALTH_PATH, 405), ("POST", "/", 404)],
)
async def test_other_requests(
    client: httpx.AsyncClient,
    application: Application[Any, Any, Any, Any, Any, Any],
    method: str,
    path: str,
    status: int,
) -> None:
    response = await client.request(method, path, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == status
    assert queued(application) == []


def test_listen_on_a_taken_port_is_one_line_to_act_on() -> None:
    with listen("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError) as info:
            listen("127.0.0.1", port)
    message = str(info.value)
    assert "\n" not in message
    assert f"127.0.0.1:{port}" in message and "WEBHOOK_PORT" in message


@pytest.mark.parametrize(
    "missing", [{"webhook_url": None}, {"webhook_secret": None}], ids=["url", "secret"]
)
async def test_webhook_mode_needs_url_and_secret(
    application: Application[Any, Any, Any, Any, Any, Any], missing: dict[str, None]
) -> None:
    values: dict[str, Any] = {"webhook_url": "https://bot.example.org/telegram"}
    values["webhook_secret"] = SECRET
    settings = Settings(token=TOKEN, **{**values, **missing})
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        await serve_webhook(application, settings, asyncio.Event())
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        await asyncio.to_thread(run_webhook, application, settings)
    assert not application.running
