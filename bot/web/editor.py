"""The letter editor's endpoints (being built)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.web.context import WebContext


def editor_routes(web: WebContext) -> list[BaseRoute]:
    return []
