"""Staffers discount identical letters: two supporters' letters to the same office, in the same
template variant, must share few five-word phrases (`python -m bench similarity` prints them)."""

from __future__ import annotations

import pytest

from bot.campaign import Campaign
from bot.letters import LetterRenderer
from tests.letters.offices import offices
from tests.letters.population import median, similarities

WITH_STORIES = 0.25
WITHOUT_STORIES = 0.35


@pytest.fixture(scope="module")
def renderer(campaign: Campaign) -> LetterRenderer:
    return LetterRenderer(campaign)


@pytest.mark.parametrize("office", ["president", "secstate", "senators", "representative"])
@pytest.mark.parametrize(("stories", "limit"), [(True, WITH_STORIES), (False, WITHOUT_STORIES)])
def test_letters_to_one_office_differ(
    campaign: Campaign, renderer: LetterRenderer, office: str, stories: bool, limit: float
) -> None:
    target, routing = offices(campaign)[office]
    values = similarities(campaign, renderer, target, routing, stories=stories)
    assert len(values) >= 20  # pairs of supporters, each pair in one variant
    assert median(values) <= limit


def test_the_measure_sees_a_form_letter(campaign: Campaign, renderer: LetterRenderer) -> None:
    """One wording for everyone (a fixed seed) is what the targets guard against."""
    target, routing = offices(campaign)["senators"]
    values = similarities(campaign, renderer, target, routing, stories=False, seed=7)
    assert median(values) > 0.8
