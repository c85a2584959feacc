"""Letters to the supporter's own members of Congress, through the fake Bot API, on a small
officials directory imported the way organizers do it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.officials.datasets import import_files
from bot.store import Store
from tests.e2e.conftest import RunningBot, start_bot, stop_bot
from tests.e2e.helpers import (
    assert_clean,
    drive_to_letters,
    latest,
    letter_rows,
    step_of,
    supporter_row,
)
from tests.fakes.telegram_api import FakeTelegram

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "officials"


@pytest.fixture
async def congress_bot(fake: FakeTelegram, database_url: str) -> AsyncIterator[RunningBot]:
    store = Store.from_url(database_url)
    import_files(store, [FIXTURES / "legislators-small.json", FIXTURES / "zccd-small.csv"])
    store.close()
    bot = await start_bot(fake, database_url, load_campaign(find_campaign(None)))
    try:
        yield bot
    finally:
        await stop_bot(bot)


def salutations(bot: RunningBot, telegram_id: int) -> dict[str, str]:
    return {r.target_id: r.body.splitlines()[0] for r in letter_rows(bot, telegram_id)}


async def test_one_district_zip_gets_senators_and_representative(
    congress_bot, make_supporter, caplog
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    drive = await drive_to_letters(ani, place="05001", letters=5)
    assert "district" not in drive.steps
    assert salutations(congress_bot, ani.id) == {
        "president": "Dear Mr. President,",
        "secstate": "Dear Mr. Secretary,",
        "a000001": "Dear Senator Aldrich,",
        "b000002": "Dear Senator Baker,",
        "c000003": "Dear Representative Castillo,",
    }
    rows = {r.target_id: r for r in letter_rows(congress_bot, ani.id)}
    assert rows["a000001"].demands == "sanctions,aid"  # Congress gets aid and sanctions only
    assert "Lachin Corridor without preconditions" not in rows["a000001"].body
    assert rows["president"].demands == "sanctions,aid,corridor"
    senator = next(m for m in drive.letters if "Senator Alice Aldrich" in m.content)
    assert "The Honorable Alice Aldrich" in senator.content

    # Each letter has its own kit and its own "I sent it".
    await ani.tap("PDF, phone script", senator)
    kit = latest(ani)
    assert "calling the office of the United States Senator for VT" in kit.content
    await ani.tap("I sent it", senator)
    sent = {r.target_id for r in letter_rows(congress_bot, ani.id) if r.sent_at}
    assert sent == {"a000001"}
    await assert_clean(congress_bot, caplog)


async def test_split_zip_asks_the_supporter_to_pick_their_member(
    congress_bot, make_supporter, caplog
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    await ani.tap("Write a letter")
    for label in ("Continue", "Continue", "Sign as"):
        await ani.tap(label)
    prompt = await ani.say("85215-1234")
    assert step_of(prompt) is None and "Which of these is your representative?" in prompt.content
    labels = [label for label, _ in prompt.buttons]
    assert any("Jon Jarvis" in label and "AZ-5" in label for label in labels)
    await ani.tap("Jon Jarvis", prompt)
    await ani.say("My grandmother was born in Shushi.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 5)
    assert salutations(congress_bot, ani.id)["j000010"] == "Dear Representative Jarvis,"
    assert {"h000008", "i000009"} <= set(salutations(congress_bot, ani.id))
    # The next letter needs no ZIP and no district question: both are on the profile.
    row = supporter_row(congress_bot, ani.id)
    assert (row.zip, row.state, row.district) == ("85215", "AZ", 5)
    again = await drive_to_letters(ani, start="Start over", letters=5)
    assert "place" not in again.steps and "district" not in again.steps
    assert salutations(congress_bot, ani.id)["j000010"] == "Dear Representative Jarvis,"

    # /me shows it and can forget it: the next letter asks again.
    me = await ani.say("/me")
    assert "(district AZ-5)" in me.content
    await ani.tap("Change where I live", me)
    assert supporter_row(congress_bot, ani.id).district is None
    await ani.tap("Write a letter")
    for label in ("Continue", "Continue"):
        await ani.tap(label)
    assert step_of(latest(ani)) == "place"
    await assert_clean(congress_bot, caplog)


async def test_outside_the_us_gets_executive_letters_and_a_clear_note(
    congress_bot, make_supporter, caplog
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    await drive_to_letters(ani, place="Yerevan, Armenia", letters=2)
    await ani.fake.wait_for(lambda f: latest(ani).content.startswith("ℹ️"))
    notes = [m.content for m in ani.fake.chat(ani.id) if m.content.startswith("ℹ️")]
    assert len(notes) == 1
    assert "No letter to Your two senators" in notes[0]
    assert "Congress letters need a US ZIP code or state" in notes[0]
    assert set(salutations(congress_bot, ani.id)) == {"president", "secstate"}
    await assert_clean(congress_bot, caplog)


async def test_real_data_split_zip_reaches_real_members(
    fake: FakeTelegram, database_url: str, make_supporter, caplog
) -> None:
    """On the real congress-legislators and zccd files (skipped when ../shared is absent)."""
    from tests.officials.conftest import real_file

    store = Store.from_url(database_url)
    import_files(store, [real_file("legislators-current.json"), real_file("zccd.csv")])
    store.close()
    bot = await start_bot(fake, database_url, load_campaign(find_campaign(None)))
    try:
        ani = make_supporter()
        await ani.say("/start")
        await ani.tap("Write a letter")
        await ani.tap("The President")  # unselect the executive offices: Congress only
        await ani.tap("The Secretary of State")
        for label in ("Continue", "Continue", "Sign as"):
            await ani.tap(label)
        prompt = await ani.say("98101")  # Seattle: split between WA-7 and WA-9
        labels = [label for label, _ in prompt.buttons]
        assert any("Jayapal" in label for label in labels)
        assert any("Smith" in label for label in labels)
        await ani.tap("Jayapal", prompt)
        await ani.say("My family came from Artsakh.")
        await fake.wait_for(lambda f: len(ani.letters()) == 3)
        assert sorted(salutations(bot, ani.id).values()) == [
            "Dear Representative Jayapal,",
            "Dear Senator Cantwell,",
            "Dear Senator Murray,",
        ]
        jayapal = next(m for m in ani.letters() if "Jayapal" in m.content)
        await ani.tap("PDF, phone script", jayapal)
        await fake.wait_for(lambda f: "Or call" in latest(ani).content)
        assert "📞 Washington office: 202-" in latest(ani).content
        await assert_clean(bot, caplog)
    finally:
        await stop_bot(bot)
