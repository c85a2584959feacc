"""Callback data: round trips within 64 bytes; anything else decodes to None, never raises."""

from __future__ import annotations

import pytest

from bot.telegram.supporters.callbacks import (
    MAX_CALLBACK_BYTES,
    Callback,
    CampaignAction,
    DraftAction,
    LetterAction,
    MenuAction,
    decode,
    encode,
)


@pytest.mark.parametrize("callback", [
    DraftAction(1, 0, "ok"),
    DraftAction(2**40, 10**6, "t", "a" * 24),
    DraftAction(7, 2, "a", "sanctions"),  # an ask beside the targets
    DraftAction(5, 3, "skip"),
    LetterAction(123456789, "sent"),
    LetterAction(1, "again"),
    MenuAction("forget_yes"),
    CampaignAction("lachin-2023"),
    CampaignAction("a" * 24, "updates_yes"),  # the longest campaign id
    CampaignAction("b_c-1", "updates_no"),
])  # fmt: skip
def test_round_trip_fits_telegram(callback: Callback) -> None:
    data = encode(callback)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert decode(data) == callback


@pytest.mark.parametrize("data", [
    None, "", "x", "d|1|2", "d|1|2|ok|extra|more", "d|a|2|ok", "d|1|2|t", "d|1|2|a",
    "d|1|2|ok|choice",
    "d|1|2|nuke", "l|abc|sent", "l|1|delete", "m|drop_tables", "m", "|||", "💥" * 20,
    "l|1|sent" + " " * 60, "d|-1|-1|ok|" + "x" * 60,
    "c", "c|", "c|Lachin", "c|-x", "c|" + "a" * 25, "c|ok|write|x", "c|ok|delete", "c|../x",
])  # fmt: skip
def test_stale_or_tampered_data_decodes_to_none(data: str | None) -> None:
    assert decode(data) is None


def test_encode_refuses_data_telegram_would_reject() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(DraftAction(1, 1, "t", "Ա" * 40))
