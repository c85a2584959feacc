"""The letter editor end to end: a supporter writes letters through the real bot (fake Bot API),
"Edit" under a letter is a web_app button opening the editor, and headless Chromium edits the
letter there: the score follows the typing, Save shows the new text in the chat, Reset brings
the drafted text back; anyone else, and a tampered or expired initData, is refused."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from bot.campaign import find_campaign, load_campaign
from bot.store import Letter
from tests.e2e.browser.conftest import (
    init_data,
    launch_url,
    screenshot,
    start_web_bot,
    stop_web_bot,
)
from tests.e2e.helpers import body_in_message, letter_id_of, letter_row, started_letters
from tests.fakes.telegram_api import BotMessage

BUNDLED = load_campaign(find_campaign(None))
OWN = (
    "Dear office,\n\nՍա իմ սեփական նամակն է. Я пишу это сам. My grandmother's town matters "
    "to me, and I ask you to speak for it. 🙏"
)
TEXT = "document.getElementById('text')"


def edit_button(message: BotMessage) -> dict[str, Any]:
    found = [b for row in message.inline_keyboard for b in row if "web_app" in b]
    assert len(found) == 1, message.inline_keyboard
    return found[0]


async def open_editor(phone: Any, bot: Any, data: str, letter_id: int) -> None:
    """A fresh load (a new fragment alone would not reload the page)."""
    await phone.goto("about:blank")
    await phone.goto(launch_url(bot, "editor", data, f"letter={letter_id}"))


async def shown_error(phone: Any) -> str:
    await phone.wait_for_selector("#error:not([hidden])")
    return str(await phone.text_content("#error"))


async def test_a_supporter_edits_saves_and_resets_a_letter(
    fake: Any, database_url: str, make_supporter: Any, phone: Any
) -> None:
    bot = await start_web_bot(fake, database_url, BUNDLED)
    try:
        ani = make_supporter(1001)
        message = (await started_letters(ani)).letters[0]
        letter_id = letter_id_of(message)
        drafted = body_in_message(message)
        url = edit_button(message)["web_app"]["url"]
        assert url == f"{bot.web_url}/app/editor?letter={letter_id}"
        assert letter_row(bot.running, letter_id).message_id == message.message_id

        await open_editor(phone, bot, init_data(1001), letter_id)
        await phone.wait_for_function(f"{TEXT}.value.length > 0")
        assert await phone.input_value("#text") == drafted
        assert await phone.text_content("#recipient")
        score = await phone.text_content("#score")
        await phone.fill("#text", OWN)
        await phone.wait_for_function(
            f"document.getElementById('score').textContent !== {json.dumps(score)}"
        )
        assert "/ 4000" in str(await phone.text_content("#count"))
        await screenshot(phone, "editor")

        await phone.click("#save")
        await phone.wait_for_selector("#notice:not([hidden])")
        await fake.wait_for(
            lambda f: "Я пишу это сам" in f.message(1001, message.message_id).content,
            what="the chat message showing the saved letter",
        )
        row = letter_row(bot.running, letter_id)
        assert (row.body, row.edited) == (OWN, True)
        assert "web_app" in edit_button(fake.message(1001, message.message_id))

        await phone.click("#reset")  # the first tap asks to tap again: the edit would be lost
        await phone.wait_for_function(
            "document.getElementById('reset').textContent.includes('again')"
        )
        await phone.click("#reset")
        await phone.wait_for_function(f"{TEXT}.value === {json.dumps(drafted)}")
        await fake.wait_for(
            lambda f: body_in_message(f.message(1001, message.message_id)) == drafted,
            what="the drafted text back in the chat",
        )
        row = letter_row(bot.running, letter_id)
        assert (row.body, row.edited) == (drafted, False)
    finally:
        await stop_web_bot(bot)


async def test_the_editor_refuses_others_bad_init_data_and_a_short_text(
    fake: Any, database_url: str, make_supporter: Any, phone: Any
) -> None:
    bot = await start_web_bot(fake, database_url, BUNDLED)
    try:
        message = (await started_letters(make_supporter(1001))).letters[0]
        letter_id = letter_id_of(message)
        make_supporter(2002, "Ara")

        await open_editor(phone, bot, init_data(2002, "Ara"), letter_id)
        assert "not yours" in await shown_error(phone)
        assert await phone.is_hidden("#editor")
        api = f"{bot.web_url}/app/api/letters/{letter_id}"
        async with httpx.AsyncClient() as client:
            others = {"Authorization": f"tma {init_data(2002, 'Ara')}"}
            assert (await client.get(api, headers=others)).status_code == 404
            put = await client.put(api, headers=others, json={"text": "x" * 50})
            assert put.status_code == 404

        for data in (
            init_data(1001, token="654321:not-this-bot"),
            init_data(1001, auth_date=int(time.time()) - 2 * 3600),
        ):
            await open_editor(phone, bot, data, letter_id)
            assert "Open it again from Telegram" in await shown_error(phone)

        await open_editor(phone, bot, init_data(1001), letter_id)
        await phone.wait_for_function(f"{TEXT}.value.length > 0")
        await phone.fill("#text", "Too short.")
        await phone.click("#save")
        assert "too short" in await shown_error(phone)
        row: Letter = letter_row(bot.running, letter_id)
        assert (row.body, row.edited) == (body_in_message(message), False)
    finally:
        await stop_web_bot(bot)
