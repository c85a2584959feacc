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
  recipient (`recipient`, `recipient_office`, `recipient_state`) after `target`.

Recipients are named as in the stats (bot/recipients.py): members of Congress from the
legislator table ("Sen. Maria Cantwell (D, WA)", "Senator", "WA"; "Former member C000127" once
they are no longer in it), campaign offices by their label and office when `campaign` is given
(else by their id), with an empty state.

Rows come from the database cursor in batches and are written as they arrive; nothing holds the
whole export. CSV is UTF-8 with a byte order mark (without it Excel reads Armenian as mojibake),
every text cell is quoted, and any text cell starting with = + - @ tab or carriage return gets a
leading apostrophe (OWASP, "CSV Injection"): a spreadsheet shows it as text, never runs it.
Numbers stay numbers, so -2 is still minus two. JSON is one array of objects, one object per
line: `json.load` and spreadsheets' JSON import read it whole, and line tools can still stream
it. No formula guard is applied to JSON: it is not opened by spreadsheets as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate, islice
from types import SimpleNamespace
from typing import IO, Any, Literal, get_args

from bot.campaign import Campaign
from bot.recipients import LETTER_COLUMNS, SUMMARY_COLUMNS, named
from bot.store import Repo, Store, reports

What = Literal["summary", "letters", "supporters"]
Format = Literal["csv", "json"]
WHATS: tuple[str, ...] = get_args(What)
FORMATS: tuple[str, ...] = get_args(Format)

BATCH = 2000
"""Rows formatted at a time: amortizes the per-batch work, bounds the memory."""
_BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# With QUOTE_NONNUMERIC every text cell is written as `"...` right after a comma or a line
# start, and quotes inside a cell are doubled; so in the written text, a quote that follows a
# comma, a newline or nothing and is followed by one of these is a dangerous cell's start.
_QUOTED_FORMULA = re.compile(r'"[=+\-@\t\r]')


def neutralize(value: Any) -> Any:
    """A text cell a spreadsheet could run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


class _Text:
    """A UTF-8 text layer over the caller's binary file that leaves the file open when done."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self.stream = io.TextIOWrapper(fileobj, encoding="utf-8", newline="")

    def __enter__(self) -> io.TextIOWrapper:
        return self.stream

    def __exit__(self, *_exc: object) -> None:
        self.stream.flush()
        self.stream.detach()


class _CsvLines:
    """Formats rows into CSV lines, one string per row, with formula cells neutralized.

    The common case stays in C: csv formats the whole batch into a list, and one regex search
    over the joined text finds the rare rows to redo (with `neutralize`) cell by cell.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.writer = csv.writer(SimpleNamespace(write=self.lines.append), **_CSV)

    def format(self, batch: Sequence[Sequence[Any]]) -> str:
        lines = self.lines
        lines.clear()
        self.writer.writerows(batch)
        text = "".join(lines)
        hits = [m.start() for m in _QUOTED_FORMULA.finditer(text) if _opens_cell(text, m.start())]
        if not hits:
            return text
        ends = list(accumulate(map(len, lines)))
        for index in sorted({bisect_right(ends, hit) for hit in hits}):
            lines[index] = _neutral_line(batch[index])
        return "".join(lines)


_CSV: dict[str, Any] = {"quoting": csv.QUOTE_NONNUMERIC, "lineterminator": "\r\n"}


def _opens_cell(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] in ",\n"


def _neutral_line(row: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, **_CSV).writerow([neutralize(value) for value in row])
    return out.getvalue()


def write_csv(
    rows: Iterable[Sequence[Any]], fileobj: IO[bytes], columns: Sequence[str] | None = None
) -> int:
    """Write `rows` (tuples or lists) as CSV to a binary file, as they come; returns the count.

    UTF-8 with a BOM, a header line if `columns` is given, text quoted and neutralized against
    formula injection, numbers left unquoted (and numeric). The file is flushed, not closed.
    """
    return _write_csv_batches(_batches(rows), fileobj, columns)


def _write_csv_batches(
    batches: Iterable[Sequence[Sequence[Any]]],
    fileobj: IO[bytes],
    columns: Sequence[str] | None = None,
) -> int:
    count = 0
    lines = _CsvLines()
    with _Text(fileobj) as text:
        text.write(_BOM)
        if columns is not None:
            text.write(lines.format([columns]))
        for batch in batches:
            text.write(lines.format(batch))
            count += len(batch)
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_json(rows: Iterable[Sequence[Any]], fileobj: IO[bytes], columns: Sequence[str]) -> int:
    """Write `rows` as a JSON array of objects keyed by `columns`, one object per line.

    UTF-8 without a BOM (RFC 8259 forbids one); non-ASCII stays readable. Returns the count.
    """
    return _write_json_batches(_batches(rows), fileobj, columns)


def _write_json_batches(
    batches: Iterable[Sequence[Sequence[Any]]], fileobj: IO[bytes], columns: Sequence[str]
) -> int:
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    keys = tuple(columns)
    count = 0
    with _Text(fileobj) as text:
        text.write("[")
        separator = "\n"
        for batch in batches:
            objects = (dict(zip(keys, row, strict=True)) for row in batch)
            text.write(separator + ",\n".join(map(encode, objects)))
            separator = ",\n"
            count += len(batch)
        text.write("\n]\n")
    return count


def rows_for(
    repo: Repo,
    campaign_id: str,
    what: What = "summary",
    include_personal: bool = False,
    since: date | None = None,
    campaign: Campaign | None = None,
) -> reports.RowStream:
    """The columns and rows of one export, streaming inside `repo`'s transaction.

    `campaign` (the one `campaign_id` names) labels its offices; without it they keep ids.
    """
    if campaign is not None and campaign.id != campaign_id:
        raise ValueError(f"campaign {campaign.id!r} is not {campaign_id!r}")
    if what == "summary":
        if include_personal:
            raise ValueError("the summary has no personal data; use letters or supporters")
        summary = reports.summary_rows(repo, campaign_id, since)
        return named(repo, campaign, summary, SUMMARY_COLUMNS)
    if what == "letters":
        letters = reports.letter_rows(repo, campaign_id, since, include_personal)
        return named(repo, campaign, letters, LETTER_COLUMNS)
    if what == "supporters":
        return reports.supporter_rows(repo, campaign_id, since, include_personal)
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
    `since` keeps letters drafted (supporters joined) on or after that UTC day. `campaign`
    (the one `campaign_id` names) gives its offices' labels to the recipient columns.
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
    stream = rows_for(source, campaign_id, what, include_personal, since, campaign)
    if fmt == "json":
        return _write_json_batches(stream.batches, out, stream.columns)
    return _write_csv_batches(stream.batches, out, stream.columns)
