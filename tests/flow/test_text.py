"""Cleaning text from outside: what multi-line text keeps, and which language codes pass."""

from __future__ import annotations

import pytest

from bot.flow.text import clean_block, language_tag


def test_block_drops_nul_and_other_controls_but_keeps_lines() -> None:
    raw = "Rally\x00 on \x1b[1mSunday\x07\r\nat 11\u200b.\x7f\n\n\n\nBring\u200d a friend\u200f"
    assert clean_block(raw) == "Rally on [1mSunday\nat 11.\n\nBring\u200d a friend\u200f"


def test_tabs_are_kept_only_when_asked() -> None:
    raw = "List:\n\t- one\t(1)\n\t- two\t"
    assert clean_block(raw, keep_tabs=True) == "List:\n\t- one\t(1)\n\t- two"
    assert clean_block(raw) == "List:\n - one (1)\n - two"


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u202f", "\u3000"])
def test_other_spaces_never_glue_words_together(space: str) -> None:
    assert clean_block(f"Rally{space}on Sunday") == "Rally on Sunday"


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("en", "en"),
        ("hy", "hy"),
        ("pt-br", "pt-br"),
        ("PT-BR", "pt-br"),
        ("zh-hans", "zh-hans"),
        ("sr-Latn-RS", "sr-latn-rs"),
        (" en ", "en"),
        ("fil", "fil"),
        (None, None),
        ("", None),
        ("e", None),
        ("en\x00", None),
        ("\x00", None),
        ("en_US", None),
        ("english", None),
        ("en-", None),
        ("en--us", None),
        ("en\nus", None),
        ("ру", None),
        ("en-" + "a" * 20, None),
        ("en-abcdefgh-ijklmn", None),  # a valid shape, but longer than the column
    ],
)
def test_language_tag(code: str | None, tag: str | None) -> None:
    assert language_tag(code) == tag
