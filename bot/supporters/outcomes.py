"""The typed results of the drafting and editing use cases; each front end renders them with a
`match`, so what can happen after a message or a button is listed here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from bot import flow
from bot.campaign import Campaign, CampaignState
from bot.supporters.views import Kit, LetterView


@dataclass(frozen=True)
class Prompted:
    """The draft's current question. `stale`: the answer came from an older question's button
    (a double tap, a second instance) and changed nothing."""

    prompt: flow.Prompt
    draft: flow.Draft
    draft_id: int
    revision: int
    stale: bool = False
    campaign_id: str = ""  # the draft's campaign ("": the default one)


@dataclass(frozen=True)
class Refused:
    """An answer that cannot be taken, with what it answered: the draft's question (`asked`),
    the letter being edited (`editing`), the kit's street question (`street`), or nothing."""

    error: flow.InvalidAnswer
    asked: Prompted | None = None
    editing: LetterView | None = None
    street: bool = False


@dataclass(frozen=True)
class LettersWritten:
    """The draft is done and its letters are written. `unreached`: chosen recipients who got no
    letter, with why, e.g. ("Your representative", "no_district")."""

    draft: flow.Draft
    draft_id: int
    revision: int
    letters: tuple[LetterView, ...]
    unreached: tuple[tuple[str, str], ...] = ()
    campaign_id: str = ""  # the draft's campaign ("": the default one)


@dataclass(frozen=True)
class Edited:
    """The supporter's own version replaced a letter's text."""

    letter: LetterView


@dataclass(frozen=True)
class KitReady:
    """The street question is answered (or skipped): the kit it waited for."""

    kit: Kit


@dataclass(frozen=True)
class NoDraft:
    """Nothing is being drafted (or edited): the answer has nothing to go to."""


@dataclass(frozen=True)
class LetterGone:
    """The letter an answer was for is no longer there (forgotten, or never theirs)."""


@dataclass(frozen=True)
class CampaignClosed:
    """The campaign a new letter was asked for takes none now (ended, not open yet, a draft, or
    unknown), with the campaigns that are open."""

    campaign_id: str
    state: CampaignState
    open_campaigns: tuple[Campaign, ...]


Outcome = (
    Prompted | Refused | LettersWritten | Edited | KitReady | NoDraft | LetterGone | CampaignClosed
)
