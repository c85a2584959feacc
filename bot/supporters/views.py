"""What the use cases hand a front end: who is talking, and read-only views of their letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.campaign import Demand, Target
from bot.letters import Signer


@dataclass(frozen=True)
class Person:
    """Who is talking: `id` is the supporter's id as every front end knows them (the store keeps
    it in `Supporter.telegram_id`), with the name and language their client reports."""

    id: int
    display_name: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class LetterView:
    """A written letter as shown: `number` of `total` letters written from one draft."""

    id: int
    target: Target
    body: str
    score: float
    sent: bool
    edited: bool
    number: int = 1
    total: int = 1
    campaign_id: str = ""  # its campaign ("": the default one)


@dataclass(frozen=True)
class Kit:
    """What a supporter needs to send one letter: it, who signs it, and what it asks."""

    letter: LetterView
    signer: Signer
    demands: tuple[Demand, ...]
    written: date


@dataclass(frozen=True)
class Welcome:
    """A supporter's first (or renewed) contact: new or not, their name, a draft under way."""

    is_new: bool
    name: str | None
    has_draft: bool = False
    campaign_id: str = ""  # the campaign they are in now
    draft_campaign_id: str | None = None  # the campaign of the letter under way, if any
