"""The Mini Apps' web app: the pages (HTML shells, no data in them), their static assets, and
the JSON endpoints, each request authenticated by the `initData` it carries.

The pages read `initData` and the theme from the launch parameters Telegram puts in the URL's
fragment (`#tgWebAppData=…&tgWebAppThemeParams=…`) and send it back as `Authorization: tma
<initData>` with every request; nothing loads from another site.
"""

from __future__ import annotations

import hashlib
import logging

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot.paths import TEMPLATES_DIR
from bot.web.context import Endpoint, WebContext
from bot.web.dashboard import dashboard_routes
from bot.web.editor import editor_routes

log = logging.getLogger(__name__)

WEB_DIR = TEMPLATES_DIR / "web"
STATIC_DIR = WEB_DIR / "static"
PREFIX = "/app"
# Assets are named by their content's hash in the pages' links, so a year's caching is safe.
STATIC_CACHE = "public, max-age=31536000, immutable"
PAGES = ("dashboard", "editor")


class CachedStatic(StaticFiles):
    """Static files with a year's caching: their links carry a hash of their content."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = STATIC_CACHE
        return response


def asset_version() -> str:
    """A short hash of every static file: it changes whenever one does."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _pages() -> list[Route]:
    env = Environment(loader=FileSystemLoader(WEB_DIR), autoescape=select_autoescape(["html"]))
    version = asset_version()

    def page(name: str) -> Endpoint:
        html = env.get_template(f"{name}.html").render(version=version, prefix=PREFIX)

        async def serve(request: Request) -> Response:
            return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

        return serve

    return [Route(f"{PREFIX}/{name}", page(name), methods=["GET"]) for name in PAGES]


async def _http_error(request: Request, error: Exception) -> Response:
    """Errors as JSON the pages show: {"error": "…"} with the status."""
    if isinstance(error, HTTPException):
        return JSONResponse({"error": error.detail}, status_code=error.status_code)
    return JSONResponse({"error": "something went wrong"}, status_code=500)


def web_routes(web: WebContext) -> list[BaseRoute]:
    """Every Mini App route, to mount in the webhook's server or a server of their own."""
    return [
        *_pages(),
        Mount(f"{PREFIX}/static", app=CachedStatic(directory=STATIC_DIR), name="static"),
        *dashboard_routes(web),
        *editor_routes(web),
    ]


def web_app(web: WebContext, extra: list[BaseRoute] | None = None) -> Starlette:
    """The Mini Apps (and `extra` routes, the webhook's) as one ASGI app."""
    return Starlette(
        routes=[*(extra or []), *web_routes(web)],
        exception_handlers={HTTPException: _http_error},
    )
