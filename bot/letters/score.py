"""The personalization score: how much of a letter the templates would not have written.

A letter is compared with the same letter rendered without the supporter's story (the
baseline). Its score is the share of its word 5-gram shingles (runs of five words) that the
templates would not produce on their own: shingles missing from the baseline that also hold at
least one word the baseline never uses. The first condition makes reordering the template's
paragraphs count for almost nothing; the second makes shuffling the template's own words count
for nothing; a story counts in proportion to its length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SHINGLE_WORDS = 5
MEANING = (
    "Personalization: the share of a letter's five-word phrases that the templates would not "
    "write on their own (phrases not in the template letter and with a word it never uses), so "
    "a form letter scores 0%, reordered or shuffled."
)
"""What the score means, in one sentence, wherever it is shown."""
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def shingles(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive words (the whole text, if it is shorter)."""
    if len(tokens) <= size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def personalization(text: str, baseline: str) -> float:
    """The share (0..1, three decimals) of `text` that is the supporter's, against `baseline`."""
    base_tokens = words(baseline)
    own = shingles(words(text))
    if not own:
        return 0.0
    template, vocabulary = shingles(base_tokens), set(base_tokens)
    new = [s for s in own if s not in template and not vocabulary.issuperset(s)]
    return round(len(new) / len(own), 3)
