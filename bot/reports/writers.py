"""CSV and JSON written batch by batch to a binary file, with CSV guarded against formulas.

CSV is UTF-8 with a byte order mark (without it Excel reads Armenian as mojibake), every text
cell is quoted, and any text cell starting with = + - @ tab or carriage return gets a leading
apostrophe (OWASP, "CSV Injection"): a spreadsheet shows it as text, never runs it. Numbers stay
numbers, so -2 is still minus two. JSON is one array of objects, one object per line: `json.load`
and spreadsheets' JSON import read it whole, and line tools can still stream it. No formula
guard is applied to JSON: it is not opened by spreadsheets as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from types import SimpleNamespace
from typing import IO, Any

from bot.store.export_queries import Batch

_BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# With QUOTE_NONNUMERIC every text cell is written as `"...` right after a comma or a line
# start, and quotes inside a cell are doubled; so in the written text, a quote that follows a
# comma, a newline or nothing and is followed by one of these is a dangerous cell's start.
_QUOTED_FORMULA = re.compile(r'"[=+\-@\t\r]')
_CSV: dict[str, Any] = {"quoting": csv.QUOTE_NONNUMERIC, "lineterminator": "\r\n"}


def _neutralize(value: Any) -> Any:
    """A text cell a spreadsheet could run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    over the joined text finds the rare rows to redo (with `_neutralize`) cell by cell.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.writer = csv.writer(SimpleNamespace(write=self.lines.append), **_CSV)

    def format(self, batch: Batch) -> str:
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


def _opens_cell(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] in ",\n"


def _neutral_line(row: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, **_CSV).writerow([_neutralize(value) for value in row])
    return out.getvalue()


def write_csv(batches: Iterable[Batch], fileobj: IO[bytes], columns: Sequence[str]) -> int:
    """Write a header line and the rows as CSV, a batch at a time; returns the row count.

    The file is flushed, not closed.
    """
    count = 0
    lines = _CsvLines()
    with _Text(fileobj) as text:
        text.write(_BOM)
        text.write(lines.format([tuple(columns)]))
        for batch in batches:
            text.write(lines.format(batch))
            count += len(batch)
    return count


def write_json(batches: Iterable[Batch], fileobj: IO[bytes], columns: Sequence[str]) -> int:
    """Write the rows as a JSON array of objects keyed by `columns`, one object per line.

    UTF-8 without a BOM (RFC 8259 forbids one); non-ASCII stays readable. Returns the count.
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode
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
