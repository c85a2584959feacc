"""Read zccd.csv of us-zipcodes-congress (`state_fips,state_abbr,zcta,cd`) into `zip_district`
rows: one per ZCTA and candidate district."""

from __future__ import annotations

from typing import Any

from bot.officials.importers import (
    MAX_DISTRICT,
    ZCCD,
    ParsedFile,
    Problem,
    ascii_digits,
    csv_records,
)
from bot.places import US_STATES

# What the CSV header must hold to be read as zccd.
CSV_COLUMNS = ("state_abbr", "zcta", "cd")


def parse_csv(reader: Any, header: list[str], name: str) -> ParsedFile:
    """zccd.csv, its header already read; a repeated (zcta, state, district) counts once."""
    parsed = ParsedFile(source=name, dataset=ZCCD, format="csv")
    seen: set[tuple[str, str, int]] = set()
    for where, record in csv_records(reader, header, parsed):
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
        if key not in seen:
            seen.add(key)
            parsed.rows.append({"zcta": zcta, "state": state, "district": int(cd)})
    return parsed
