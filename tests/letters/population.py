"""Generated supporters for measuring how alike two supporters' letters are.

Different names, places and one- or two-sentence stories, like real supporters; each letter gets
the seed the bot would give it (campaign, draft id, recipient). Used by the similarity test and
by `python -m bench similarity`, which prints the medians.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from bot.campaign import Campaign, Target
from bot.letters import LetterRenderer, LetterRequest, Signer, letter_seed
from bot.letters.score import shingles, words
from bot.places import Place

FIRST = ("Ani", "Aram", "Lilit", "Narek", "Mariam", "Davit", "Sona", "Tigran", "Anahit", "Hayk",
         "Karine", "Levon", "Nairi", "Raffi", "Sevan", "Taline", "Vahe", "Zabel", "Armen", "Gohar",
         "Shant", "Maral", "Hovig", "Nora")  # fmt: skip
LAST = ("Hakobyan", "Petrosian", "Sarkisian", "Manukyan", "Grigoryan", "Avetisyan", "Karapetyan",
        "Mkrtchyan", "Der Bedrossian", "Kazarian", "Boghossian", "Tashjian")  # fmt: skip
# One state, so that the same senator is "the same office" for everyone.
PLACES = (
    Place("Seattle", "WA", "98101"),
    Place("Tacoma", "WA", "98402"),
    Place("Spokane", "WA", "99201"),
    Place("Bellevue", "WA", "98004"),
    Place("Olympia", "WA", "98501"),
    Place("Everett", "WA", "98201"),
    Place("Yakima", "WA", "98901"),
    Place("Kent", "WA", "98032"),
)
OPENINGS = (
    "My grandmother was born in Shushi",
    "My parents fled Stepanakert in September 2023",
    "I have cousins who lost their homes in Martakert",
    "My family comes from Hadrut",
    "I volunteered with refugee families in Yerevan last year",
    "My best friend's family walked out of Artsakh with nothing",
    "I teach Armenian history to teenagers",
    "My great-grandfather survived the genocide as a boy",
)
ENDINGS = (
    "and I want her town remembered.",
    "and they still cannot go home.",
    "and I think about them every day.",
    "and nobody there has been held to account.",
    "and I saw what the blockade did to children.",
    "and our church is collecting winter clothes for them.",
    "and I do not want my students to study another erasure.",
    "and I promised him we would not stay silent.",
)
SECOND = (
    "Please listen to people like us.",
    "It is time for the United States to act.",
    "I vote, and I am watching what you do.",
    "",
    "Their village church is gone.",
    "We need more than words.",
    "",
)


@dataclass(frozen=True)
class Supporter:
    draft_id: int
    signer: Signer
    story: str


def supporters(count: int) -> Iterator[Supporter]:
    for i in range(count):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        story = f"{OPENINGS[i % len(OPENINGS)]} {ENDINGS[(i * 5) % len(ENDINGS)]}"
        story = f"{story} {SECOND[(i * 3) % len(SECOND)]}".strip()
        yield Supporter(1000 + i, Signer(name, PLACES[(i * 3) % len(PLACES)]), story)


def jaccard(a: str, b: str) -> float:
    """Word 5-gram shingle Jaccard similarity: 1.0 for the same letter."""
    one, two = shingles(words(a)), shingles(words(b))
    return len(one & two) / len(one | two) if one | two else 1.0


def similarities(
    campaign: Campaign,
    renderer: LetterRenderer,
    office: Target,
    routing: str,
    *,
    stories: bool,
    count: int = 120,
    seed: int | None = None,
) -> list[float]:
    """Jaccard of pairs of supporters' letters to `office` that share a template variant.

    `seed` fixed gives every supporter the same seed (one wording for all): the baseline.
    """
    demands = campaign.demands_for([routing])
    by_variant: dict[str, list[str]] = {}
    for person in supporters(count):
        letter_seed_ = (
            seed if seed is not None else letter_seed(campaign.id, person.draft_id, office.id)
        )
        request = LetterRequest(
            office, demands, person.signer, person.story if stories else None, letter_seed_
        )
        letter = renderer.render(request)
        by_variant.setdefault(letter.variant, []).append(letter.body)
    pairs = [zip(bodies[::2], bodies[1::2], strict=False) for bodies in by_variant.values()]
    return [jaccard(a, b) for group in pairs for a, b in group]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)
