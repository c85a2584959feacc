"""Campaign files reloaded without a restart: `campaign-bot reload`, /reload or a SIGHUP asks,
the database carries the request to every instance, and each loads the files again. A folder
with any error is refused whole: the running campaign stays, and the errors are logged (and
shown to the organizer who asked)."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.campaign import CampaignError
from bot.campaign.catalogue import Catalogue, load_catalogue
from bot.config import Settings
from bot.store import reloads
from bot.store.models import utcnow
from bot.telegram.supporters.use_cases import UseCases

log = logging.getLogger(__name__)

# How often an instance looks for a reload request (all instances share one database).
CHECK_EVERY = timedelta(seconds=10)
RELOADER = "reloader"


class Reloader:
    """Reloads the campaign files of one Application when asked, here or by another instance."""

    def __init__(self, settings: Settings, use: UseCases) -> None:
        self.settings = settings
        self.use = use
        self.seen: datetime = utcnow()  # requests before this process started are old news

    def reload(self) -> Catalogue | CampaignError:
        """Load every campaign file; on success serve the new default campaign."""
        try:
            catalogue = load_catalogue(self.settings.campaigns_dir, self.settings.campaign)
        except CampaignError as error:
            log.error("campaign files not reloaded, the running campaign stays:\n%s", error)
            return error
        self.use.switch(catalogue)
        log.info(
            "campaign files reloaded: serving %s (default %s)",
            ", ".join(catalogue.ids),
            catalogue.default.id,
        )
        return catalogue

    async def request(self) -> Catalogue | CampaignError:
        """Reload here now and ask every other instance to (only when the files load)."""
        outcome = self.reload()
        if isinstance(outcome, Catalogue):
            self.seen = await self.use.store.run(reloads.request)
        return outcome

    async def check(self, context: Any = None) -> None:
        """The job: reload when someone asked since the last look."""
        asked = await self.use.store.run(reloads.requested_at)
        if asked is not None and asked > self.seen:
            self.seen = asked
            self.reload()

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """The check every CHECK_EVERY, and SIGHUP (where the platform has it); the reloader
        is also kept in `bot_data[RELOADER]`."""
        app.bot_data[RELOADER] = self
        if app.job_queue is not None:
            every = CHECK_EVERY.total_seconds()
            app.job_queue.run_repeating(self.check, interval=every, first=every)
        hangup = getattr(signal, "SIGHUP", None)
        if hangup is not None:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(hangup, lambda: app.create_task(self.request()))
