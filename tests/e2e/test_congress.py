"""Letters to the supporter's own members of Congress, through the fake Bot API, on a small
officials directory imported the way organizers do it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.officials.datasets import import_files
from bot.store import Store
from tests.e2e.conftest import RunningBot, Supporter, start_bot, stop_bot
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


async def at_the_place_question(ani: Supporter) -> Supporter:
    """A new supporter who chose every recipient and demand and signs with their name."""
    await ani.say("/start")  # the welcome asks who gets a letter and what it asks for
    for label in ("Continue", "Sign as"):
        await ani.tap(label)
    assert step_of(latest(ani)) == "place"
    return ani


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
        "president": "Dear Mr. President:",
        "secstate": "Dear Mr. Secretary:",
        "a000001": "Dear Senator Aldrich:",
        "b000002": "Dear Senator Baker:",
        "c000003": "Dear Representative Castillo:",
    }
    rows = {r.target_id: r for r in letter_rows(congress_bot, ani.id)}
    assert rows["a000001"].demands == "sanctions,aid"  # Congress gets aid and sanctions only
    assert "Lachin road" not in rows["a000001"].body
    assert "constituent" in rows["a000001"].body.split("\n\n")[1]  # the opening line
    assert "05001" in rows["a000001"].body.split("\n\n")[1]
    assert rows["a000001"].body.endswith("\nWhite River Junction, VT 05001")
    assert "constituent" not in rows["president"].body
    assert rows["president"].demands == "sanctions,aid,corridor"
    senator = next(m for m in drive.letters if "Senator Alice Aldrich" in m.content)
    assert "The Honorable Alice Aldrich" in senator.content

    # Each letter has its own kit and its own "I sent it".
    await ani.tap("PDF, phone script", senator)
    await ani.tap("Skip", latest(ani))  # no street for the printed letter
    await ani.fake.wait_for(lambda f: "Or call" in latest(ani).content)
    kit = latest(ani)
    assert "I'm a constituent from" in kit.content and "ZIP code 05001" in kit.content
    assert "to ask Senator Aldrich to" in kit.content
    await ani.tap("I sent it", senator)
    sent = {r.target_id for r in letter_rows(congress_bot, ani.id) if r.sent_at}
    assert sent == {"a000001"}
    await assert_clean(congress_bot, caplog)


async def test_split_zip_asks_the_supporter_to_pick_their_member(
    congress_bot, make_supporter, caplog
) -> None:
    ani = await at_the_place_question(make_supporter())
    prompt = await ani.say("85215-1234")
    assert step_of(prompt) is None and "Which of these is your representative?" in prompt.content
    labels = [label for label, _ in prompt.buttons]
    assert any("Jon Jarvis" in label and "AZ-5" in label for label in labels)
    await ani.tap("Jon Jarvis", prompt)
    await ani.say("My grandmother was born in Shushi.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 5)
    assert salutations(congress_bot, ani.id)["j000010"] == "Dear Representative Jarvis:"
    assert {"h000008", "i000009"} <= set(salutations(congress_bot, ani.id))
    # The next letter needs no ZIP and no district question: both are on the profile.
    row = supporter_row(congress_bot, ani.id)
    assert (row.zip, row.state, row.district) == ("85215", "AZ", 5)
    again = await drive_to_letters(ani, start="Start over", letters=5)
    assert "place" not in again.steps and "district" not in again.steps
    assert salutations(congress_bot, ani.id)["j000010"] == "Dear Representative Jarvis:"

    # /me shows it and can forget it: the next letter asks again.
    me = await ani.say("/me")
    assert "(district AZ-5)" in me.content
    await ani.tap("Change where I live", me)
    assert supporter_row(congress_bot, ani.id).district is None
    await ani.say("/letter")
    await ani.tap("Continue")
    assert step_of(latest(ani)) == "place"
    await assert_clean(congress_bot, caplog)


@pytest.mark.parametrize(
    "address",
    [
        "123 Main St, White River Junction, VT 05001",
        "White River Junction, Vermont 05001-1234, USA",
        "white river junction vt 05001",
    ],
)
async def test_an_address_typed_as_people_do_reaches_congress(
    congress_bot, make_supporter, caplog, address: str
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    drive = await drive_to_letters(ani, place=address, letters=5)
    assert "zip" not in drive.steps and "district" not in drive.steps
    assert {"a000001", "b000002", "c000003"} <= set(salutations(congress_bot, ani.id))
    row = supporter_row(congress_bot, ani.id)
    assert (row.state, row.zip) == ("VT", "05001")
    await assert_clean(congress_bot, caplog)


async def test_city_and_state_ask_once_for_the_zip(congress_bot, make_supporter, caplog) -> None:
    ani = await at_the_place_question(make_supporter())
    prompt = await ani.say("Burlington, VT")
    assert "What is your ZIP code?" in prompt.content
    assert "Burlington, Vermont" in prompt.content  # what was understood, so it can be fixed
    assert any("Skip" in label for label, _ in prompt.buttons)
    story = await ani.say("05001")
    assert step_of(story) == "story"
    await ani.say("My family came from Artsakh.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 5)
    assert "c000003" in salutations(congress_bot, ani.id)  # the representative, from the ZIP
    await assert_clean(congress_bot, caplog)


async def test_skipping_the_zip_writes_to_the_senators_and_says_why_not_the_representative(
    congress_bot, make_supporter, caplog
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    drive = await drive_to_letters(ani, place="Burlington, Vermont", zip=None, letters=4)
    assert "zip" in drive.steps
    assert set(salutations(congress_bot, ani.id)) == {"president", "secstate", "a000001", "b000002"}
    await ani.fake.wait_for(lambda f: latest(ani).content.startswith("ℹ️"))
    assert "No letter to Your representative" in latest(ani).content
    await assert_clean(congress_bot, caplog)


async def test_a_zip_that_contradicts_the_state_wins_and_says_so(
    congress_bot, make_supporter, caplog
) -> None:
    ani = await at_the_place_question(make_supporter())
    prompt = await ani.say("Portland, ME 05001")
    assert step_of(prompt) == "story"
    assert "ZIP code 05001 is in Vermont, not Maine" in prompt.content
    await ani.say("My family came from Artsakh.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 5)
    assert supporter_row(congress_bot, ani.id).state == "VT"
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
        await ani.tap("The President")  # unselect the executive offices: Congress only
        await ani.tap("The Secretary of State")
        for label in ("Continue", "Sign as"):
            await ani.tap(label)
        prompt = await ani.say("98101")  # Seattle: split between WA-7 and WA-9
        labels = [label for label, _ in prompt.buttons]
        assert any("Jayapal" in label for label in labels)
        assert any("Smith" in label for label in labels)
        await ani.tap("Jayapal", prompt)
        await ani.say("My family came from Artsakh.")
        await fake.wait_for(lambda f: len(ani.letters()) == 3)
        assert sorted(salutations(bot, ani.id).values()) == [
            "Dear Representative Jayapal:",
            "Dear Senator Cantwell:",
            "Dear Senator Murray:",
        ]
        jayapal = next(m for m in ani.letters() if "Jayapal" in m.content)
        await ani.tap("PDF, phone script", jayapal)
        await ani.say("1 Main St")  # the street for the printed letter
        await fake.wait_for(lambda f: "Or call" in latest(ani).content)
        assert "to ask Representative Jayapal to" in latest(ani).content
        assert "📞 Washington office: 202-" in latest(ani).content
        await assert_clean(bot, caplog)
    finally:
        await stop_bot(bot)


async def test_organizers_see_members_by_name_and_what_each_office_was_asked(
    fake: FakeTelegram, database_url: str, make_supporter, caplog
) -> None:
    """Through the fake Bot API: each office's letter asks what that office can do, the story
    question offers the campaign's ideas, and /stats names the members written to."""
    from tests.e2e.test_admin import ORGANIZER, assert_clean_but_menu

    store = Store.from_url(database_url)
    import_files(store, [FIXTURES / "legislators-small.json", FIXTURES / "zccd-small.csv"])
    store.close()
    campaign = load_campaign(find_campaign(None))
    bot = await start_bot(fake, database_url, campaign, frozenset({ORGANIZER}))
    try:
        ani = await at_the_place_question(make_supporter())
        story_question = await ani.say("White River Junction, VT 05001")
        for idea in campaign.story_prompts:
            assert idea in story_question.content
        await ani.say("My grandmother was born in Shushi.")
        await fake.wait_for(lambda f: len(ani.letters()) == 5)
        rows = {r.target_id: r for r in letter_rows(bot, ani.id)}
        for target_id, row in rows.items():
            kind = "executive" if target_id in ("president", "secstate") else "congress"
            other = "congress" if kind == "executive" else "executive"
            for demand in campaign.demands:
                own, foreign = demand.ask_for(kind), demand.ask_for(other)
                if own and demand.id in row.demands.split(","):
                    assert any(w in row.body or w[0].upper() + w[1:] in row.body for w in own.ask)
                if foreign and (not own or foreign.ask != own.ask):
                    assert not any(w in row.body for w in foreign.ask), (target_id, demand.id)
            assert 0 < row.score < 0.2  # one sentence of her own in a letter of 250 words

        organizer = make_supporter(ORGANIZER, "Org", None)
        await organizer.say("/stats")
        await fake.wait_for(lambda f: any("By recipient" in m.content for m in f.chat(ORGANIZER)))
        text = next(m.content for m in fake.chat(ORGANIZER) if "By recipient" in m.content)
        assert "Senators (all): 2 / 0" in text and "Representatives (all): 1 / 0" in text
        assert re.search(r"Sen\. Alice Aldrich \((\w, )?VT\): 1 / 0", text), text
        assert "a000001" not in text  # never a bare bioguide id
        assert "five-word phrases" in text  # what the score means
        await assert_clean_but_menu(bot, caplog)
    finally:
        await stop_bot(bot)
