"""The organizer dashboard's endpoints (being built)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.context import WebContext


def dashboard_routes(web: WebContext) -> list[BaseRoute]:
    return []
