"""Letters: sandboxed Jinja2 rendering, varied wordings, and the personalization score."""

from bot.letters.environment import (
    LetterTemplateError,
    join_and,
    letter_seed,
    long_date,
    sandbox_environment,
    sentence,
    template_dirs,
    tidy,
    with_article,
)
from bot.letters.render import LetterRenderer, LetterRequest, RenderedLetter, Signer
from bot.letters.score import personalization

__all__ = [
    "LetterRenderer",
    "LetterRequest",
    "LetterTemplateError",
    "RenderedLetter",
    "Signer",
    "join_and",
    "letter_seed",
    "long_date",
    "personalization",
    "sandbox_environment",
    "sentence",
    "template_dirs",
    "tidy",
    "with_article",
]
