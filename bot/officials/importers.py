"""What an officials import reads and how it fails: the sources and limits, the error and problem
types, and the field helpers every file format's parser shares (parsing.py picks the parser).

A malformed record is skipped and reported with its file and line (CSV) or record number
(JSON); parsing.py refuses a file whose records are mostly malformed. Nothing here touches the
database, so `campaign-bot --help` stays free of SQLAlchemy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

LEGISLATORS = "legislators"
ZCCD = "zccd"
# Where `officials update` fetches the current files (overridable on the command line).
LEGISLATORS_URL = "https://unitedstates.github.io/congress-legislators/legislators-current.json"
ZCCD_URL = (
    "https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv"
)
DOWNLOAD_TIMEOUT_S = 60.0
DEFAULT_MAX_BAD_FRACTION = 0.1
MAX_DISTRICT = 60  # California has 52; anything far above is a wrong column


class OfficialsDataError(Exception):
    """An officials file or download that cannot be used, phrased as what is wrong with it."""


class BadRecord(Exception):
    """A record that cannot be used; the message is the reason."""


@dataclass(frozen=True)
class Problem:
    """A malformed record: where it is and what is wrong. `skipped` is False when only one
    field was dropped (e.g. a contact form that is not a URL) and the record was kept."""

    where: str
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def skipped_count(problems: list[Problem] | tuple[Problem, ...]) -> int:
    """How many records the problems dropped whole."""
    return sum(1 for p in problems if p.skipped)


@dataclass
class ParsedFile:
    """The rows of one file, ready for the database, and what was wrong in it."""

    source: str
    dataset: str  # LEGISLATORS or ZCCD
    format: str  # "json" or "csv"
    rows: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    data_date: date | None = None
    file_date: datetime | None = None
    sha256: str = ""

    @property
    def skipped(self) -> int:
        return skipped_count(self.problems)


def csv_records(
    reader: Any, header: list[str], parsed: ParsedFile
) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, {column: value}) per non-blank row; rows of the wrong width are reported."""
    name = parsed.source
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            parsed.records += 1
            parsed.problems.append(Problem(f"{name} line {reader.line_num}", f"bad CSV: {error}"))
            continue
        if not any(v.strip() for v in values):
            continue
        parsed.records += 1
        where = f"{name} line {reader.line_num}"
        if len(values) != len(header):
            parsed.problems.append(
                Problem(where, f"has {len(values)} fields, the header has {len(header)}")
            )
            continue
        yield where, dict(zip(header, values, strict=True))


# field helpers


def ascii_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() rejects."""
    return text.isascii() and text.isdigit()


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def integer_or_none(value: Any, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadRecord(f"{what} {value!r} is not a number")
    if isinstance(value, int):
        return value
    cleaned = str(value).strip()
    if cleaned.endswith(".0"):  # a number that went through a spreadsheet
        cleaned = cleaned[:-2]
    if not ascii_digits(cleaned):
        raise BadRecord(f"{what} {value!r} is not a number")
    return int(cleaned)


def day_or_none(value: Any, what: str) -> date | None:
    text = text_or_none(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRecord(f"{what} {text!r} is not a date like 2027-01-03") from None
