"""Organizers through the fake Bot API: every admin command and button is theirs alone."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.campaign.freshness import stale_items
from tests.e2e.conftest import TEST_TOKEN, RunningBot, Supporter, start_bot, stop_bot
from tests.e2e.helpers import (
    assert_clean_but_menu,
    drive_to_letters,
    settle,
    supporter_row,
    wait_answered,
)
from tests.fakes.telegram_api import FakeTelegram

ORGANIZER = 9001


@pytest.fixture
async def admin_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[RunningBot]:
    bot = await start_bot(
        fake, database_url, load_campaign(find_campaign(None)), frozenset({ORGANIZER})
    )
    try:
        yield bot
    finally:
        await stop_bot(bot)


async def test_organizer_menu_waits_until_they_write(admin_bot, make_supporter, caplog) -> None:
    fake = admin_bot.fake
    # At start-up the organizer had never opened the bot: "chat not found", and no crash.
    assert any(
        c.method == "setMyCommands" and "chat not found" in (c.error or "") for c in fake.errors
    )
    supporter_commands = [c for c, _ in fake.commands()]
    assert "stats" not in supporter_commands and "letter" in supporter_commands
    organizer = make_supporter(ORGANIZER, "Org", None)
    await organizer.say("/start")
    scope = {"type": "chat", "chat_id": ORGANIZER}
    await fake.wait_for(lambda f: f.commands(scope))
    organizer_commands = [c for c, _ in fake.commands(scope)]
    assert {"stats", "export", "broadcast", "letter"} <= set(organizer_commands)


@pytest.mark.parametrize("command", ["/stats", "/export", "/export personal", "/broadcast hi"])
async def test_non_organizers_get_nothing(admin_bot, make_supporter, command: str) -> None:
    fake = admin_bot.fake
    mallory = make_supporter(666, "Mallory", None)
    reply = await mallory.say(command)
    assert "I don't know that command" in reply.content
    own = [c for c in fake.calls if c.chat_id == mallory.id and c.ok]
    assert [c.method for c in own] == ["sendMessage"]  # no photo, no document, no broadcast
    assert not fake.calls_to("sendDocument") and not fake.calls_to("sendPhoto")


async def test_forged_admin_buttons_are_refused(admin_bot, make_supporter) -> None:
    fake = admin_bot.fake
    mallory = make_supporter(666, "Mallory", None)
    organizer = make_supporter(ORGANIZER, "Org", None)
    await organizer.say("/start")
    fan = make_supporter(700, "Fan", None)
    await fan.say("/start")
    await fan.say("/me")
    await fan.tap("Get updates")
    preview = await organizer.say("/broadcast Vote on Thursday!")
    welcome = await mallory.say("/start")
    for data in [preview.button_data("Send to"), "a|ex|personal", "a|bc|1|no"]:
        query = await mallory.tap_data(welcome, data)
        assert fake.callback(query).answer_text == "That button is not available."
    assert not fake.calls_to("sendDocument")
    assert [m.content for m in fake.chat(fan.id)][-1] != "Vote on Thursday!"


async def test_stats_for_the_organizer(admin_bot, make_supporter, caplog) -> None:
    fake = admin_bot.fake
    ani = make_supporter()
    await ani.say("/start ig_story")
    drive = await drive_to_letters(ani)
    await ani.tap("I sent it", drive.letters[0])
    organizer = make_supporter(ORGANIZER, "Org", None)
    await organizer.say("/stats")
    await fake.wait_for(lambda f: len(f.chat(ORGANIZER)) >= 2)
    photo, text = fake.chat(ORGANIZER)[-2:]
    assert photo.photo is not None and photo.photo.content.startswith(b"\x89PNG")
    assert "2 supporters" not in photo.caption and "1 supporter" in photo.caption
    assert "2 letters drafted, 1 sent (50%)" in photo.caption
    assert "The President: 1 / 1" in text.content or "The President: 1 / 0" in text.content
    assert "ig_story: 1" in text.content
    await assert_clean_but_menu(admin_bot, caplog)


async def test_stats_tells_the_organizer_which_data_to_recheck(
    admin_bot, make_supporter, caplog
) -> None:
    fake = admin_bot.fake
    organizer = make_supporter(ORGANIZER, "Org", None)
    await organizer.say("/stats")
    await fake.wait_for(lambda f: len(f.chat(ORGANIZER)) >= 2)
    await settle(admin_bot)
    photo, text = fake.chat(ORGANIZER)  # the note fits, so it ends the stats message
    assert photo.photo is not None and "By recipient" in text.content
    note = text.content[text.content.index("🗓 Data to re-check (older than 180 days)") :]
    lines = note.splitlines()[1:]
    # The bundled campaign's dates (2025-08-08) are older than its stale_after_days.
    assert lines[0].startswith("• The President: holder Donald J. Trump checked 2025-08-08 (")
    # Every stale date, then the empty officials directory: 8 lines, then how many more.
    stale = len(stale_items(admin_bot.campaign, datetime.now(UTC).date())) + 1
    assert len(lines) == 9 and stale > 8
    assert lines[-1] == f"• … and {stale - 8} more: run campaign-bot check"
    await assert_clean_but_menu(admin_bot, caplog)


async def test_export_documents_parse_and_guard_personal_data(
    admin_bot, make_supporter, caplog
) -> None:
    fake = admin_bot.fake
    ani = make_supporter(1001, '=HYPERLINK("x")', "Հակոբյան")
    await ani.say("/start")
    await drive_to_letters(ani)
    organizer = make_supporter(ORGANIZER, "Org", None)

    await organizer.say("/export letters")
    await fake.wait_for(lambda f: f.calls_to("sendDocument"))
    document = fake.chat(ORGANIZER)[-1].document
    rows = list(csv.DictReader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert "Հակոբյան" not in document.content.decode("utf-8-sig")  # no names by default
    assert str(ani.id) not in document.content.decode("utf-8-sig")

    confirm = await organizer.say("/export personal")
    assert "Export personal data?" in confirm.content
    query = fake.tap_button(organizer.user, confirm, "Yes, export personal data")
    await wait_answered(fake, query)
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 3)
    personal = fake.chat(ORGANIZER)[-2].document.content.decode("utf-8-sig")
    assert "Հակոբյան" in personal
    assert "'=HYPERLINK" in personal  # neutralized against formula injection
    await assert_clean_but_menu(admin_bot, caplog)


async def test_broadcast_preview_confirm_and_report(admin_bot, make_supporter, caplog) -> None:
    fake = admin_bot.fake
    fans: list[Supporter] = []
    for i in range(5):
        fan = make_supporter(2000 + i, f"Fan{i}", None)
        await fan.say("/me")
        await fan.tap("Get updates")
        fans.append(fan)
    quiet = make_supporter(2100, "Quiet", None)
    await quiet.say("/start")
    fake.block(2004, notify=False)  # the bot learns it only from the 403 on sending
    organizer = make_supporter(ORGANIZER, "Org", None)
    preview = await organizer.say("/broadcast The vote is on <Thursday> & we need you!")
    assert "It will go to 5 supporters" in preview.content
    assert "The vote is on <Thursday> & we need you!" in preview.content
    assert not any("vote" in m.content for m in fake.chat(2000))  # nothing sent before confirm

    query = fake.tap_button(organizer.user, preview, "Send to 5")
    await wait_answered(fake, query)
    await fake.wait_for(
        lambda f: "Broadcast finished" in f.message(ORGANIZER, preview.message_id).content
    )
    report = fake.message(ORGANIZER, preview.message_id).content
    assert "Delivered: 4" in report and "Blocked the bot: 1" in report
    for fan in fans[:4]:
        got = [m for m in fake.chat(fan.id) if "The vote is on <Thursday>" in m.content]
        assert len(got) == 1
    assert not any("vote" in m.content for m in fake.chat(quiet.id))
    assert supporter_row(admin_bot, 2004).blocked
    # A second tap on the old button sends nothing more.
    query = fake.tap(
        organizer.user, preview.message_id, preview.button_data("Send to 5"), check=False
    )
    assert "already" in (await wait_answered(fake, query) or "")
    assert sum("The vote is on" in m.content for f in fans for m in fake.chat(f.id)) == 4


async def test_bot_start_resumes_an_interrupted_broadcast_and_reports(
    fake: FakeTelegram, database_url: str
) -> None:
    """A restart in the middle of a broadcast: the new process finishes it from post_init and
    edits the organizer's report message; nobody gets it twice."""
    from bot import broadcast_lifecycle as broadcasts
    from bot.store import Store, broadcast_queries, delivery_claims, participation
    from bot.store import Supporter as SupporterRow
    from bot.telegram.broadcasting.sender import LOCAL_HOLDER

    store = Store.from_url(database_url)
    with store.transaction() as repo:
        for telegram_id in range(3000, 3006):
            supporter = SupporterRow(telegram_id=telegram_id)
            repo.session.add(supporter)
            repo.session.flush()
            assert supporter.id is not None
            participation.join(repo, supporter.id, "lachin-2023")[0].opted_in = True
    for telegram_id in range(3000, 3006):
        fake.make_user(telegram_id, f"S{telegram_id}", started=True)
    fake.make_user(ORGANIZER, "Org", started=True)
    preview = store.call(broadcasts.create, "lachin-2023", "Rally on Sunday", ORGANIZER)
    assert store.call(broadcast_queries.start_sending, preview.broadcast_id)
    # The previous process had reached two people, then died with one more in flight.
    claimed = store.call(delivery_claims.claim, preview.broadcast_id, 3, LOCAL_HOLDER)
    for recipient in claimed:
        assert store.call(delivery_claims.attempt, recipient.delivery_id, LOCAL_HOLDER)
    first, second, _in_flight = claimed
    store.call(
        broadcasts.settle, preview.broadcast_id, [(first, "delivered"), (second, "delivered")]
    )
    store.close()
    report = await _organizer_report_message(fake)
    other = Store.from_url(database_url)
    other.call(broadcast_queries.set_report_message, preview.broadcast_id, ORGANIZER, report)
    other.close()

    bot = await start_bot(
        fake, database_url, load_campaign(find_campaign(None)), frozenset({ORGANIZER})
    )
    try:
        await fake.wait_for(lambda f: "Broadcast finished" in f.message(ORGANIZER, report).content)
        text = fake.message(ORGANIZER, report).content
        assert "Delivered: 5" in text  # two before the restart, the three left after it
        assert "1 interrupted by a restart" in text  # the one in flight is not re-sent
        got = [sum(m.content == "Rally on Sunday" for m in fake.chat(t)) for t in range(3000, 3006)]
        assert got.count(1) == 3 and max(got) == 1
    finally:
        await stop_bot(bot)


async def _organizer_report_message(fake: FakeTelegram) -> int:
    """A message in the organizer's chat, as the bot's earlier progress report."""
    from telegram import Bot

    async with Bot(TEST_TOKEN, base_url=fake.base_url) as bot:
        message = await bot.send_message(ORGANIZER, "📣 Sending…")
    return message.message_id
