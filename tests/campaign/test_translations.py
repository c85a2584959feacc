"""A campaign's texts per language: given beside the English, checked like it, used on screen
where given, and English (reported) where not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaign import CampaignError, find_campaign, load_campaign
from tests.campaign.variants import write_variant


def _bundled_with(tmp_path: Path, replace: dict[str, str]) -> Path:
    text = find_campaign(None).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_campaign_reads_in_armenian_and_russian() -> None:
    campaign = load_campaign(find_campaign(None))
    for language in ("hy", "ru"):
        assert campaign.untranslated(language) == []
        local = campaign.in_language(language)
        assert local.title != campaign.title
        assert [d.title for d in local.demands] != [d.title for d in campaign.demands]
        assert local.targets[0].label != campaign.targets[0].label
        # What goes to officials stays English: talking points and the asks' wordings; only
        # the short ask /demands shows is translated.
        assert local.demands[0].points == campaign.demands[0].points
        for kind, ask in campaign.demands[0].asks.items():
            assert local.demands[0].asks[kind].ask == ask.ask
            assert local.demands[0].asks[kind].call != ask.call
    assert campaign.in_language("en") is campaign
    assert campaign.in_language("fr").title == campaign.title


def test_an_untranslated_text_falls_back_to_english_and_is_reported(tmp_path: Path) -> None:
    path = _bundled_with(tmp_path, {'\n"title.ru" = ': '\n"unused_title_ru" = '})
    with pytest.raises(CampaignError, match="unused_title_ru"):
        load_campaign(path)  # an unknown key is still an error
    path = _bundled_with(tmp_path, {'\n"title.ru" = ': '\n# "title.ru" = '})
    campaign = load_campaign(path)
    assert campaign.untranslated("ru") == ["title"]
    assert campaign.in_language("ru").title == campaign.title


def test_a_translation_has_the_shape_of_its_english(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "shapes", '"title.xx" = ["a", "list"]')
    with pytest.raises(CampaignError, match=r"title\.xx must be a text"):
        load_campaign(path)
    path = write_variant(tmp_path, "shapes", '"story_prompts.xx" = "not a list"')
    with pytest.raises(CampaignError, match="must be a list of texts"):
        load_campaign(path)
    path = write_variant(tmp_path, "shapes", 'translations = { hy = { title = "x" } }')
    with pytest.raises(CampaignError, match=r"title\.hy"):
        load_campaign(path)
