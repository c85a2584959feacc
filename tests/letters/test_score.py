"""The personalization score counts what the supporter wrote, and nothing else."""

from __future__ import annotations

import random
from datetime import date

import pytest

from bot.campaign import Campaign
from bot.letters import LetterRenderer, LetterRequest, Signer, personalization
from bot.letters.score import shingles, words
from bot.places import Place
from tests.letters.offices import offices

STORY = "My grandmother was born in Shushi, and I want her grandchildren to see her town again."
SENTENCES = (
    STORY,
    "Our family kept her house key in a drawer for thirty years.",
    "Every spring my father planted apricots because they reminded him of home.",
    "Last winter we collected blankets at church for families who arrived with nothing.",
    "My daughter asked me why nobody stopped it, and I had no answer for her.",
    "I still keep the photographs my uncle sent before the road was closed.",
    "Our choir sings one of her songs every April, and the old people weep.",
    "I learned to cook her dolma so my children would know what her kitchen smelled like.",
)


@pytest.fixture(scope="module")
def renderer(campaign: Campaign) -> LetterRenderer:
    return LetterRenderer(campaign)


def request(campaign: Campaign, seed: int, story: str | None) -> LetterRequest:
    target, routing = offices(campaign)["senators"]
    signer = Signer("Ani Hakobyan", Place("Seattle", "WA", "98101"))
    return LetterRequest(
        target, campaign.demands_for([routing]), signer, story, seed, date(2026, 1, 5)
    )


def template_letter(campaign: Campaign, renderer: LetterRenderer, seed: int = 3) -> str:
    return renderer.render(request(campaign, seed, None)).body


def test_words_and_shingles() -> None:
    assert words("Dear Senator Cantwell: I’m here, it's 2026.") == [
        "dear", "senator", "cantwell", "i’m", "here", "it's", "2026",
    ]  # fmt: skip
    assert shingles(["a", "b", "c"]) == {("a", "b", "c")}
    assert len(shingles([str(i) for i in range(10)])) == 6
    assert shingles([]) == set()


def test_a_template_letter_scores_zero(campaign: Campaign, renderer: LetterRenderer) -> None:
    for seed in range(6):
        assert renderer.render(request(campaign, seed, None)).score == 0.0


def test_reordering_paragraphs_scores_near_zero(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    body = template_letter(campaign, renderer)
    paragraphs = body.split("\n\n")
    reordered = "\n\n".join([paragraphs[0], *reversed(paragraphs[1:])])
    assert renderer.score_edit(request(campaign, 3, None), reordered) < 0.05


def test_shuffling_words_scores_zero(campaign: Campaign, renderer: LetterRenderer) -> None:
    tokens = template_letter(campaign, renderer).split()
    random.Random(5).shuffle(tokens)
    assert renderer.score_edit(request(campaign, 3, None), " ".join(tokens)) == 0.0


def test_a_story_scores_in_proportion_to_its_length(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    scores = []
    for sentences in (1, 2, 4, 8):
        story = " ".join(SENTENCES[:sentences])
        letter = renderer.render(request(campaign, 3, story))
        own = len(words(story)) / len(words(letter.body))
        assert letter.score == pytest.approx(own, abs=0.04)
        scores.append(letter.score)
    assert scores == sorted(scores) and scores[0] > 0


def test_framing_around_the_story_is_not_counted(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    """ "This is personal for me:" appears only with a story, but the template wrote it."""
    story = "Shushi."
    for seed in range(9):
        letter = renderer.render(request(campaign, seed, story))
        assert letter.score <= 6 / len(words(letter.body))


def test_edits_count_what_the_supporter_changed(
    campaign: Campaign, renderer: LetterRenderer
) -> None:
    with_story = renderer.render(request(campaign, 3, STORY))
    req = request(campaign, 3, STORY)
    assert renderer.score_edit(req, with_story.body) == with_story.score  # unchanged
    added = with_story.body + "\n\nI also march every April 24 with my children in Seattle."
    assert renderer.score_edit(req, added) > with_story.score
    without_story = with_story.body.replace(STORY, "")
    assert renderer.score_edit(req, without_story) < 0.02  # deleting the story lowers it
    own = "\n\n".join(["Dear Senator Cantwell:", *SENTENCES, "Ani"])
    assert renderer.score_edit(req, own) > 0.8  # their own letter, nearly all of it


def test_personalization_edge_cases() -> None:
    assert personalization("", "anything") == 0.0
    assert personalization("all new words here today", "") == 1.0
    assert personalization("some words here", "here some words") == 0.0
    assert personalization("the same text in both", "the same text in both") == 0.0
