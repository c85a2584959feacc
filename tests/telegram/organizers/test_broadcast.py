"""The organizer's /broadcast as rendered: its preview, the room the preview needs, and the
refusal of a text that cannot go out."""

from __future__ import annotations

import pytest

from bot import broadcast_lifecycle as broadcasts
from bot.broadcast_lifecycle import BroadcastTextError
from bot.telegram.broadcasting.delivery import message_html
from bot.telegram.organizers.broadcast import (
    MAX_TEXT,
    PREVIEW_ROOM,
    checked_text,
    max_fee,
    preview_html,
    refusal,
)
from bot.telegram.render import fits_message, visible_length


def refused(text: str) -> str:
    """What the organizer is told about `text`."""
    with pytest.raises(BroadcastTextError) as error:
        checked_text(text)
    return refusal(error.value)


def test_the_limit_is_what_the_preview_leaves_of_a_message() -> None:
    assert MAX_TEXT == 3800
    assert checked_text("x" * 3800)
    assert checked_text("😀" * 1900)  # Telegram counts UTF-16 units: an emoji is two
    with pytest.raises(BroadcastTextError) as emoji:
        checked_text("😀" * 1901)
    assert (emoji.value.length, emoji.value.limit) == (3802, 3800)
    assert refused(" \n\t\x00").startswith("The broadcast text is empty.")
    assert "3,801 characters; a broadcast can have at most 3,800" in refused("x" * 3801)
    assert "Cut at least 1 character and" in refused("x" * 3801)  # not "1 characters"
    assert "Cut at least 2 characters" in refused("😀" * 1901)


def test_a_text_that_fits_telegram_but_not_its_preview_says_how_much_to_cut() -> None:
    """4,054 characters fit one message, but not under the preview's header."""
    assert refused("x" * 4054).startswith(
        "Your message is 4,054 characters; a broadcast can have at most 3,800 (the preview "
        "needs the rest of Telegram's 4,096). Cut at least 254 characters and send it again."
    )


@pytest.mark.parametrize("recipients", [0, 1, 12_345, 9_999_999_999])
@pytest.mark.parametrize("paid", [False, True])
def test_the_longest_broadcast_still_fits_its_preview(recipients: int, paid: bool) -> None:
    """The text limit leaves room for the preview's header, whatever it says."""
    text = "x" * (MAX_TEXT - 1) + "&"  # escaped in HTML, one character on screen
    preview = broadcasts.Preview(1, checked_text(text), recipients, paid)
    html = preview_html(preview)
    assert fits_message(html)
    assert visible_length(html) - MAX_TEXT <= PREVIEW_ROOM
    assert visible_length(message_html(text)) == MAX_TEXT  # what supporters get


def test_a_paid_preview_tells_the_most_it_can_cost() -> None:
    paid = preview_html(broadcasts.Preview(1, "Hi", 12_345, paid=True))
    assert "It will go to 12,345 supporters" in paid
    assert (
        "Paid broadcasts are on: sending faster than 30 a second costs up to 1,234.5 Stars "
        "(0.1 Stars per message) from the bot's balance." in paid
    )
    free = preview_html(broadcasts.Preview(1, "Hi", 12_345))
    assert "Stars" not in free and "It will go to 12,345 supporters" in free
    nobody = preview_html(broadcasts.Preview(1, "Hi", 0, paid=True))
    assert "Stars" not in nobody and "Nobody would get it yet" in nobody


@pytest.mark.parametrize(
    ("recipients", "fee", "shown"),
    [
        (0, 0, "0"),
        (1, 0.1, "0.1"),
        (10, 1, "1"),
        (12345, 1234.5, "1,234.5"),
        (10**7, 10**6, "1,000,000"),
    ],
)
def test_a_paid_preview_knows_the_most_it_can_cost(recipients: int, fee: float, shown: str) -> None:
    assert max_fee(recipients) == fee and f"{max_fee(recipients):,}" == shown
    assert "up to 1 Star (0.1 Stars per message)" in preview_html(
        broadcasts.Preview(1, "Hello", 10, paid=True)
    )
