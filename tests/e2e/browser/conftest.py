"""Browser fixtures: the real bot with its Mini Apps server on a free local port, the fake Bot
API, and headless Chromium (Debian's, driven by Playwright through its executable path). Pages
open the way Telegram opens them: the launch parameters, `initData` signed with the test token
among them, in the URL's fragment. Each test keeps screenshots in test-artifacts/screenshots/.

Skipped, saying why, only where no Chromium is installed (CHROMIUM names another binary)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bot.campaign import Campaign
from bot.campaign.catalogue import Catalogue
from bot.web.init_data import sign
from tests.e2e.conftest import TEST_TOKEN, RunningBot, start_bot, stop_bot

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
# As the machine's network is closed, Chromium must not try its background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Telegram's default light theme, as a client passes it in tgWebAppThemeParams.
THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#efeff3",
}
DARK = {**THEME, "bg_color": "#17212b", "text_color": "#f5f5f5", "secondary_bg_color": "#232e3c"}
PHONE = {"width": 390, "height": 844}  # a phone's screen, as Telegram's in-app browser has it


def chromium_path() -> str | None:
    given = os.environ.get("CHROMIUM")
    for candidate in (given, "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def init_data(
    user_id: int,
    first_name: str = "Ani",
    *,
    auth_date: int | None = None,
    token: str = TEST_TOKEN,
    extra: Mapping[str, str] | None = None,
) -> str:
    """`initData` as Telegram signs it for this user (with the test bot's token by default)."""
    user = {"id": user_id, "first_name": first_name, "language_code": "en"}
    fields = {
        "query_id": "AAH-test",
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
        **(extra or {}),
    }
    return sign(fields, token)


def launch_url(
    bot: WebBot, page: str, data: str, query: str = "", theme: Mapping[str, str] = THEME
) -> str:
    """A Mini App's address with Telegram's launch parameters in the fragment."""
    theme_json = json.dumps(dict(theme), separators=(",", ":"))
    fragment = f"tgWebAppData={quote(data, safe='')}&tgWebAppVersion=8.0"
    fragment += f"&tgWebAppPlatform=android&tgWebAppThemeParams={quote(theme_json, safe='')}"
    return f"{bot.web_url}/app/{page}{'?' + query if query else ''}#{fragment}"


class WebBot:
    """The running bot and where its Mini Apps are."""

    def __init__(self, running: RunningBot, web_url: str) -> None:
        self.running = running
        self.web_url = web_url


async def start_web_bot(
    fake: Any,
    database_url: str,
    campaign: Campaign | Catalogue,
    admin_ids: frozenset[int] = frozenset(),
) -> WebBot:
    port = free_port()
    web_url = f"http://127.0.0.1:{port}"
    running = await start_bot(
        fake, database_url, campaign, admin_ids=admin_ids, web_url=web_url, web_port=port
    )
    return WebBot(running, web_url)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium here: install Debian's chromium (CI does), or set CHROMIUM")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def phone(browser: Any) -> AsyncIterator[Any]:
    """A page the size of a phone's screen."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


async def screenshot(page: Any, name: str) -> Path:
    """Keep what the page shows now as test-artifacts/screenshots/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def stop_web_bot(bot: WebBot) -> None:
    await stop_bot(bot.running)
