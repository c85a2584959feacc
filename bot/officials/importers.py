"""Read the public officials files into rows, without touching the database.

Three formats, told apart by their content (the extension only has to agree):
- `legislators-current.json` of the unitedstates/congress-legislators project: a list of
  people, each with `id`, `name` and `terms`; the LAST term is the current one;
- `legislators-current.csv` from the same project's GitHub Pages site: one row per person
  (header `last_name,first_name,...,type,state,district,...,bioguide_id,...`), current term only;
- `zccd.csv` of us-zipcodes-congress: `state_fips,state_abbr,zcta,cd`, one row per ZCTA and
  candidate district.

A malformed record is skipped and reported with its file and line (CSV) or record number
(JSON). The whole file is refused when it is empty, holds no usable rows, or when more than
`max_bad_fraction` of its records are malformed: that is a wrong file or a changed format, and
importing the rest would silently drop part of the directory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.places import US_STATES

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
_BIOGUIDE = re.compile(r"^[A-Z][0-9]{6}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_ZCCD_COLUMNS = ("state_abbr", "zcta", "cd")
_LEGISLATOR_CSV_COLUMNS = ("bioguide_id", "last_name", "first_name", "type", "state")
_SHOWN_PROBLEMS = 3


class OfficialsDataError(Exception):
    """An officials file or download that cannot be used, phrased as what is wrong with it."""


@dataclass(frozen=True)
class Problem:
    """A malformed record: where it is and what is wrong. `skipped` is False when only one
    field was dropped (e.g. a contact form that is not a URL) and the record was kept."""

    where: str
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class ParsedFile:
    """The rows of one file, ready for the database, and what was wrong in it."""

    source: str
    dataset: str  # LEGISLATORS or ZCCD
    format: str  # "json" or "csv"
    rows: list[dict[str, Any]]
    records: int
    problems: list[Problem] = field(default_factory=list)
    data_date: date | None = None
    file_date: datetime | None = None
    sha256: str = ""

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)


class _Bad(Exception):
    """A record that cannot be used; the message is the reason."""


def parse_file(
    path: Path,
    *,
    source: str | None = None,
    file_date: datetime | None = None,
    max_bad_fraction: float = DEFAULT_MAX_BAD_FRACTION,
) -> ParsedFile:
    """Parse `path`, its format told by its content; `source` names it in messages."""
    name = source or path.name
    try:
        data = path.read_bytes()
        if file_date is None:
            file_date = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        raise OfficialsDataError(f"cannot read {path}: {error.strerror}") from None
    if not data.strip():
        raise OfficialsDataError(f"{name} is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OfficialsDataError(
            f"{name} is not UTF-8 text (byte {error.start}): is it the right file?"
        ) from None
    parsed = _parse_text(text, name, path.suffix.lower())
    parsed.file_date = file_date
    parsed.sha256 = hashlib.sha256(data).hexdigest()
    _check_usable(parsed, max_bad_fraction)
    return parsed


def _parse_text(text: str, name: str, suffix: str) -> ParsedFile:
    head = text.lstrip()[:1]
    if suffix in (".yaml", ".yml"):
        raise OfficialsDataError(
            f"{name}: YAML is not supported; use legislators-current.json or .csv from "
            "https://unitedstates.github.io/congress-legislators/"
        )
    if head in ("[", "{"):
        if suffix == ".csv":
            raise OfficialsDataError(f"{name} is named .csv but holds JSON: is it the right file?")
        return _parse_legislators_json(text, name)
    if suffix == ".json":
        raise OfficialsDataError(
            f"{name} is named .json but does not hold JSON (it starts with {text.lstrip()[:20]!r})"
        )
    return _parse_csv(text, name)


def _check_usable(parsed: ParsedFile, max_bad_fraction: float) -> None:
    shown = "; ".join(str(p) for p in parsed.problems[:_SHOWN_PROBLEMS])
    more = len(parsed.problems) - _SHOWN_PROBLEMS
    if more > 0:
        shown += f"; and {more} more"
    if not parsed.rows:
        detail = f": {shown}" if shown else ""
        raise OfficialsDataError(f"{parsed.source} has no usable {parsed.dataset} rows{detail}")
    if parsed.skipped > max_bad_fraction * parsed.records:
        raise OfficialsDataError(
            f"{parsed.source}: {parsed.skipped} of {parsed.records} records are malformed (more "
            f"than {max_bad_fraction:.0%}), so nothing was imported: {shown}"
        )


# congress-legislators, JSON


def _parse_legislators_json(text: str, name: str) -> ParsedFile:
    try:
        people = json.loads(text)
    except json.JSONDecodeError as error:
        raise OfficialsDataError(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if not isinstance(people, list):
        raise OfficialsDataError(
            f"{name} holds a JSON {type(people).__name__}, not the list of legislators of "
            "legislators-current.json"
        )
    parsed = ParsedFile(source=name, dataset=LEGISLATORS, format="json", rows=[], records=0)
    seen: set[str] = set()
    starts: list[date] = []
    for number, person in enumerate(people, start=1):
        parsed.records += 1
        where = f"{name} record {number}"
        try:
            if not isinstance(person, dict):
                raise _Bad(f"is a JSON {type(person).__name__}, not an object")
            ids, names, terms = person.get("id"), person.get("name"), person.get("terms")
            bioguide = ids.get("bioguide") if isinstance(ids, dict) else None
            if isinstance(bioguide, str):
                where = f"{where} ({bioguide})"
            if not isinstance(names, dict):
                raise _Bad("has no name")
            if not isinstance(terms, list) or not terms or not isinstance(terms[-1], dict):
                raise _Bad("has no terms")
            term = terms[-1]  # the current term is the last one
            row = _legislator_row(
                {
                    "bioguide_id": bioguide,
                    "first_name": names.get("first"),
                    "middle_name": names.get("middle"),
                    "last_name": names.get("last"),
                    "suffix": names.get("suffix"),
                    "nickname": names.get("nickname"),
                    "official_full": names.get("official_full"),
                    "type": term.get("type"),
                    "state": term.get("state"),
                    "district": term.get("district"),
                    "senate_class": term.get("class"),
                    "party": term.get("party"),
                    "url": term.get("url"),
                    "phone": term.get("phone"),
                    "address": term.get("address"),
                    "office": term.get("office"),
                    "contact_form": term.get("contact_form"),
                    "start": term.get("start"),
                    "end": term.get("end"),
                },
                where,
                parsed.problems,
                seen,
            )
        except _Bad as bad:
            parsed.problems.append(Problem(where, str(bad)))
            continue
        parsed.rows.append(row)
        if row["term_start"]:
            starts.append(row["term_start"])
    # The files carry no date of their own; the newest term start says "current as of at least".
    parsed.data_date = max(starts, default=None)
    return parsed


# CSV: congress-legislators or zccd, told apart by the header


def _parse_csv(text: str, name: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise OfficialsDataError(f"{name} has no readable CSV header: {error}") from None
    if all(c in header for c in _ZCCD_COLUMNS):
        return _parse_zccd(reader, header, name)
    if all(c in header for c in _LEGISLATOR_CSV_COLUMNS):
        return _parse_legislators_csv(reader, header, name)
    raise OfficialsDataError(
        f"{name} is neither a congress-legislators CSV (columns "
        f"{', '.join(_LEGISLATOR_CSV_COLUMNS)}, ...) nor zccd.csv "
        "(state_fips,state_abbr,zcta,cd); its header is "
        f"{','.join(header)[:120]!r}"
    )


def _records(
    reader: Any, header: list[str], name: str, parsed: ParsedFile
) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, {column: value}) per non-blank row; rows of the wrong width are reported."""
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


def _parse_legislators_csv(reader: Any, header: list[str], name: str) -> ParsedFile:
    parsed = ParsedFile(source=name, dataset=LEGISLATORS, format="csv", rows=[], records=0)
    seen: set[str] = set()
    for where, record in _records(reader, header, name, parsed):
        try:
            row = _legislator_row(
                {
                    "bioguide_id": record.get("bioguide_id"),
                    "first_name": record.get("first_name"),
                    "middle_name": record.get("middle_name"),
                    "last_name": record.get("last_name"),
                    "suffix": record.get("suffix"),
                    "nickname": record.get("nickname"),
                    "official_full": record.get("full_name"),
                    "type": record.get("type"),
                    "state": record.get("state"),
                    "district": record.get("district"),
                    "senate_class": record.get("senate_class"),
                    "party": record.get("party"),
                    "url": record.get("url"),
                    "phone": record.get("phone"),
                    "address": record.get("address"),
                    "office": None,  # the CSV has only the one-line address
                    "contact_form": record.get("contact_form"),
                    "start": None,  # nor term dates
                    "end": None,
                },
                where,
                parsed.problems,
                seen,
            )
        except _Bad as bad:
            parsed.problems.append(Problem(where, str(bad)))
            continue
        parsed.rows.append(row)
    return parsed


def _legislator_row(
    raw: Mapping[str, Any], where: str, problems: list[Problem], seen: set[str]
) -> dict[str, Any]:
    """Validate one person's current term into a `legislator` row; raises _Bad."""
    bioguide = _text(raw["bioguide_id"])
    if not bioguide or not _BIOGUIDE.match(bioguide):
        raise _Bad(f"bioguide id {bioguide!r} is not like 'C000127'")
    if bioguide in seen:
        raise _Bad(f"bioguide id {bioguide} appears twice")
    first, last = _text(raw["first_name"]), _text(raw["last_name"])
    if not first or not last:
        raise _Bad("has no first or last name")
    chamber = (_text(raw["type"]) or "").lower()
    if chamber not in ("sen", "rep"):
        raise _Bad(f"type {raw['type']!r} is neither 'sen' nor 'rep'")
    state = (_text(raw["state"]) or "").upper()
    if state not in US_STATES:
        raise _Bad(f"state {raw['state']!r} is not a US state or territory code")
    district: int | None = None
    if chamber == "rep":
        district = _integer(raw["district"], "district (0 for at-large)")
        if district is None or not 0 <= district <= MAX_DISTRICT:
            raise _Bad(f"a representative needs a district (0 = at-large), got {raw['district']!r}")
    senate_class = _integer(raw["senate_class"], "senate class") if chamber == "sen" else None
    suffix = _text(raw["suffix"])
    official = _text(raw["official_full"])
    if not official:
        official = " ".join(filter(None, (first, last)))
        official = f"{official}, {suffix}" if suffix else official
    row: dict[str, Any] = {
        "bioguide_id": bioguide,
        "first_name": first,
        "middle_name": _text(raw["middle_name"]),
        "last_name": last,
        "suffix": suffix,
        "nickname": _text(raw["nickname"]),
        "official_full": official,
        "chamber": chamber,
        "state": state,
        "district": district,
        "senate_class": senate_class,
        "party": _text(raw["party"]),
        "phone": _text(raw["phone"]),
        "address": _text(raw["address"]),
        "office": _text(raw["office"]),
        "term_start": _day(raw["start"], "term start"),
        "term_end": _day(raw["end"], "term end"),
    }
    for key in ("url", "contact_form"):
        value = _text(raw[key])
        if value and not _URL.match(value):
            problems.append(Problem(where, f"{key} {value[:60]!r} is not a web address", False))
            value = None
        row[key] = value
    seen.add(bioguide)
    return row


# zccd


def _parse_zccd(reader: Any, header: list[str], name: str) -> ParsedFile:
    parsed = ParsedFile(source=name, dataset=ZCCD, format="csv", rows=[], records=0)
    seen: set[tuple[str, str, int]] = set()
    for where, record in _records(reader, header, name, parsed):
        zcta = record["zcta"].strip()
        state = record["state_abbr"].strip().upper()
        cd = record["cd"].strip().upper()
        if not ascii_digits(zcta) or len(zcta) > 5:
            parsed.problems.append(Problem(where, f"zcta {zcta!r} is not a 5-digit ZIP code"))
            continue
        zcta = zcta.zfill(5)  # spreadsheets drop the leading zeros of New England ZIPs
        if state not in US_STATES:
            parsed.problems.append(Problem(where, f"state_abbr {state!r} is not a state code"))
            continue
        if cd == "98":  # the Census code for a delegate's (non-voting) district
            cd = "0"
        if not ascii_digits(cd) or int(cd) > MAX_DISTRICT:
            parsed.problems.append(Problem(where, f"cd {cd!r} is not a district number"))
            continue
        key = (zcta, state, int(cd))
        if key in seen:
            continue
        seen.add(key)
        parsed.rows.append({"zcta": zcta, "state": state, "district": int(cd)})
    return parsed


# field helpers


def ascii_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() rejects."""
    return text.isascii() and text.isdigit()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def _integer(value: Any, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad(f"{what} {value!r} is not a number")
    if isinstance(value, int):
        return value
    cleaned = str(value).strip()
    if cleaned.endswith(".0"):  # a number that went through a spreadsheet
        cleaned = cleaned[:-2]
    if not ascii_digits(cleaned):
        raise _Bad(f"{what} {value!r} is not a number")
    return int(cleaned)


def _day(value: Any, what: str) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"{what} {text!r} is not a date like 2027-01-03") from None
