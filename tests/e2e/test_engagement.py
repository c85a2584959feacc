"""Supporters stay involved: invite links attribute newcomers, updates are opt-in, /me, /stop."""

from __future__ import annotations

from tests.e2e.helpers import (
    assert_clean,
    latest,
    participation_row,
    started_letters,
    supporter_row,
    wait_answered,
)


async def test_sent_letter_brings_thanks_invite_link_and_a_single_updates_offer(
    running_bot, fake, ani, caplog
) -> None:
    drive = await started_letters(ani)
    first, second = drive.letters

    await ani.tap("I sent it", first)
    thanks = latest(ani)
    code = "r-" + supporter_row(running_bot, ani.id).public_id
    assert "Thank you for sending it" in thanks.content
    assert f"https://t.me/{fake.bot_username}?start={code}" in thanks.content
    assert "Would you like a short message when there is news" in thanks.content
    query = fake.tap_button(ani.user, thanks, "Yes, keep me posted")
    await wait_answered(fake, query)
    assert participation_row(running_bot, ani.id).opted_in
    assert "you will get campaign updates" in fake.message(ani.id, thanks.message_id).content

    # The second letter's thanks repeats the link but never the offer.
    await ani.tap("I sent it", second)
    again = latest(ani)
    assert again.message_id != thanks.message_id
    assert code in again.content and "Would you like" not in again.content
    assert again.buttons == []
    await assert_clean(running_bot, caplog)


async def test_invite_link_attributes_the_newcomer(running_bot, make_supporter, caplog) -> None:
    ani = make_supporter(5001, "Ani", None)
    await ani.say("/start")
    code = "r-" + supporter_row(running_bot, ani.id).public_id
    bob = make_supporter(5002, "Bob", None)
    await bob.say(f"/start {code}")
    row = participation_row(running_bot, bob.id)
    assert row.source == "referral"
    assert row.referrer_id == supporter_row(running_bot, ani.id).id
    # A self-invite or an unknown code attributes nothing.
    carol = make_supporter(5003, "Carol", None)
    await carol.say("/start r-nosuchcode")
    assert participation_row(running_bot, carol.id).referrer_id is None
    me = await ani.say("/me")
    assert "You brought 1 person in" in me.content
    await assert_clean(running_bot, caplog)


async def test_me_shows_impact_and_toggles_updates(running_bot, fake, ani, caplog) -> None:
    drive = await started_letters(ani)
    await ani.tap("I sent it", drive.letters[0])
    me = await ani.say("/me")
    assert "2 written, 1 sent" in me.content
    assert "1 supporter, 1 letter sent" in me.content
    assert "You don't get campaign updates" in me.content
    await ani.tap("Get updates", me)
    shown = fake.message(ani.id, me.message_id)
    assert participation_row(running_bot, ani.id).opted_in
    assert "You get campaign updates" in shown.content
    assert shown.buttons[0][0] == "🔕 Stop updates"

    stopped = await ani.say("/stop")
    assert "no campaign updates" in stopped.content
    assert not participation_row(running_bot, ani.id).opted_in
    await assert_clean(running_bot, caplog)


async def test_me_before_start_registers_the_supporter(running_bot, make_supporter, caplog) -> None:
    newcomer = make_supporter(5101, "Nare", None)
    me = await newcomer.say("/me")
    assert "0 written, 0 sent" in me.content
    assert supporter_row(running_bot, newcomer.id) is not None
    await assert_clean(running_bot, caplog)


async def test_blocking_and_unblocking_are_recorded(running_bot, ani, caplog) -> None:
    """Telegram tells the bot (my_chat_member) when someone blocks or unblocks it."""
    await ani.say("/start")
    running_bot.fake.block(ani.id)
    await running_bot.fake.wait_for(lambda f: supporter_row(running_bot, ani.id).blocked)
    running_bot.fake.unblock(ani.id)
    await running_bot.fake.wait_for(lambda f: not supporter_row(running_bot, ani.id).blocked)
    await assert_clean(running_bot, caplog)
