"""Read the congress-legislators files into `legislator` rows: the project's JSON (a list of
people, each with `id`, `name` and `terms`, the LAST term the current one) or the CSV of its
GitHub Pages site (one row per person, current term only)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.officials.importers import (
    LEGISLATORS,
    MAX_DISTRICT,
    BadRecord,
    OfficialsDataError,
    ParsedFile,
    Problem,
    csv_records,
    day_or_none,
    integer_or_none,
    text_or_none,
)
from bot.places import US_STATES

# What the CSV header must hold to be read as legislators.
CSV_COLUMNS = ("bioguide_id", "last_name", "first_name", "type", "state")
_BIOGUIDE = re.compile(r"^[A-Z][0-9]{6}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Where each format keeps a record's fields: the JSON in `name` and the last of `terms`.
_JSON_NAME = {
    "first_name": "first",
    "middle_name": "middle",
    "last_name": "last",
    "suffix": "suffix",
    "nickname": "nickname",
    "official_full": "official_full",
}
_JSON_TERM = {
    "type": "type",
    "state": "state",
    "district": "district",
    "senate_class": "class",
    "party": "party",
    "url": "url",
    "phone": "phone",
    "address": "address",
    "office": "office",
    "contact_form": "contact_form",
    "start": "start",
    "end": "end",
}
# The CSV has only the one-line address (no `office`) and no term dates.
_CSV_COLUMN = {
    "bioguide_id": "bioguide_id",
    **{field: field for field in _JSON_NAME},
    "official_full": "full_name",
    **{field: field for field in _JSON_TERM if field not in ("office", "start", "end")},
}


def parse_json(text: str, name: str) -> ParsedFile:
    """legislators-current.json: one row per person, from their current (last) term."""
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
    parsed = ParsedFile(source=name, dataset=LEGISLATORS, format="json")
    seen: set[str] = set()
    for number, person in enumerate(people, start=1):
        parsed.records += 1
        where = f"{name} record {number}"
        try:
            bioguide = _json_bioguide(person)
            if isinstance(bioguide, str):
                where = f"{where} ({bioguide})"
            raw = _json_fields(person, bioguide)
            parsed.rows.append(_legislator_row(raw, where, parsed.problems, seen))
        except BadRecord as bad:
            parsed.problems.append(Problem(where, str(bad)))
    # The files carry no date of their own; the newest term start says "current as of at least".
    starts = [row["term_start"] for row in parsed.rows if row["term_start"]]
    parsed.data_date = max(starts, default=None)
    return parsed


def parse_csv(reader: Any, header: list[str], name: str) -> ParsedFile:
    """legislators-current.csv, its header already read."""
    parsed = ParsedFile(source=name, dataset=LEGISLATORS, format="csv")
    seen: set[str] = set()
    for where, record in csv_records(reader, header, parsed):
        raw = {field: record.get(column) for field, column in _CSV_COLUMN.items()}
        try:
            parsed.rows.append(_legislator_row(raw, where, parsed.problems, seen))
        except BadRecord as bad:
            parsed.problems.append(Problem(where, str(bad)))
    return parsed


def _json_bioguide(person: Any) -> Any:
    if not isinstance(person, dict):
        raise BadRecord(f"is a JSON {type(person).__name__}, not an object")
    ids = person.get("id")
    return ids.get("bioguide") if isinstance(ids, dict) else None


def _json_fields(person: dict[str, Any], bioguide: Any) -> dict[str, Any]:
    names, terms = person.get("name"), person.get("terms")
    if not isinstance(names, dict):
        raise BadRecord("has no name")
    if not isinstance(terms, list) or not terms or not isinstance(terms[-1], dict):
        raise BadRecord("has no terms")
    term = terms[-1]  # the current term is the last one
    return {
        "bioguide_id": bioguide,
        **{field: names.get(key) for field, key in _JSON_NAME.items()},
        **{field: term.get(key) for field, key in _JSON_TERM.items()},
    }


def _legislator_row(
    raw: Mapping[str, Any], where: str, problems: list[Problem], seen: set[str]
) -> dict[str, Any]:
    """Validate one person's current term into a `legislator` row; raises BadRecord."""
    bioguide = text_or_none(raw["bioguide_id"])
    if not bioguide or not _BIOGUIDE.match(bioguide):
        raise BadRecord(f"bioguide id {bioguide!r} is not like 'C000127'")
    if bioguide in seen:
        raise BadRecord(f"bioguide id {bioguide} appears twice")
    row = {"bioguide_id": bioguide, **_names(raw), **_seat(raw)}
    row.update(
        party=text_or_none(raw["party"]),
        phone=text_or_none(raw["phone"]),
        address=text_or_none(raw["address"]),
        office=text_or_none(raw.get("office")),
        term_start=day_or_none(raw.get("start"), "term start"),
        term_end=day_or_none(raw.get("end"), "term end"),
    )
    for key in ("url", "contact_form"):
        value = text_or_none(raw[key])
        if value and not _URL.match(value):
            problems.append(Problem(where, f"{key} {value[:60]!r} is not a web address", False))
            value = None
        row[key] = value
    seen.add(bioguide)
    return row


def _names(raw: Mapping[str, Any]) -> dict[str, str | None]:
    first, last = text_or_none(raw["first_name"]), text_or_none(raw["last_name"])
    if not first or not last:
        raise BadRecord("has no first or last name")
    suffix = text_or_none(raw["suffix"])
    official = text_or_none(raw["official_full"])
    if not official:
        official = f"{first} {last}, {suffix}" if suffix else f"{first} {last}"
    return {
        "first_name": first,
        "middle_name": text_or_none(raw["middle_name"]),
        "last_name": last,
        "suffix": suffix,
        "nickname": text_or_none(raw["nickname"]),
        "official_full": official,
    }


def _seat(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Chamber, state, district (House) and class (Senate) of the current term."""
    chamber = (text_or_none(raw["type"]) or "").lower()
    if chamber not in ("sen", "rep"):
        raise BadRecord(f"type {raw['type']!r} is neither 'sen' nor 'rep'")
    state = (text_or_none(raw["state"]) or "").upper()
    if state not in US_STATES:
        raise BadRecord(f"state {raw['state']!r} is not a US state or territory code")
    district: int | None = None
    if chamber == "rep":
        district = integer_or_none(raw["district"], "district (0 for at-large)")
        if district is None or not 0 <= district <= MAX_DISTRICT:
            raise BadRecord(
                f"a representative needs a district (0 = at-large), got {raw['district']!r}"
            )
    senate_class = None
    if chamber == "sen":
        senate_class = integer_or_none(raw["senate_class"], "senate class")
    return {"chamber": chamber, "state": state, "district": district, "senate_class": senate_class}
