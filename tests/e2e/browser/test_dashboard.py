"""The organizer dashboard end to end: the real bot polling the fake Bot API, its Mini Apps
server, and headless Chromium on a phone-sized screen. An organizer's /dashboard gives a
web_app button; the page opened with signed initData shows what supporters did in the bot, its
map, and downloads the exports (personal data only after the confirmation); anyone else, or a
tampered or expired initData, is refused with a clear message. The page speaks the organizer's
language in the bot, which the button passes as `?lang=`."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.campaign import find_campaign, load_campaign
from tests.e2e.browser.conftest import (
    init_data,
    launch_url,
    screenshot,
    start_web_bot,
    stop_web_bot,
)
from tests.e2e.conftest import start_bot, stop_bot
from tests.e2e.helpers import drive_to_letters, letter_rows

BUNDLED = load_campaign(find_campaign(None))
ORGANIZER = 9001


async def write_two_and_send_one(bot: Any, make_supporter: Any) -> None:
    """Ani (ZIP 91203, California) drafts two letters through the bot and sends one."""
    ani = make_supporter()
    await ani.say("/start ig_story")
    drive = await drive_to_letters(ani)
    await ani.tap("I sent it", drive.letters[0])
    await bot.running.fake.wait_for(
        lambda f: any(letter.sent_at for letter in letter_rows(bot.running, ani.id)),
        what="a letter marked sent",
    )


@asynccontextmanager
async def bot_with_letters(fake: Any, database_url: str, make_supporter: Any) -> AsyncIterator[Any]:
    """The bot with its Mini Apps, Ani's two letters (one sent) in it; stopped afterwards."""
    bot = await start_web_bot(fake, database_url, BUNDLED, admin_ids=frozenset({ORGANIZER}))
    try:
        await write_two_and_send_one(bot, make_supporter)
        yield bot
    finally:
        await stop_web_bot(bot)


async def dashboard_button(organizer: Any) -> dict[str, Any]:
    """The one button of the bot's answer to the organizer's /dashboard."""
    reply = await organizer.say("/dashboard")
    [[button]] = reply.inline_keyboard
    return dict(button)


async def test_an_organizer_sees_and_downloads_the_numbers(
    fake: Any, database_url: str, make_supporter: Any, phone: Any, tmp_path: Path
) -> None:
    async with bot_with_letters(fake, database_url, make_supporter) as bot:
        button = await dashboard_button(make_supporter(ORGANIZER, "Org", None))
        assert button["web_app"] == {"url": f"{bot.web_url}/app/dashboard?lang=en"}

        await phone.goto(launch_url(bot, "dashboard", init_data(ORGANIZER, "Org")))
        await phone.wait_for_selector("#content:not([hidden])")
        totals = await phone.inner_text("#totals")
        assert "2\nletters drafted" in totals and "1\nmarked sent" in totals
        assert "50%\nshare sent" in totals
        assert "As of" in await phone.inner_text("#as-of")
        assert await phone.locator("#map .tile").count() == 51
        california = phone.locator('#map .tile[data-state="CA"]')
        assert await california.get_attribute("data-letters") == "2"
        assert "ig_story" in await phone.inner_text("#by-source")
        assert await phone.locator("#chart svg rect.sent").count() == 30
        await screenshot(phone, "dashboard")

        summary = await download(phone, "#get-summary", tmp_path)
        assert summary.name.startswith(f"{BUNDLED.id}-summary-")
        assert "letters" in summary.read_text("utf-8-sig").splitlines()[0]

        personal = phone.locator("#get-personal-letters")
        assert await personal.is_disabled()
        refused = await phone.evaluate(
            "MiniApp.api('/app/api/export?what=personal').then(() => 200, (e) => e.status)"
        )
        assert refused == 400
        await phone.check("#confirm-personal")
        letters = await download(phone, "#get-personal-letters", tmp_path)
        assert "-letters-personal-" in letters.name and "Ani" in letters.read_text("utf-8-sig")


# Headings and a total card in each language, as the page should show them.
SCRIPTS = {
    "ru": (re.compile("[А-Яа-яЁё]"), "Письма по дням", "Выгрузки", "составлено писем"),
    "hy": (re.compile("[\u0531-\u0587]"), "Նամակներն ըստ օրերի", "Ներբեռնումներ", "կազմված նամակ"),
}
# Dates written the English way (a browser without the language's data falls back to them).
ENGLISH_DATES = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|AM|PM)\b")
# The bot's labels for no state and no source (bot/store/reports.py), as the page says them.
NO_STATE_NO_SOURCE = {"ru": ("не указан", "напрямую"), "hy": ("նշված չէ", "ուղիղ մուտք")}
# What the page shows around the data; besides the texts, none of it may stay English.
ENGLISH = [
    "Letters per day",
    "Downloads",
    "Personalization",
    "Where supporters are",
    "By demand",
    "By state",
    "By source",
    "By campaign",
    "letters drafted",
    "marked sent",
    "share sent",
    "get updates",
    "blocked the bot",
    "Nothing yet",
    "As of",
    "refreshed every",
    "Median personalization",
    "five-word phrases",
    "Each supporter counts once",
    "Summary",
    "Supporters with names",
    "Personal data",
    "will keep them safe",
    "unknown",
    "direct",
    "drafted",
]


@pytest.mark.parametrize("language", ["ru", "hy"])
async def test_the_dashboard_speaks_the_organizers_language(
    fake: Any, database_url: str, make_supporter: Any, phone: Any, language: str
) -> None:
    async with bot_with_letters(fake, database_url, make_supporter) as bot:
        await make_supporter(1002, "Bob", None).say("/start")  # no link, no state yet
        button = await dashboard_button(make_supporter(ORGANIZER, "Org", None, language))
        url = urlsplit(button["web_app"]["url"])
        assert url.path == "/app/dashboard" and url.query == f"lang={language}"

        # Signed initData says "en": the button's ?lang= (the bot's language) wins.
        data = init_data(ORGANIZER, "Org")
        await phone.goto(launch_url(bot, "dashboard", data, query=url.query))
        await phone.wait_for_selector("#content:not([hidden])")
        await phone.wait_for_selector("#chart svg")
        script, per_day, downloads, drafted = SCRIPTS[language]
        assert await phone.evaluate("document.documentElement.lang") == language
        text = await phone.inner_text("body")
        assert per_day in text and downloads in text
        assert f"2\n{drafted}" in await phone.inner_text("#totals")
        assert script.search(await phone.inner_text("#as-of"))
        assert script.search(await phone.title())
        left = [english for english in ENGLISH if english.casefold() in text.casefold()]
        assert left == [], f"English left on the {language} page"
        chart = await phone.evaluate(
            "[...document.querySelectorAll('#chart text, #chart title')].map((e) => e.textContent)"
        )
        assert not ENGLISH_DATES.search(" ".join([text, *chart])), chart
        # Every text the page fills in, its tooltips and the chart's label are this language's.
        hidden = await phone.evaluate(
            """() => [...document.querySelectorAll("[data-t], [title], svg[aria-label], title")]
                .map((e) => e.getAttribute("aria-label") || e.title || e.textContent)"""
        )
        assert all(script.search(words) for words in hidden if words.strip()), hidden
        untranslated = await phone.evaluate(
            """(language) => [...document.querySelectorAll("[data-t]")]
                .filter((e) => e.textContent !== DashboardTexts[language][e.dataset.t])
                .map((e) => e.dataset.t)""",
            language,
        )
        assert untranslated == []
        # Bob came without a link and gave no state yet: the bot's labels are translated.
        no_state, no_source = NO_STATE_NO_SOURCE[language]
        states, sources = await phone.inner_text("#by-state"), await phone.inner_text("#by-source")
        assert no_state in states and "CA" in states
        assert no_source in sources and "ig_story" in sources
        await screenshot(phone, f"dashboard-{language}")


async def download(page: Any, button: str, folder: Path) -> Path:
    """Click a download button; the file the page saved from its Blob, under its own name."""
    async with page.expect_download() as started:
        await page.click(button)
    saved = await started.value
    path = folder / saved.suggested_filename
    await saved.save_as(path)
    return path


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("tampered", 401, "opened from the bot in Telegram"),
        ("expired", 401, "opened from the bot in Telegram"),
        ("supporter", 403, "organizers only"),
    ],
)
async def test_anyone_else_is_refused(
    fake: Any, database_url: str, phone: Any, who: str, status: int, message: str
) -> None:
    bot = await start_web_bot(fake, database_url, BUNDLED, admin_ids=frozenset({ORGANIZER}))
    data = {
        "tampered": init_data(ORGANIZER, token="654321:another-bots-token-0123456789"),
        "expired": init_data(ORGANIZER, auth_date=int(time.time()) - 3700),
        "supporter": init_data(1001),
    }[who]
    try:
        async with httpx.AsyncClient(base_url=bot.web_url) as client:
            answer = await client.get(
                "/app/api/dashboard", headers={"Authorization": f"tma {data}"}
            )
            assert answer.status_code == status
        await phone.goto(launch_url(bot, "dashboard", data))
        error = phone.locator("#error")
        await error.wait_for(state="visible")
        assert message in await error.inner_text()
        assert await phone.locator("#content").is_hidden()
    finally:
        await stop_web_bot(bot)


async def test_dashboard_without_web_url_and_for_others(
    fake: Any, database_url: str, make_supporter: Any
) -> None:
    bot = await start_bot(fake, database_url, BUNDLED, admin_ids=frozenset({ORGANIZER}))
    try:
        organizer = make_supporter(ORGANIZER, "Org", None)
        reply = await organizer.say("/dashboard")
        assert "WEB_URL" in reply.content and not reply.inline_keyboard
        mallory = make_supporter(666, "Mallory", None)
        refused = await mallory.say("/dashboard")
        assert "I don't know that command" in refused.content
    finally:
        await stop_bot(bot)
