"""The organizers' campaign picker when the bot runs several campaigns: its order and labels,
callback data within Telegram's 64 bytes for the longest ids, and a broadcast preview that names
its campaign and still fits one message in every language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import broadcast_lifecycle as broadcasts
from bot.campaign import Campaign, load_campaign
from bot.campaign.catalogue import Catalogue
from bot.store import Store
from bot.telegram import i18n
from bot.telegram.organizers.access import (
    AdminCommand,
    AdminGate,
    callback_data,
    campaign_label,
    picker_order,
)
from bot.telegram.organizers.broadcast import (
    BUTTONS,
    CAMPAIGN_ROOM,
    MAX_TEXT,
    MAX_TEXT_SEVERAL,
    PREVIEW_ROOM,
    TO,
    checked_text,
    preview_html,
)
from bot.telegram.organizers.export import PICKED
from bot.telegram.render import fits_message, render, visible_length
from bot.telegram.supporters.use_cases import UseCases
from tests.campaign.variants import write_variant

NOW = datetime(2025, 6, 1, tzinfo=UTC)
LONGEST_ID = "a" * 24  # ^[a-z0-9][a-z0-9_-]{0,23}$


def campaign(folder: Path, campaign_id: str, title: str, *lines: str) -> Campaign:
    loaded = load_campaign(write_variant(folder, campaign_id, *lines))
    return loaded.model_copy(update={"title": title})


@pytest.fixture
def campaigns(tmp_path: Path) -> dict[str, Campaign]:
    return {
        "main": campaign(tmp_path, "main", "Main & co"),
        "b-open": campaign(tmp_path, "b-open", "B open"),
        "a-closed": campaign(tmp_path, "a-closed", "A closed", "closes = 2025-01-01"),
        "c-soon": campaign(tmp_path, "c-soon", "C soon", "opens = 2099-01-01"),
        "d-draft": campaign(tmp_path, "d-draft", "D draft", "draft = true"),
        "e-open": campaign(tmp_path, "e-open", "E open"),
    }


def test_the_default_comes_first_then_the_open_ones_then_the_others(
    campaigns: dict[str, Campaign],
) -> None:
    by_id = sorted(campaigns.values(), key=lambda c: c.id)
    order = [c.id for c in picker_order(by_id, campaigns["main"], NOW)]
    assert order == ["main", "b-open", "e-open", "a-closed", "c-soon", "d-draft"]
    closed = picker_order(by_id, campaigns["a-closed"], NOW)
    assert [c.id for c in closed][:3] == ["a-closed", "b-open", "e-open"]  # even closed


def test_labels_are_the_title_with_the_state_when_not_open(
    campaigns: dict[str, Campaign],
) -> None:
    labels = {key: campaign_label(c, NOW) for key, c in campaigns.items()}
    assert labels["main"] == "Main & co"  # plain text: no "&amp;"
    assert labels["a-closed"] == "A closed (closed)"
    assert labels["c-soon"] == "C soon (not open yet)"
    assert labels["d-draft"] == "D draft (draft)"
    with i18n.use("ru"):
        assert campaign_label(campaigns["a-closed"], NOW) != "A closed (closed)"
    long = campaigns["main"].model_copy(update={"title": "x" * 200})
    assert len(campaign_label(long, NOW)) == 80 and campaign_label(long, NOW).endswith("…")


def test_every_new_button_fits_64_bytes_with_the_longest_id() -> None:
    biggest = str(2**63 - 1)  # a broadcast id as large as the database allows
    for parts in [
        ("st", LONGEST_ID),
        ("ex", PICKED, "supporters", LONGEST_ID),
        ("ex", "personal", LONGEST_ID),
        (BUTTONS, biggest, TO, LONGEST_ID),
    ]:
        data = callback_data(*parts)
        assert len(f"a|{data}".encode()) <= 64, data
    with pytest.raises(ValueError, match="too long"):
        callback_data("x" * 63)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("paid", [False, True])
def test_a_preview_naming_its_campaign_still_fits_in_every_language(
    language: str, paid: bool, campaigns: dict[str, Campaign]
) -> None:
    named = campaigns["main"].model_copy(update={"title": "Ք" * 300})  # cut to 80
    text = "x" * (MAX_TEXT_SEVERAL - 1) + "&"
    with i18n.use(language):
        html = preview_html(
            broadcasts.Preview(1, checked_text(text, MAX_TEXT_SEVERAL), 10**10 - 1, paid), named
        )
    assert fits_message(html)
    assert visible_length(html) - MAX_TEXT_SEVERAL <= PREVIEW_ROOM + CAMPAIGN_ROOM
    assert MAX_TEXT_SEVERAL == MAX_TEXT - CAMPAIGN_ROOM


def test_one_campaign_previews_as_before() -> None:
    preview = broadcasts.Preview(1, "Hi", 3)
    assert preview_html(preview) == preview_html(preview, None)
    assert "For the supporters of" not in preview_html(preview)


def test_an_unknown_campaign_is_answered_with_the_ids(
    campaigns: dict[str, Campaign], tmp_store: Store
) -> None:
    ordered = tuple(sorted(campaigns.values(), key=lambda c: c.id))
    use = UseCases(Catalogue(ordered, campaigns["main"]), tmp_store)
    command = AdminCommand(use, AdminGate({1}))
    assert command.several
    answer = command.unknown_campaign("<" + "z" * 100)
    assert "&lt;zzz" in answer and "z" * 40 not in answer  # escaped and cut
    assert "<code>a-closed</code>, <code>b-open</code>" in answer
    assert command.campaign_named("nope") is None
    single = AdminCommand(UseCases(campaigns["main"], tmp_store), AdminGate({1}))
    assert not single.several
    assert render("admin_campaigns", what="stats").startswith("📊")
