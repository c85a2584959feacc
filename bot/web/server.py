"""The Mini Apps' own server beside long polling: uvicorn on WEBHOOK_LISTEN:WEB_PORT, started
with the Application and stopped before it. (In webhook mode the webhook's server serves the
Mini Apps too: bot/telegram/webhook.py.)"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import uvicorn
from starlette.applications import Starlette

from bot.config import Settings
from bot.telegram.webhook import listen
from bot.web.app import web_app
from bot.web.context import WEB

log = logging.getLogger(__name__)
GRACEFUL_SHUTDOWN = 5  # seconds for requests in flight


class WebServer:
    """One uvicorn server in a task of the bot's event loop."""

    def __init__(self, app: Starlette, listener: socket.socket) -> None:
        self.listener = listener
        config = uvicorn.Config(
            app,
            log_config=None,  # the bot's logging setup
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    async def start(self) -> None:
        """Serve, returning once the server takes requests."""
        self.task = asyncio.create_task(self.server.serve(sockets=[self.listener]))
        while not self.server.started and not self.task.done():  # noqa: ASYNC110 - uvicorn has a flag, no event
            await asyncio.sleep(0.01)
        if self.task.done():
            self.task.result()  # the server could not start: say why
        host, port = self.listener.getsockname()[:2]
        log.info("Mini Apps served on %s:%d", host, port)

    async def stop(self) -> None:
        if self.task is None:
            return
        self.server.should_exit = True
        await self.task
        self.task = None
        self.listener.close()


class MiniAppServer:
    """The Mini Apps beside long polling, as the Application's post_init and post_shutdown
    start and stop them (bot/telegram/app.py)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: WebServer | None = None

    async def start(self, application: Any) -> None:
        web = application.bot_data[WEB]
        listener = listen(self.settings.webhook_listen, self.settings.web_port)
        self.server = WebServer(web_app(web), listener)
        await self.server.start()

    async def stop(self, application: Any = None) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None
