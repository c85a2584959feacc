"""Organizers of a bot that runs several campaigns: /stats and /export ask which campaign first
(a button each, the default first), `/stats <id>` and `/export <id> …` go straight to one, and
/broadcast previews for the default campaign with a button to send to another's supporters."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.campaign.catalogue import load_catalogue
from bot.paths import CAMPAIGNS_DIR
from bot.store.models import Broadcast
from tests.e2e.conftest import RunningBot, Supporter, start_bot, stop_bot
from tests.e2e.helpers import (
    assert_clean_but_menu,
    drive_to_letters,
    settle,
    wait_answered,
)
from tests.fakes.telegram_api import BotMessage, FakeTelegram

ORGANIZER = 9001
DEFAULT = "lachin-2023"
BUNDLED = (CAMPAIGNS_DIR / f"{DEFAULT}.toml").read_text(encoding="utf-8")
BUNDLED_TITLE = "Nagorno-Karabakh: accountability, no US military aid, a safe return"
# id -> (title, extra top-level lines)
CAMPAIGNS = {
    "spring": ("Spring & letters", ()),
    "old-2020": ("Old drive", ("closes = 2020-01-01",)),
    "next-2099": ("Future drive", ("opens = 2099-01-01",)),
}


def write_campaign(folder: Path, campaign_id: str, title: str, *lines: str) -> None:
    """The bundled campaign under another id and title, with top-level `lines` (dates)."""
    text = BUNDLED.replace(f'\nid = "{DEFAULT}"\n', f'\nid = "{campaign_id}"\n', 1)
    header = "".join(f"{line}\n" for line in lines)
    text = text.replace(f'\ntitle = "{BUNDLED_TITLE}"\n', f'\ntitle = "{title}"\n{header}', 1)
    (folder / f"{campaign_id}.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def campaigns_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    (folder / f"{DEFAULT}.toml").write_text(BUNDLED, encoding="utf-8")
    for campaign_id, (title, lines) in CAMPAIGNS.items():
        write_campaign(folder, campaign_id, title, *lines)
    return folder


@pytest.fixture
async def several(
    fake: FakeTelegram, database_url: str, campaigns_dir: Path
) -> AsyncIterator[RunningBot]:
    catalogue = load_catalogue(campaigns_dir, DEFAULT)
    bot = await start_bot(fake, database_url, catalogue, frozenset({ORGANIZER}))
    try:
        yield bot
    finally:
        await stop_bot(bot)


def organizer_of(make_supporter) -> Supporter:
    return make_supporter(ORGANIZER, "Org", None)


async def write_in(s: Supporter, campaign_id: str | None, *, sent: int = 0) -> None:
    """The supporter opens the campaign (the default one: None) and drafts its two letters,
    marking `sent` of them sent."""
    await s.say(f"/start c-{campaign_id}" if campaign_id else "/start")
    drive = await drive_to_letters(s)
    for letter in drive.letters[:sent]:
        await s.tap("I sent it", letter)


async def wants_updates(s: Supporter, campaign_id: str | None) -> None:
    """The supporter opens the campaign and asks for its updates."""
    await s.say(f"/start c-{campaign_id}" if campaign_id else "/start")
    await s.say("/me")
    await s.tap("Get updates")


def picker_labels(message: BotMessage) -> list[str]:
    return [label for label, _ in message.buttons]


def assert_fits(message: BotMessage) -> None:
    for _, data in message.buttons:
        assert data is not None and len(data.encode()) <= 64, data


PICKER = [BUNDLED_TITLE, "Spring & letters", "Future drive (not open yet)", "Old drive (closed)"]


async def stats_of(fake: FakeTelegram, since: int) -> tuple[BotMessage, BotMessage]:
    """The chart and the numbers the organizer got after `since`."""
    await fake.wait_for(lambda f: len(f.chat(ORGANIZER)) >= since + 2)
    photo, text = fake.chat(ORGANIZER)[since : since + 2]
    assert photo.photo is not None
    return photo, text


async def test_stats_asks_which_campaign_and_shows_its_own_counts(
    several: RunningBot, make_supporter, caplog
) -> None:
    fake = several.fake
    await write_in(make_supporter(1001, "Ani", "Hakobyan"), None)
    await write_in(make_supporter(1002, "Bob", "Smith"), "spring", sent=1)
    organizer = organizer_of(make_supporter)

    picker = await organizer.say("/stats")
    assert "Which campaign's numbers?" in picker.content
    assert picker_labels(picker) == PICKER  # the default, the open one, then the others
    assert_fits(picker)
    assert not fake.calls_to("sendPhoto")

    before = len(fake.chat(ORGANIZER))
    await organizer.tap("Spring & letters", picker)
    photo, text = await stats_of(fake, before)
    assert "Spring & letters" in photo.caption
    assert "2 letters drafted, 1 sent (50%)" in photo.caption
    assert "By recipient" in text.content

    before = len(fake.chat(ORGANIZER))
    await organizer.tap(BUNDLED_TITLE, picker)  # the picker stays: another tap, another's
    photo, _ = await stats_of(fake, before)
    assert BUNDLED_TITLE in photo.caption and "2 letters drafted, 0 sent" in photo.caption

    before = len(fake.chat(ORGANIZER))
    await organizer.say("/stats SPRING")  # an id skips the picker
    photo, _ = await stats_of(fake, before)
    assert "2 letters drafted, 1 sent (50%)" in photo.caption

    unknown = await organizer.say("/stats autumn")
    assert "no campaign with the id autumn" in unknown.content
    assert "lachin-2023, next-2099, old-2020, spring" in unknown.content
    await assert_clean_but_menu(several, caplog)


def csv_rows(message: BotMessage) -> list[dict[str, str]]:
    assert message.document is not None
    return list(csv.DictReader(io.StringIO(message.document.content.decode("utf-8-sig"))))


async def test_export_of_the_picked_campaign_only(
    several: RunningBot, make_supporter, caplog
) -> None:
    fake = several.fake
    await write_in(make_supporter(1001, "Ani", "Hakobyan"), None)
    await write_in(make_supporter(1002, "Bob", "Smith"), "spring")
    await write_in(make_supporter(1003, "Cat", "Jones"), "spring")
    organizer = organizer_of(make_supporter)

    picker = await organizer.say("/export letters")
    assert "Which campaign's export?" in picker.content
    assert picker_labels(picker) == PICKER
    assert_fits(picker)
    await organizer.tap("Spring & letters", picker)
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 1)
    document = fake.chat(ORGANIZER)[-1]
    assert document.document is not None
    assert str(document.document.filename).startswith("spring-letters-")
    assert len(csv_rows(document)) == 4  # Bob's and Cat's, not Ani's

    await organizer.say("/export lachin-2023 letters")  # an id skips the picker
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 2)
    assert len(csv_rows(fake.chat(ORGANIZER)[-1])) == 2

    # Personal data: the picker, then the confirmation, which keeps the chosen campaign.
    picker = await organizer.say("/export personal")
    await organizer.tap("Spring & letters", picker)
    confirm = organizer.message_with("Yes, export personal data")
    assert "Export personal data of Spring & letters?" in confirm.content
    assert_fits(confirm)
    await organizer.tap("Yes, export personal data", confirm)
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 4)
    letters, supporters = fake.chat(ORGANIZER)[-2:]
    personal = letters.document.content.decode("utf-8-sig") if letters.document else ""
    assert "Smith" in personal and "Jones" in personal and "Hakobyan" not in personal
    assert str(letters.document.filename).startswith("spring-letters-personal-")
    assert str(supporters.document.filename).startswith("spring-supporters-personal-")

    unknown = await organizer.say("/export autumn")
    assert "no campaign with the id autumn" in unknown.content
    usage = await organizer.say("/export spring everything")
    assert "/export campaign-id letters" in usage.content
    await assert_clean_but_menu(several, caplog)


async def test_broadcast_to_another_campaigns_supporters(
    several: RunningBot, make_supporter, caplog
) -> None:
    fake = several.fake
    ani, bob = make_supporter(1001, "Ani", None), make_supporter(1002, "Bob", None)
    await wants_updates(ani, None)
    await wants_updates(bob, "spring")
    await make_supporter(1003, "Cat", None).say("/start c-spring")  # no updates
    organizer = organizer_of(make_supporter)

    preview = await organizer.say("/broadcast Spring rally on Sunday!")
    assert f"For the supporters of {BUNDLED_TITLE}" in preview.content
    assert "It will go to 1 supporter" in preview.content
    assert picker_labels(preview) == [
        "📣 Send to 1",
        "Cancel",
        "↪️ To Spring & letters instead",
        "↪️ To Future drive (not open yet) instead",
        "↪️ To Old drive (closed) instead",
    ]
    assert_fits(preview)
    first_send = preview.button_data("Send to 1")

    await organizer.tap("To Spring & letters instead", preview)
    moved = fake.message(ORGANIZER, preview.message_id)  # the same message, edited
    assert "For the supporters of Spring & letters" in moved.content
    assert "It will go to 1 supporter" in moved.content
    assert "↪️ To " + BUNDLED_TITLE[:40] in " ".join(picker_labels(moved))
    assert "Spring rally on Sunday!" in moved.content

    # The old draft's Send button (a stale client) sends nothing any more.
    query = fake.tap(organizer.user, preview.message_id, first_send, check=False)
    assert "already" in (await wait_answered(fake, query) or "")

    query = fake.tap_button(organizer.user, moved, "Send to 1")
    await wait_answered(fake, query)
    await fake.wait_for(
        lambda f: "Broadcast finished" in f.message(ORGANIZER, preview.message_id).content
    )
    assert [m.content for m in fake.chat(bob.id)].count("Spring rally on Sunday!") == 1
    assert not any("Spring rally" in m.content for m in fake.chat(ani.id))
    assert not any("Spring rally" in m.content for m in fake.chat(1003))
    with several.store.transaction() as repo:
        rows = [(b.campaign_id, b.status) for b in repo.session.exec(select(Broadcast))]
    assert sorted(rows) == [(DEFAULT, "cancelled"), ("spring", "done")]
    await assert_clean_but_menu(several, caplog)


async def test_picker_buttons_are_organizers_only_and_a_gone_campaign_is_answered(
    several: RunningBot, make_supporter, caplog
) -> None:
    fake = several.fake
    await wants_updates(make_supporter(1002, "Bob", None), "spring")
    organizer = organizer_of(make_supporter)
    preview = await organizer.say("/broadcast Hello")  # nobody in the default campaign
    assert "Send to" not in " ".join(picker_labels(preview))
    broadcast_id = preview.button_data("To Spring & letters instead").split("|")[2]
    mallory = make_supporter(666, "Mallory", None)
    welcome = await mallory.say("/start")
    forged = [
        "a|st|spring",
        "a|ex|c|letters|spring",
        "a|ex|c|personal|spring",
        "a|ex|personal|spring",
        f"a|bc|{broadcast_id}|to|spring",
    ]
    for data in forged:
        query = await mallory.tap_data(welcome, data)
        assert fake.callback(query).answer_text == "That button is not available."
    assert not fake.calls_to("sendDocument") and not fake.calls_to("sendPhoto")
    assert "Hello" not in [m.content for m in fake.chat(1002)]

    gone = [
        "a|st|autumn",
        "a|ex|c|letters|autumn",
        "a|ex|personal|autumn",
        f"a|bc|{broadcast_id}|to|autumn",
    ]
    for data in gone:
        query = await organizer.tap_data(preview, data)
        assert "no longer runs that campaign" in (fake.callback(query).answer_text or "")
    assert not fake.calls_to("sendDocument") and not fake.calls_to("sendPhoto")
    query = await organizer.tap_data(preview, "a|ex|c|everything|spring")
    assert fake.callback(query).answer_text == "That button is out of date."
    await assert_clean_but_menu(several, caplog)


async def test_one_campaign_in_the_catalogue_asks_nothing(
    fake: FakeTelegram, database_url: str, tmp_path: Path, make_supporter, caplog
) -> None:
    (tmp_path / f"{DEFAULT}.toml").write_text(BUNDLED, encoding="utf-8")
    bot = await start_bot(
        fake, database_url, load_catalogue(tmp_path, None), frozenset({ORGANIZER})
    )
    try:
        await wants_updates(make_supporter(1002, "Bob", None), None)
        organizer = organizer_of(make_supporter)
        await organizer.say("/stats")  # straight to the numbers: a chart, then the text
        await stats_of(fake, 0)
        preview = await organizer.say("/broadcast Hello")
        assert picker_labels(preview) == ["📣 Send to 1", "Cancel"]
        assert "For the supporters of" not in preview.content
        confirm = await organizer.say("/export personal")
        assert confirm.content.startswith("🔓 Export personal data?")
        assert [d for _, d in confirm.buttons] == ["a|ex|personal", "a|ex|no"]
        await organizer.say("/export")
        await fake.wait_for(lambda f: f.calls_to("sendDocument"))
        await settle(bot)
        assert not any("Which campaign" in m.content for m in fake.chat(ORGANIZER))
        await assert_clean_but_menu(bot, caplog)
    finally:
        await stop_bot(bot)
