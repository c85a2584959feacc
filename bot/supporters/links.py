"""The payload of a `t.me/<bot>?start=<payload>` link: a campaign (`c-<campaign>`), optionally
followed by `_` and what a plain link carries (a source, an invite code `r-…`, a party `p-…`).

Telegram allows 64 characters of `A-Za-z0-9_-` in a payload, and campaign ids may contain `_`
themselves, so the campaign is the longest known id the payload starts with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CAMPAIGN_PREFIX = "c-"
SEPARATOR = "_"


@dataclass(frozen=True)
class StartLink:
    """What a start link asks for: a campaign (None: whichever the supporter is in), and the
    rest of the payload (a source, invite or party code), if any."""

    campaign_id: str | None
    rest: str | None


def read_start(payload: str | None, campaign_ids: Iterable[str]) -> StartLink:
    """`c-lachin-2023_r-Ab3x` → (lachin-2023, r-Ab3x); `c-gone` → (gone, None), an unknown
    campaign the caller answers for; anything else is the plain payload it always was."""
    if not payload or not payload.startswith(CAMPAIGN_PREFIX):
        return StartLink(None, payload or None)
    named = payload[len(CAMPAIGN_PREFIX) :]
    known = sorted(campaign_ids, key=len, reverse=True)
    for campaign_id in known:
        if named == campaign_id:
            return StartLink(campaign_id, None)
        if named.startswith(campaign_id + SEPARATOR):
            return StartLink(campaign_id, named[len(campaign_id) + 1 :] or None)
    unknown, _, rest = named.partition(SEPARATOR)
    return StartLink(unknown, rest or None)


def start_payload(campaign_id: str | None, rest: str | None = None) -> str:
    """The payload of a link to a campaign (None: no campaign named) with a source or code."""
    if campaign_id is None:
        return rest or ""
    return CAMPAIGN_PREFIX + campaign_id + (SEPARATOR + rest if rest else "")
