"""Participation exports: CSV or JSON, streamed in constant memory, aggregate-only by default.

    export(store, sys.stdout.buffer, campaign_id="lachin-2023")                # summary CSV
    export(store, f, campaign_id=..., what="letters", fmt="json", since=date(2024, 5, 1))
    await store.run(export, tmp, campaign_id=..., what="supporters")           # in the bot

`what`:
- "summary" (default): letters and sends per day × target × demand × state × source, the
  target named (`recipient`, `recipient_office`) beside its id. No personal data at all.
- "letters" / "supporters": one row per letter / supporter, with the supporter's public id (a
  stable pseudonym), never a Telegram id or a name unless `include_personal=True`, which adds
  names, Telegram ids, city, ZIP and (for letters) the letter bodies. Letters name their
  recipient (`recipient`, `recipient_office`, `recipient_state`) after `target`. Supporters
  are the campaign's (their Participation row in it), with its source, referrer and opt-in.

Recipients are named as in the stats (bot/reports/recipients.py): members of Congress from the
legislator table ("Sen. Maria Cantwell (D, WA)", "Senator", "WA"; "Former member C000127" once
they are no longer in it), campaign offices by their label and office when `campaign` is given
(else by their id), with an empty state.

Rows come from the database in batches and are written as they arrive (bot/reports/writers.py,
which also guards CSV against formula injection); nothing holds the whole export.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Literal, get_args

from bot.campaign import Campaign
from bot.reports.recipients import LETTER_COLUMNS, SUMMARY_COLUMNS, named
from bot.reports.writers import write_csv, write_json
from bot.store import Repo, Store
from bot.store.export_queries import RowStream, letter_rows, summary_rows, supporter_rows

What = Literal["summary", "letters", "supporters"]
Format = Literal["csv", "json"]
WHATS: tuple[str, ...] = get_args(What)
FORMATS: tuple[str, ...] = get_args(Format)


def _rows_for(
    repo: Repo,
    campaign_id: str,
    what: What = "summary",
    include_personal: bool = False,
    since: date | None = None,
    campaign: Campaign | None = None,
) -> RowStream:
    """The columns and rows of one export, streaming inside `repo`'s transaction.

    `campaign` (the one `campaign_id` names) labels its offices; without it they keep ids.
    """
    if campaign is not None and campaign.id != campaign_id:
        raise ValueError(f"campaign {campaign.id!r} is not {campaign_id!r}")
    if what == "summary":
        if include_personal:
            raise ValueError("the summary has no personal data; use letters or supporters")
        summary = summary_rows(repo, campaign_id, since)
        return named(repo, campaign, summary, SUMMARY_COLUMNS)
    if what == "letters":
        letters = letter_rows(repo, campaign_id, since, include_personal)
        return named(repo, campaign, letters, LETTER_COLUMNS)
    if what == "supporters":
        return supporter_rows(repo, campaign_id, since, include_personal)
    raise ValueError(f"unknown export {what!r}; choose one of {', '.join(WHATS)}")


def export(
    source: Store | Repo,
    out: IO[bytes],
    *,
    campaign_id: str,
    what: What = "summary",
    fmt: Format = "csv",
    include_personal: bool = False,
    since: date | None = None,
    campaign: Campaign | None = None,
) -> int:
    """Write one export to the binary file `out` and return how many rows it has.

    `source` is a Store (a read transaction is opened here) or the Repo of an open one, so
    the bot can run it off the event loop with `store.run(export, out, campaign_id=...)`.
    `since` keeps letters drafted (supporters who joined the campaign) on or after that UTC
    day. `campaign` (the one `campaign_id` names) gives its offices' labels to the recipient
    columns.
    Raises ValueError for an unknown `what` or `fmt`, personal data asked of the summary,
    or a `campaign` that is not `campaign_id`'s.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(source, Store):
        with source.transaction(write=False) as repo:
            return export(
                repo,
                out,
                campaign_id=campaign_id,
                what=what,
                fmt=fmt,
                include_personal=include_personal,
                since=since,
                campaign=campaign,
            )
    stream = _rows_for(source, campaign_id, what, include_personal, since, campaign)
    if fmt == "json":
        return write_json(stream.batches, out, stream.columns)
    return write_csv(stream.batches, out, stream.columns)
