"""Message rendering: autoescaping, Telegram's length rules, and splitting long messages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.campaign import Campaign
from bot.telegram.render import (
    MAX_MESSAGE,
    fits_message,
    plain,
    render,
    split_message,
    visible_length,
)
from tests.fakes.telegram_api import parse_html


def test_variables_are_html_escaped() -> None:
    text = render("welcome", is_new=True, name="<b>{{ 7*7 }}</b> & co", campaign=_Stub())
    assert "&lt;b&gt;{{ 7*7 }}&lt;/b&gt; &amp; co" in text
    assert "49" not in text


def test_visible_length_counts_like_telegram() -> None:
    assert visible_length("<b>ab</b> &amp;") == 4
    assert visible_length("😀") == 2  # one emoji is two UTF-16 code units
    assert visible_length("Անի") == 3


def test_short_text_is_one_message() -> None:
    assert split_message("<b>hi</b>") == ["<b>hi</b>"]


def test_long_text_is_split_at_paragraphs_into_valid_messages() -> None:
    paragraphs = [f"<b>Point {i}</b> " + "Armenia &amp; Artsakh. " * 120 for i in range(6)]
    text = "\n\n".join(paragraphs)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(fits_message(part) for part in parts)
    for part in parts:
        parse_html(part, strict_ampersand=True)  # raises like Telegram on malformed HTML
    assert "\n\n".join(parts) == text  # nothing lost, nothing reordered


def test_a_single_huge_line_is_cut_by_size_without_losing_text() -> None:
    text = "Ա" * (MAX_MESSAGE * 2 + 10)
    parts = split_message(text)
    assert all(visible_length(part) <= MAX_MESSAGE for part in parts)
    assert "".join(parts).replace("\n", "") == text


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("short", 200, "short"),
    ("one two three", 8, "one…"),
    ("a\nb   c", 200, "a b c"),
])  # fmt: skip
def test_plain_folds_whitespace_and_cuts_at_a_word(text: str, limit: int, expected: str) -> None:
    assert plain(text, limit) == expected


class _Since:
    recap = ("What happened <since>.",)
    as_of = date(2025, 8, 8)


class _Source:
    outlet = "The <Gazette>"
    date = date(2023, 9, 8)


class _Stub:
    title = "A <campaign>"
    since = _Since()
    source = _Source()


def test_bundled_demands_message_is_valid_telegram_html(campaign: Campaign) -> None:
    text = render("demands", campaign=campaign)
    parse_html(text, strict_ampersand=True)
    assert fits_message(text)
    assert "8 September 2023" in text and "Rolling Stone" in text
