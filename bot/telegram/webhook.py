"""Webhook mode: Telegram posts updates to a Starlette app on uvicorn, which queues them for PTB.

PTB's custom-webhook pattern rather than `run_webhook`: one ASGI server that can later serve
other pages too (a Mini App dashboard). Long polling stays the default (`run_polling`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, Update
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import Application

from bot.config import ConfigError, Settings
from bot.web.app import web_app
from bot.web.context import WEB

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

WEBHOOK_PATH = "/telegram"
HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, no secret
# What the handlers use; anything else would only cost Telegram a POST and us a parse.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Seconds a stopping server waits for requests in flight (each only queues an update).
GRACEFUL_SHUTDOWN = 5


def update_from(body: bytes, bot: Bot) -> Update | None:
    """The update a webhook body carries, or None: no JSON object, or none PTB can read."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update.de_json(data, bot)
    except Exception:  # whatever PTB cannot parse is the sender's mistake, never a crash here
        return None


def webhook_app(application: AnyApplication, secret: str) -> Starlette:
    """The web app: Telegram's updates at POST /telegram, a health check at GET /healthz, and
    the Mini Apps under /app when WEB_URL is set."""
    expected = secret.encode()

    async def telegram(request: Request) -> Response:
        """Queue the update and answer at once: Telegram redelivers what it sees answered late."""
        # Starlette decodes headers as latin-1, so this gives back the bytes that were sent.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook: refused a POST without the right %s header", SECRET_HEADER)
            return PlainTextResponse("forbidden", status_code=403)
        update = update_from(await request.body(), application.bot)
        if update is None:
            log.warning("webhook: refused a body that is not an update")
            return PlainTextResponse("not an update", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes: list[BaseRoute] = [
        Route(WEBHOOK_PATH, telegram, methods=["POST"]),
        Route(HEALTH_PATH, healthz, methods=["GET"]),
    ]
    web = application.bot_data.get(WEB)
    if web is not None:  # WEB_URL is set: the Mini Apps are served here too
        return web_app(web, extra=routes)
    return Starlette(routes=routes)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before anything else so a taken port fails in one line.

    With TCP_NODELAY, which its connections inherit: uvicorn writes a response's head and body
    apart, and on a kept-alive connection Nagle's algorithm held the body until the client's
    delayed ACK, about 40 ms on every response after the first (measured by
    bench/dashboard_bench.py)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listener = socket.create_server((host, port), family=family)
    except OSError as error:
        raise ConfigError(
            f"cannot listen on {host}:{port} ({error.strerror or error}): set WEBHOOK_LISTEN and "
            "WEBHOOK_PORT to an address and free port of this machine."
        ) from None
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


# Waits between start-up attempts while Telegram is unreachable, as PTB's bootstrap retries do
# for long polling (bot/cli/run.py STARTUP_RETRIES): 1.5 s, growing by half each time, at most 30 s.
FIRST_RETRY_WAIT = 1.5
MAX_RETRY_WAIT = 30.0


async def _initialize(application: AnyApplication, retries: int) -> None:
    """`application.initialize()` (which asks Telegram who the bot is), tried again with backoff
    while Telegram cannot be reached; a rejected token is never retried."""
    wait = FIRST_RETRY_WAIT
    for attempt in range(1, retries + 2):
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as error:  # TimedOut included
            if attempt > retries:
                raise
            log.warning(
                "Telegram start-up attempt %d of %d failed (%s); trying again",
                attempt,
                retries + 1,
                error,
            )
        await asyncio.sleep(wait)
        wait = min(wait * 1.5, MAX_RETRY_WAIT)


@asynccontextmanager
async def _application_running(
    application: AnyApplication, retries: int = 0
) -> AsyncIterator[None]:
    """Start and stop the Application in `run_polling`'s order, post_* hooks included."""
    try:
        await _initialize(application, retries)
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            yield
        finally:
            # stop() handles every update already queued: each was answered 200, so it is ours.
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


@asynccontextmanager
async def _serving(
    server: uvicorn.Server, listener: socket.socket
) -> AsyncIterator[asyncio.Task[None]]:
    """uvicorn serving in a task; on the way out it stops taking requests before PTB stops."""
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield task
    finally:
        server.should_exit = True
        await task


async def _until(stop: asyncio.Event, serving: asyncio.Task[None]) -> None:
    """Wait for `stop`, or for the server to end by itself (its own signal handling, a crash)."""
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiter, serving}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def _set_webhook(application: AnyApplication, url: str, secret: str) -> None:
    try:
        await application.bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
    except BadRequest as error:  # e.g. not https, a port Telegram does not post to
        raise ConfigError(f"Telegram refused WEBHOOK_URL {url!r}: {error.message}") from None


async def serve_webhook(
    application: AnyApplication,
    settings: Settings,
    stop: asyncio.Event,
    *,
    sock: socket.socket | None = None,
    retries: int = 0,
) -> None:
    """Run the bot on Telegram's webhook until `stop` is set.

    `sock` is a listening socket to serve on, which this closes (tests pass one on a free port);
    by default one is bound to WEBHOOK_LISTEN:WEBHOOK_PORT. `retries`: start-up attempts
    repeated while Telegram is unreachable.
    """
    url, secret = settings.require_webhook()
    listener = sock or listen(settings.webhook_listen, settings.webhook_port)
    config = uvicorn.Config(
        webhook_app(application, secret),
        log_config=None,  # keep the bot's logging setup
        access_log=False,  # a line per update would drown the log
        lifespan="off",  # the Application's lifecycle is run here, not by the ASGI lifespan
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
    )
    server = uvicorn.Server(config)
    with listener:
        # The Application runs before the server takes requests, and the socket listens before
        # Telegram is told the URL: no update arrives to a bot that cannot take it.
        async with (
            _application_running(application, retries),
            _serving(server, listener) as serving,
        ):
            await _set_webhook(application, url, secret)
            host, port = listener.getsockname()[:2]
            log.info("webhook set to %s; serving it on %s:%d", url, host, port)
            await _until(stop, serving)
    # The webhook stays set on purpose: several instances behind one URL share it, and deleting
    # it when one stops would cut off the others. Telegram keeps updates (up to 24 h) while no
    # instance answers, so a restart loses none; `run_polling` deletes it to go back to polling.


async def _serve_until_signalled(
    application: AnyApplication, settings: Settings, retries: int
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        # Not on Windows' event loops: there uvicorn's own handlers end the server, and so this.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve_webhook(application, settings, stop, retries=retries)


def run_webhook(application: AnyApplication, settings: Settings, retries: int = 0) -> None:
    """Serve Telegram's webhook until SIGINT or SIGTERM, then stop cleanly.

    Blocks, like `run_polling`, and calls the same post_* hooks in the same order. `retries`
    as `bootstrap_retries` there: start-up attempts repeated while Telegram is unreachable.
    """
    settings.require_webhook()  # a missing setting fails before anything starts
    asyncio.run(_serve_until_signalled(application, settings, retries))
