"""The Mini Apps' server beside polling, over HTTP: pages with no data in them, static assets
cached for a year under content-hashed links, and endpoints that refuse a request without a
valid initData."""

from __future__ import annotations

from typing import Any

import httpx

from bot.campaign import find_campaign, load_campaign
from bot.web.app import STATIC_CACHE, asset_version
from bot.web.context import WEB
from tests.e2e.browser.conftest import (
    DARK,
    THEME,
    init_data,
    launch_url,
    start_web_bot,
    stop_web_bot,
)

BUNDLED = load_campaign(find_campaign(None))


async def test_pages_and_assets_are_served_beside_polling(fake: Any, database_url: str) -> None:
    bot = await start_web_bot(fake, database_url, BUNDLED)
    try:
        async with httpx.AsyncClient(base_url=bot.web_url) as client:
            page = await client.get("/app/dashboard")
            assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
            version = asset_version()
            assert f"/app/static/miniapp.js?v={version}" in page.text
            script = await client.get(f"/app/static/miniapp.js?v={version}")
            assert script.status_code == 200 and script.headers["cache-control"] == STATIC_CACHE
            assert (await client.get("/app/static/../../pyproject.toml")).status_code == 404
            assert (await client.get("/app/nothing-here")).status_code == 404
    finally:
        await stop_web_bot(bot)
    # Stopped with the bot: nothing listens any more.
    async with httpx.AsyncClient(base_url=bot.web_url) as client:
        try:
            await client.get("/app/dashboard")
            raise AssertionError("the Mini Apps' server outlived the bot")
        except httpx.ConnectError:
            pass


async def test_a_page_takes_telegrams_theme_and_init_data(
    fake: Any, database_url: str, phone: Any
) -> None:
    bot = await start_web_bot(fake, database_url, BUNDLED)
    try:
        data = init_data(1001, "Ani")
        await phone.goto(launch_url(bot, "editor", data, theme=DARK))
        style = "getComputedStyle(document.documentElement).getPropertyValue"
        background = await phone.evaluate(f"{style}('--tg-theme-bg-color').trim()")
        assert background == DARK["bg_color"] != THEME["bg_color"]
        assert await phone.evaluate("MiniApp.initData") == data
        assert await phone.evaluate("MiniApp.user().id") == 1001
    finally:
        await stop_web_bot(bot)


async def test_the_default_campaigns_dashboard_is_computed_at_start(
    fake: Any, database_url: str
) -> None:
    """So the first organizer to open the dashboard is served at once, not after the seconds
    its numbers take at a million letters."""
    bot = await start_web_bot(fake, database_url, BUNDLED)
    try:
        snapshots = bot.running.app.bot_data[WEB].dashboard
        await fake.wait_for(lambda f: snapshots.has(BUNDLED.id), what="the warmed snapshot")
    finally:
        await stop_web_bot(bot)
