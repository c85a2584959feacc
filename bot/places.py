"""Where a supporter lives, from a ZIP, a state, or "City, Region", using offline ZIP data only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}  # fmt: skip
_STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}
# ASCII digits only: `\d` also matches "٩٠٢١٠", which makes the zipcodes package panic.
_ZIP = re.compile(r"^([0-9]{5})(?:[-\s]?[0-9]{4})?$")
MAX_PLACE_LENGTH = 80


@dataclass(frozen=True)
class Place:
    """A supporter's location. `state` is set only for US places; `zip` only when given."""

    city: str | None = None
    state: str | None = None
    zip: str | None = None
    region: str | None = None

    @property
    def in_us(self) -> bool:
        return self.state is not None

    @property
    def label(self) -> str:
        """How the place reads under a signature: "Glendale, CA" or "Yerevan, Armenia"."""
        parts = [p for p in (self.city, self.state or self.region) if p]
        return ", ".join(parts)


@cache
def _zipcodes() -> Any:
    # Imported lazily: it loads a sizeable table; only pay for it when a ZIP arrives.
    import zipcodes

    return zipcodes


def state_code(text: str) -> str | None:
    """ "ca", "CA" or "California" -> "CA"."""
    cleaned = text.strip().rstrip(".")
    if cleaned.upper() in US_STATES:
        return cleaned.upper()
    return _STATE_BY_NAME.get(cleaned.casefold())


@lru_cache(maxsize=50_000)
def lookup_zip(zip5: str) -> Place | None:
    if not (len(zip5) == 5 and zip5.isascii() and zip5.isdigit()):
        return None  # zipcodes raises a BaseException (a Rust panic) on non-ASCII input
    matches = [m for m in _zipcodes().matching(zip5) if m.get("state")]
    if not matches:
        return None
    first = matches[0]
    city = str(first.get("city") or "").title() or None
    return Place(city=city, state=str(first["state"]), zip=zip5)


def parse_place(text: str) -> Place | None:
    """Understand a ZIP, ZIP+4, a US state, or "City, Region"; None when it is none of these."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_PLACE_LENGTH:
        return None
    zip_match = _ZIP.match(cleaned)
    if zip_match:
        return lookup_zip(zip_match.group(1))
    code = state_code(cleaned)
    if code:
        return Place(state=code)
    city, sep, region = cleaned.rpartition(",")
    if sep and city.strip() and region.strip():
        region_code = state_code(region)
        if region_code:
            return Place(city=city.strip(), state=region_code)
        return Place(city=city.strip(), region=region.strip())
    return None
