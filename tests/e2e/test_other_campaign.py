"""The test-only library campaign, end to end: nothing of the bundled campaign leaks through."""

from __future__ import annotations

from bot.campaign import load_campaign
from tests.e2e.helpers import (
    assert_clean,
    bot_with,
    drive_to_letters,
    latest,
    letter_rows,
    step_of,
    texts,
)
from tests.support import BUNDLED_ONLY_WORDS, LIBRARY_CAMPAIGN


async def says_what_the_library_campaign_says(ani, title: str) -> None:
    """/demands sums the library campaign up, source and offices included; /help names it."""
    summary = (await ani.say("/demands")).content
    assert "Restore evening and weekend hours" in summary
    assert "Fund the librarians the hours need" in summary
    assert "The Quillfield Courier" in summary and "14 March 2024" in summary
    assert "Since then" in summary and "(as of 1 June 2024)" in summary
    assert "The Mayor: Rosalind Testwell (checked 1 June 2024)" in summary
    assert "The City Council: Council President Omar Sampleton (checked 1 June 2024)" in summary
    help_text = (await ani.say("/help")).content
    assert title in help_text


def library_letter_rows(bot, user_id: int) -> dict:
    """The two library letters in the database, by target: each asks only what is routed to it."""
    rows = {r.target_id: r for r in letter_rows(bot, user_id)}
    assert rows["mayor"].demands == "hours,staffing"
    assert rows["council"].demands == "staffing"  # only what is routed to the council
    assert "restore the library's opening hours" in rows["mayor"].body
    assert "restore the library's opening hours" not in rows["council"].body
    assert all(r.variant.startswith("letters/civic/") for r in rows.values())
    for row in rows.values():
        assert "Ani Hakobyan" in row.body and "Quillfield, Examplestate" in row.body
        assert "my children need the library" in row.body
    return rows


def nothing_bundled_leaked(bot, user_id: int) -> None:
    """No word only the bundled campaign uses in anything the bot sent, nor in the letters."""
    everything = "\n".join(texts(bot.fake))
    assert "Dear Mayor Testwell" in everything and "Quillfield" in everything
    for word in BUNDLED_ONLY_WORDS:
        assert word not in everything, f"{word!r} from the bundled campaign leaked"
    for row in letter_rows(bot, user_id):
        for word in BUNDLED_ONLY_WORDS:
            assert word not in row.body, f"{word!r} in a library letter"


async def test_library_campaign_end_to_end(fake, database_url, make_supporter, caplog) -> None:
    campaign = load_campaign(LIBRARY_CAMPAIGN)
    async with bot_with(fake, database_url, campaign) as bot:
        ani = make_supporter()
        welcome = await ani.say("/start library_flyer")
        assert "Reopen the Quillfield Public Library in the evenings" in welcome.content
        assert step_of(welcome) == "targets"  # the welcome asks the first question

        await says_what_the_library_campaign_says(ani, campaign.title)

        await ani.tap("Write a letter")  # under the summary: a fresh draft
        targets = latest(ani)
        assert step_of(targets) == "targets"
        assert [label for label, _ in targets.buttons] == [
            "✅ The Mayor",
            "✅ The City Council",
            "✅ Restore evening and weekend hours",
            "✅ Fund the librarians the hours need",
            "Continue ➡️",
        ]
        drive = await drive_to_letters(
            ani,
            start=None,
            place="Quillfield, Examplestate",
            story="I work until six and my children need the library after school.",
            letters=2,
        )
        assert drive.steps == ["targets", "name", "place", "story"]  # demands with the targets
        mayor, council = drive.letters
        assert "to The Mayor (Rosalind Testwell)" in mayor.content
        assert "Dear Mayor Testwell," in mayor.content
        assert "mayor@example.org" in mayor.content and "+1-555-0100" in mayor.content
        assert "to The City Council (Council President Omar Sampleton)" in council.content
        assert "Dear Members of the Council," in council.content
        assert "Council public comment form" in council.content

        rows = library_letter_rows(bot, ani.id)

        # Another wording stays within the campaign's own (civic) templates.
        await ani.tap("Another wording", mayor)
        reworded = letter_rows(bot, ani.id)[0]
        assert reworded.variant.startswith("letters/civic/")
        assert reworded.variant != rows["mayor"].variant

        await ani.tap("I sent it", council)
        assert letter_rows(bot, ani.id)[1].sent_at is not None

        nothing_bundled_leaked(bot, ani.id)
        await assert_clean(bot, caplog)
