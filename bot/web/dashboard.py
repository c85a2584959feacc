"""The organizer dashboard's endpoints, for organizers only (`WebContext.organizer`):

- GET /app/api/dashboard[?campaign=<id>]: one campaign's numbers (the default campaign without
  `campaign`; 404 for an id the bot does not run): fresh while they are cheap, else from its
  snapshot (bot/web/snapshots.py: served at once, refreshed in the background while someone
  looks), and
  the campaigns to pick from, read fresh on every request.
- GET /app/api/export?campaign=<id>&what=summary|letters|supporters|personal
  [&of=letters|supporters][&confirm=yes]: the CSV exports /export sends, through the same
  writers (formula-injection guard included). Personal data (`what=personal`: the letters, or
  with `of=supporters` the supporters, with names, Telegram ids and letter bodies) only with
  `confirm=yes`, which the page sends after an explicit confirmation; every one is logged.

Both read `initData` from the `Authorization: tma …` header, so the page fetches exports with
JS and saves them from a Blob (a plain link cannot carry the header).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bot.campaign import Campaign
from bot.reports.export import export as export_rows
from bot.telegram.organizers.access import picker_order
from bot.web.context import WebContext
from bot.web.dashboard_data import dashboard_numbers
from bot.web.snapshots import Json, Snapshots

log = logging.getLogger(__name__)
API = "/app/api"
KINDS = ("summary", "letters", "supporters")
PERSONAL = "personal"
CHUNK = 64 * 1024


def snapshots_for(web: WebContext) -> Snapshots:
    """The WebContext's dashboard snapshots, made on first use."""
    if web.dashboard is None:

        async def compute(campaign: Campaign) -> Json:
            campaigns = web.use.catalogue.campaigns
            return await web.use.store.read(dashboard_numbers, campaign, campaigns, web.clock())

        web.dashboard = Snapshots(compute)
    return web.dashboard


def _campaign(web: WebContext, request: Request) -> Campaign:
    """The campaign the query names (the default without one); 404 for one the bot lacks."""
    named = request.query_params.get("campaign", "").strip().lower()
    if not named:
        return web.use.campaign
    campaign = web.use.catalogue.get(named)
    if campaign is None:
        raise HTTPException(404, f"no campaign {named[:40]!r} in this bot")
    return campaign


def _choices(web: WebContext) -> list[Json]:
    """The campaigns to pick from, as /stats offers them: the default first, then open ones."""
    now = web.clock()
    ordered = picker_order(web.use.catalogue.campaigns, web.use.campaign, now)
    return [{"id": c.id, "title": c.title, "state": c.state(now)} for c in ordered]


def dashboard_routes(web: WebContext) -> list[BaseRoute]:
    """The numbers and the exports, each request checked for an organizer's initData first."""
    snapshots = snapshots_for(web)

    async def numbers(request: Request) -> Response:
        web.organizer(request)
        campaign = _campaign(web, request)
        snapshot = await snapshots.get(campaign)
        body = {**snapshot, "campaigns": _choices(web)}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def download(request: Request) -> Response:
        return await _download(web, request)

    return [
        Route(f"{API}/dashboard", numbers, methods=["GET"]),
        Route(f"{API}/export", download, methods=["GET"]),
    ]


async def _download(web: WebContext, request: Request) -> Response:
    """One export as a CSV attachment, spooled to a temporary file by a database reader."""
    user = web.organizer(request)
    campaign = _campaign(web, request)
    what, personal = _what(request)
    if personal:
        log.warning("web: organizer %s downloads personal %s of %s", user.id, what, campaign.id)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed once streamed
    try:
        await web.use.store.read(
            _export_into,
            spool,
            campaign_id=campaign.id,
            campaign=campaign,
            what=what,
            include_personal=personal,
        )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    name = f"{campaign.id}-{what}{'-personal' if personal else ''}-{web.clock():%Y-%m-%d}.csv"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(_chunks(spool), media_type="text/csv; charset=utf-8", headers=headers)


def _what(request: Request) -> tuple[str, bool]:
    """(export kind, with personal data) from the query; 400 for anything else, and for
    personal data without `confirm=yes`."""
    what = request.query_params.get("what", "summary")
    if what not in (*KINDS, PERSONAL):
        raise HTTPException(400, f"what must be one of {', '.join((*KINDS, PERSONAL))}")
    if what != PERSONAL:
        return what, False
    if request.query_params.get("confirm") != "yes":
        raise HTTPException(400, "personal data need an explicit confirmation (confirm=yes)")
    of = request.query_params.get("of", "letters")
    if of not in ("letters", "supporters"):
        raise HTTPException(400, "of must be letters or supporters")
    return of, True


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled export in pieces, the file closed at the end (or when the client leaves)."""
    try:
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def _export_into(repo: Any, out: IO[bytes], **options: Any) -> int:
    """`export` inside the Store's read transaction, on a database thread."""
    return export_rows(repo, out, **options)
