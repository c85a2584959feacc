"""The organizer's broadcast message, edited with the progress while a broadcast runs (here, or
resumed after a restart), then with the final report."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import BadRequest

from bot.store import Store, broadcast_queries
from bot.store.broadcast_queries import Progress
from bot.telegram.render import render
from bot.telegram.sending import is_not_modified

log = logging.getLogger(__name__)


class ProgressReport:
    """Edits the organizer's broadcast message with progress, then the final report."""

    def __init__(self, bot: Any, store: Store, broadcast_id: int) -> None:
        self.bot = bot
        self.store = store
        self.broadcast_id = broadcast_id

    async def show(self, progress: Progress) -> None:
        target = await self.store.run(broadcast_queries.report_message, self.broadcast_id)
        if target is None:
            return
        chat_id, message_id = target
        try:
            await self.bot.edit_message_text(
                render("broadcast_progress", progress=progress),
                chat_id=chat_id,
                message_id=message_id,
            )
        except BadRequest as error:
            if not is_not_modified(error):
                log.info("could not update the broadcast report: %s", error.message)

    async def final(self, task: asyncio.Task[Progress]) -> None:
        try:
            progress = await task
        except asyncio.CancelledError:
            return
        await self.show(progress)
