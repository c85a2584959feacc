"""Several campaigns in one bot, over HTTP: campaign links (alone, with a source, with an invite),
/campaigns, a supporter writing in two campaigns, and the answer for an ended, upcoming or unknown
campaign, which offers the open ones. Letters and sources land in their own campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.campaign import Campaign, find_campaign, load_campaign
from bot.campaign.catalogue import Catalogue, load_catalogue
from tests.campaign.variants import write_variant
from tests.e2e.conftest import start_bot, stop_bot
from tests.e2e.helpers import (
    assert_clean,
    drive_to_letters,
    letter_rows,
    participation_row,
    settle,
    source_of,
    step_of,
    supporter_row,
)
from tests.support import LIBRARY_CAMPAIGN

BUNDLED = load_campaign(find_campaign(None))
LIBRARY = "library-hours"
LIBRARY_TITLE = "Reopen the Quillfield Public Library in the evenings"


def _variant(folder: Path, campaign_id: str, title: str, *lines: str) -> Campaign:
    """The bundled campaign under another id and title, with `lines` such as 'closes = …'."""
    path = write_variant(folder, campaign_id, *lines)
    text = path.read_text(encoding="utf-8")
    current = next(line for line in text.splitlines() if line.startswith("title = "))
    path.write_text(text.replace(current, f'title = "{title}"', 1), encoding="utf-8")
    return load_campaign(path)


def _catalogue(tmp_path: Path) -> Catalogue:
    ended = _variant(tmp_path, "ended-2024", "An action that ended", "closes = 2024-01-01")
    later = _variant(tmp_path, "later", "An action yet to come", "opens = 2099-01-01")
    library = load_campaign(LIBRARY_CAMPAIGN)
    campaigns = tuple(sorted((BUNDLED, library, ended, later), key=lambda c: c.id))
    return Catalogue(campaigns, BUNDLED)


async def _library_letters(supporter: Any) -> None:
    await drive_to_letters(
        supporter,
        start=None,
        place="Quillfield, Examplestate",
        story="I work until six and my children need the library after school.",
        letters=2,
    )


async def test_links_lists_and_two_campaigns_at_once(
    fake: Any, database_url: str, make_supporter: Any, tmp_path: Path, caplog: Any
) -> None:
    bot = await start_bot(fake, database_url, _catalogue(tmp_path))
    try:
        # A campaign link with a source: that campaign's welcome and first question.
        ani = make_supporter(7001)
        welcome = await ani.say(f"/start c-{LIBRARY}_flyer")
        assert LIBRARY_TITLE in welcome.content and step_of(welcome) == "targets"
        # The same link again mid-letter: go on with it (nothing is thrown away), or anew.
        again = await ani.say(f"/start c-{LIBRARY}")
        assert [label for label, _ in again.buttons][:1] == ["▶️ Continue my letter"]
        await ani.tap("▶️ Continue my letter", again)
        await _library_letters(ani)
        assert {row.campaign_id for row in letter_rows(bot, ani.id)} == {LIBRARY}
        assert source_of(bot, ani.id, LIBRARY) == "flyer"
        assert participation_row(bot, ani.id) is None  # never in the default campaign
        assert supporter_row(bot, ani.id).campaign_id == LIBRARY
        # /demands and /me follow the campaign she is in; her invite link names it.
        assert "Restore evening and weekend hours" in (await ani.say("/demands")).content
        me = (await ani.say("/me")).content
        assert f"start=c-{LIBRARY}_r-" in me

        # /campaigns lists the open ones only, one tap from a letter in each.
        listed = await ani.say("/campaigns")
        labels = [label for label, _ in listed.buttons]
        assert len(labels) == 2 and all(label.startswith("✍️ ") for label in labels)
        assert BUNDLED.title[:30] in labels[0] and LIBRARY_TITLE[:30] in labels[1]
        assert "ended" not in listed.content and "yet to come" not in listed.content
        await ani.tap(labels[0], listed)
        await drive_to_letters(ani, start=None, story="My family is from Stepanakert.")
        campaigns = sorted(row.campaign_id for row in letter_rows(bot, ani.id))
        assert campaigns.count(LIBRARY) == 2 and campaigns.count(BUNDLED.id) >= 1
        assert supporter_row(bot, ani.id).campaign_id == BUNDLED.id
        assert participation_row(bot, ani.id).source is None  # she came by /campaigns

        # Sending a library letter now (her current campaign is the other one): the updates
        # offer is the library's, and so is the subscription.
        await ani.tap("I sent it", ani.letters()[0])
        thanks = ani.message_with("keep me posted")
        assert f"start=c-{LIBRARY}_r-" in thanks.content
        await ani.tap("🔔 Yes, keep me posted", thanks)
        assert participation_row(bot, ani.id, LIBRARY).opted_in
        assert not participation_row(bot, ani.id).opted_in

        # An invite into a campaign counts in that campaign, with its inviter.
        code = me.split(f"start=c-{LIBRARY}_")[1].split('"')[0].split()[0]
        bob = make_supporter(7002, "Bob", None)
        await bob.say(f"/start c-{LIBRARY}_{code}")
        invited = participation_row(bot, bob.id, LIBRARY)
        assert invited is not None and invited.source == "referral"
        assert invited.referrer_id == supporter_row(bot, ani.id).id
        await assert_clean(bot, caplog)
    finally:
        await stop_bot(bot)


async def test_an_ended_upcoming_or_unknown_campaign_offers_the_open_ones(
    fake: Any, database_url: str, make_supporter: Any, tmp_path: Path, caplog: Any
) -> None:
    bot = await start_bot(fake, database_url, _catalogue(tmp_path))
    try:
        cy = make_supporter(7003, "Cy", None)
        ended = await cy.say("/start c-ended-2024_ig")
        assert "An action that ended" in ended.content and "has ended" in ended.content
        offered = [label for label, _ in ended.buttons]
        assert len(offered) == 2 and LIBRARY_TITLE[:20] in offered[1]
        assert letter_rows(bot, cy.id) == [] and participation_row(bot, cy.id, "ended-2024") is None

        later = await cy.say("/start c-later")
        assert "opens on 1 January 2099" in later.content

        unknown = await cy.say("/start c-no-such-thing")
        assert "does not run" in unknown.content and len(unknown.buttons) == 2

        # One of the offered campaigns is one tap away.
        await cy.tap(offered[1], ended)
        await _library_letters(cy)
        assert {row.campaign_id for row in letter_rows(bot, cy.id)} == {LIBRARY}
        await assert_clean(bot, caplog)
    finally:
        await stop_bot(bot)


async def test_a_campaign_added_and_reloaded_is_served_at_once(
    fake: Any, database_url: str, make_supporter: Any, tmp_path: Path, caplog: Any
) -> None:
    folder = tmp_path / "campaigns"
    write_variant(folder)
    organizer_id = 7101
    bot = await start_bot(
        fake,
        database_url,
        load_catalogue(folder, None),
        admin_ids=frozenset({organizer_id}),
        campaigns_dir=folder,
    )
    try:
        dee = make_supporter(7004, "Dee", None)
        assert "does not run" in (await dee.say("/start c-follow-up")).content
        _variant(folder, "follow-up", "Follow-up: keep the pressure on")
        organizer = make_supporter(organizer_id, "Org", None)
        assert "(2 campaigns)" in (await organizer.say("/reload")).content
        welcome = await dee.say("/start c-follow-up_newsletter")
        assert "Follow-up: keep the pressure on" in welcome.content
        assert step_of(welcome) == "targets"
        assert source_of(bot, dee.id, "follow-up") == "newsletter"
        # A party for the new campaign (`/party <campaign> [title]`): its link writes there.
        group = fake.make_group("Glendale hall", members=[dee.user], admins=[organizer.user])
        fake.add_bot_to_group(group, by=organizer.user)
        await settle(bot)
        since = fake.version
        fake.send_group_text(organizer.user, group, "/party follow-up Glendale write-in")
        await fake.wait_for_reply(group.id, since)
        card = fake.chat(group.id)[-1]
        assert "Glendale write-in" in card.content and "Follow-up" in card.content
        since = fake.version
        fake.follow_button(dee.user, card, "✍️ Write yours")
        await fake.wait_for_reply(dee.id, since)
        await drive_to_letters(dee, start=None, story="We rebuilt our lives in Glendale.")
        rows = letter_rows(bot, dee.id)
        assert rows and {(r.campaign_id, r.party_id is not None) for r in rows} == {
            ("follow-up", True)
        }
        await settle(bot)
        assert [c.describe() for c in fake.errors if c.method != "setMyCommands"] == []
    finally:
        await stop_bot(bot)
