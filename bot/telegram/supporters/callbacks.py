"""Callback data: short, versioned strings (Telegram allows 64 bytes) parsed defensively.

Anything that does not parse, from an old deployment or a tampered client, becomes None and is
answered with a polite way back, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.i18n import LANGUAGES

MAX_CALLBACK_BYTES = 64
_CAMPAIGN_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$")  # a campaign file's id
SEP = "|"


@dataclass(frozen=True)
class DraftAction:
    """A button on a drafting prompt: (draft, revision) makes old buttons harmless."""

    draft_id: int
    revision: int
    action: str  # "t" toggle, "a" toggle an ask shown beside the targets, "ok" confirm, "skip"
    choice: str = ""


@dataclass(frozen=True)
class LetterAction:
    letter_id: int
    action: str  # one of LETTER_ACTIONS ("kit_sent": "I sent it" under the kit; "show": again)


@dataclass(frozen=True)
class MenuAction:
    action: str  # one of MENU_ACTIONS


@dataclass(frozen=True)
class CampaignAction:
    """A button about one campaign: write a letter in it (from /campaigns, or an ended
    campaign's answer), or answer its updates offer after a letter of it was sent."""

    campaign_id: str
    action: str = "write"  # one of CAMPAIGN_ACTIONS


Callback = DraftAction | LetterAction | MenuAction | CampaignAction

DRAFT_ACTIONS = {"t", "a", "ok", "skip"}
CHOICE_ACTIONS = {"t", "a"}  # the draft actions that name a choice
LETTER_ACTIONS = {"sent", "again", "edit", "kit", "kit_sent", "nostreet", "remind", "show"}
CAMPAIGN_ACTIONS = {"write", "updates_yes", "updates_no"}
LANGUAGE_PREFIX = "lang_"  # "lang_hy": answer in Armenian from now on
MENU_ACTIONS = {
    *(LANGUAGE_PREFIX + code for code in LANGUAGES),
    "letter",
    "demands",
    "resume",
    "forget_yes",
    "forget_no",
    "updates_on",
    "updates_off",
    "offer_yes",
    "offer_no",
    "place_reset",
}


def encode(callback: Callback) -> str:
    if isinstance(callback, DraftAction):
        parts = ["d", str(callback.draft_id), str(callback.revision), callback.action]
        if callback.choice:
            parts.append(callback.choice)
    elif isinstance(callback, LetterAction):
        parts = ["l", str(callback.letter_id), callback.action]
    elif isinstance(callback, CampaignAction):
        parts = ["c", callback.campaign_id]
        if callback.action != "write":
            parts.append(callback.action)
    else:
        parts = ["m", callback.action]
    data = SEP.join(parts)
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


MAX_ID = 2**63 - 1  # database integers; anything larger cannot be one of ours


def _id(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(f"id out of range: {text}")
    return value


def decode(data: str | None) -> Callback | None:
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(SEP)
    try:
        if parts[0] == "d" and len(parts) in (4, 5) and parts[3] in DRAFT_ACTIONS:
            choice = parts[4] if len(parts) == 5 else ""
            if (parts[3] in CHOICE_ACTIONS) != bool(choice):
                return None
            return DraftAction(_id(parts[1]), _id(parts[2]), parts[3], choice)
        if parts[0] == "l" and len(parts) == 3 and parts[2] in LETTER_ACTIONS:
            return LetterAction(_id(parts[1]), parts[2])
        if parts[0] == "m" and len(parts) == 2 and parts[1] in MENU_ACTIONS:
            return MenuAction(parts[1])
        if parts[0] == "c" and len(parts) in (2, 3) and _CAMPAIGN_ID.match(parts[1]):
            action = parts[2] if len(parts) == 3 else "write"
            return CampaignAction(parts[1], action) if action in CAMPAIGN_ACTIONS else None
    except ValueError:
        return None
    return None
