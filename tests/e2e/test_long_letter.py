"""Letters too long for one Telegram message arrive as a .txt document with the same buttons."""

from __future__ import annotations

import itertools

from bot.campaign import find_campaign, load_campaign
from bot.letters import LetterRenderer, LetterRequest, Signer
from bot.places import Place
from bot.supporters.views import LetterView
from bot.telegram.render import MAX_MESSAGE, render, visible_length
from tests.e2e.helpers import (
    assert_clean,
    bot_with,
    drive_to_letters,
    letter_id_of,
    letter_row,
    letter_rows,
    started_letters,
    wait_answered,
)
from tests.support import campaign_toml

BUNDLED = load_campaign(find_campaign(None))
LONGEST_PLACE = Place("C" * 38, region="R" * 40)  # 80 characters typed as "City, Region"


def longest_message(story: str) -> int:
    """The longest letter message (as Telegram counts it) the bundled campaign can produce."""
    renderer = LetterRenderer(BUNDLED)
    longest = 0
    # 90 seeds reach every variant (seed % 3) with most combinations of wordings.
    for target, seed, sent, edited in itertools.product(
        BUNDLED.targets, range(90), (False, True), (False, True)
    ):
        signer = Signer("N" * 80, LONGEST_PLACE)
        request = LetterRequest(target, BUNDLED.demands, signer, story, seed)
        body = renderer.render(request).body
        view = LetterView(1, target, body, 0.5, sent, edited, number=2, total=2)
        longest = max(longest, visible_length(render("letter", letter=view, full=True)))
    return longest


def test_plain_text_letters_of_the_bundled_campaign_always_fit_one_message() -> None:
    """With every limit at its maximum (name 80, place 80, story 1,200 ASCII characters, all
    three demands, the wordiest variant) the message stays under 4,096: the document path is
    only reached by stories in characters Telegram counts twice (UTF-16), such as emoji."""
    assert longest_message("s" * 1200) < MAX_MESSAGE
    assert longest_message("🌻" * 1200) > MAX_MESSAGE


async def test_emoji_story_letter_arrives_as_a_document(running_bot, fake, ani, caplog) -> None:
    await ani.say("/start")
    story = "🌻" * 1190 + " Shushi."  # 1,198 characters, 2,388 UTF-16 units
    drive = await drive_to_letters(
        ani, story=story, unselect=("The Secretary of State",), letters=1
    )
    (message,) = drive.letters
    (row,) = letter_rows(running_bot, ani.id)
    assert message.document is not None and message.text is None
    assert message.document.content.decode("utf-8") == row.body
    assert story in row.body
    assert message.document.filename == "letter-to-the-president.txt"
    assert "Letter 1 of 1 · to The President (Donald J. Trump)" in message.caption
    assert "in the attached file" in message.caption
    labels = [label for label, _ in message.buttons]
    assert labels == [
        "📮 I sent it",
        "🔄 Another wording",
        "✏️ Edit",
        "📦 PDF, phone script",
        "↩️ Start over",
        "⏰ Remind me tomorrow",
    ]
    assert len(fake.calls_to("sendDocument")) == 1

    # "I sent it" works on the document message, once.
    query = fake.tap_button(ani.user, message, "I sent it")
    assert await wait_answered(fake, query) == "Recorded. Thank you for sending it!"
    sent_at = letter_row(running_bot, row.id).sent_at
    assert sent_at is not None
    shown = fake.message(ani.id, message.message_id)
    assert "✅ Sent: thank you!" in str(shown.buttons)
    assert "Recorded as sent" in shown.caption and "then tap I sent it" not in shown.caption
    query = fake.tap_button(ani.user, shown, "Sent: thank you!")
    assert await wait_answered(fake, query) == "Already recorded. Thank you!"
    assert letter_row(running_bot, row.id).sent_at == sent_at

    # Another wording: still too long, so a new document with the new text.
    query = fake.tap_button(ani.user, shown, "Another wording")
    assert await wait_answered(fake, query) == "Here is another wording."
    reworded = letter_row(running_bot, row.id)
    assert reworded.variant != row.variant and reworded.body != row.body
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 2)
    newest = ani.letters()[-1]
    assert newest.document.content.decode("utf-8") == reworded.body
    assert letter_id_of(newest) == row.id
    await assert_clean(running_bot, caplog)


def long_points_campaign(tmp_path):
    """A one-office campaign whose talking points alone exceed one message."""
    text = campaign_toml(demands=("alpha", "beta"))
    for demand in ("alpha", "beta"):
        for n in ("one", "two"):
            point = f"Point {n} about {demand}."
            long_point = f"{point} " + " ".join(f"Reason {i} for {demand}." for i in range(100))
            text = text.replace(point, long_point)
    path = tmp_path / "long-points.toml"
    path.write_text(text, encoding="utf-8")
    return load_campaign(path)


async def test_long_talking_points_letter_is_a_document(
    fake, make_supporter, tmp_path, caplog, database_url
) -> None:
    campaign = long_points_campaign(tmp_path)
    async with bot_with(fake, database_url, campaign) as bot:
        ani = make_supporter()
        await ani.say("/start")
        story = ("In my own words, this matters to our street. " * 50)[:1190]
        drive = await drive_to_letters(ani, story=story, letters=1)
        assert drive.steps == ["demands", "name", "place", "story"]  # one office: no targets
        (message,) = drive.letters
        (row,) = letter_rows(bot, ani.id)
        assert len(row.body) > MAX_MESSAGE
        assert story.strip() in row.body and "Reason 99 for beta." in row.body
        assert message.document.content.decode("utf-8") == row.body
        assert message.document.filename == "letter-to-office-office.txt"
        assert "to Office office (Holder of office)" in message.caption

        await ani.tap("I sent it", message)
        assert letter_row(bot, row.id).sent_at is not None
        changed = await ani.tap("Edit", message)
        assert "Edit your letter to Office office" in changed[-1].content
        await assert_clean(bot, caplog)


async def test_document_letter_says_how_to_send_it(running_bot, ani, caplog) -> None:
    drive = await started_letters(
        ani, story="🌻" * 1190, unselect=("The Secretary of State",), letters=1
    )
    (message,) = drive.letters
    assert message.document is not None
    assert "White House contact form" in message.caption
    assert "+1-202-456-1111" in message.caption
