"""What every Mini App endpoint holds: the use cases, who organizes, and the checks of
`initData` that each request passes first."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from telegram import Bot

from bot.telegram.supporters.use_cases import UseCases
from bot.web.init_data import InitDataError, WebAppUser, validate

if TYPE_CHECKING:
    from bot.web.snapshots import Snapshots

log = logging.getLogger(__name__)
WEB = "web"  # the Application's bot_data key of its WebContext


@dataclass
class WebContext:
    """What the endpoints need: the use cases (campaigns, store), who organizes, the token that
    checks `initData`, and the bot that edits chat messages after a save."""

    use: UseCases
    admin_ids: frozenset[int]
    token: str
    bot: Bot
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    dashboard: Snapshots | None = None
    """The dashboard's snapshots (bot/web/dashboard.py sets them), which /dashboard warms."""

    def user(self, request: Request) -> WebAppUser:
        """The Telegram user the request's `initData` proves; 401 when it proves nobody."""
        scheme, _, init_data = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "tma":
            raise HTTPException(401, "open this page from the bot in Telegram")
        try:
            return validate(init_data.strip(), self.token, self.clock())
        except InitDataError as error:
            log.info("web: refused initData: %s", error)
            raise HTTPException(401, str(error)) from None

    def organizer(self, request: Request) -> WebAppUser:
        """`user`, who must be an organizer (403 for anyone else)."""
        user = self.user(request)
        if user.id not in self.admin_ids:
            log.warning("web: refused an organizer endpoint to user %s", user.id)
            raise HTTPException(403, "for organizers only")
        return user


Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]
