"""Where a supporter lives, from whatever they typed: a ZIP, a state, "City, ST 12345", a full
street address or "City, Country". Offline ZIP data only, and it runs for every place answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
# AP-style abbreviations, without their final dot. Inside running text they count only with
# it ("Ill." yes, "ill" no); as a whole answer or comma-separated segment they count either way.
_AP_STATES = dict(
    re.findall(
        r"(\S+):(\S+)",
        """ala:AL ariz:AZ ark:AR calif:CA cal:CA colo:CO conn:CT del:DE d.c:DC fla:FL ga:GA ill:IL
        ind:IN kan:KS kans:KS ky:KY la:LA md:MD mass:MA mich:MI minn:MN miss:MS mo:MO mont:MT
        neb:NE nebr:NE nev:NV n.h:NH n.j:NJ n.m:NM n.y:NY n.c:NC n.d:ND okla:OK ore:OR pa:PA
        penn:PA r.i:RI s.c:SC s.d:SD tenn:TN tex:TX vt:VT va:VA wash:WA w.va:WV wis:WI wisc:WI
        wyo:WY p.r:PR""",
    )
)
_STATE_WORDS = sorted([*_STATE_BY_NAME, *(f"{ap}." for ap in _AP_STATES)], key=len, reverse=True)
# A state name or dotted abbreviation ending the text (leftmost match: "West Virginia" wins).
_STATE_AT_END = re.compile(
    r"(?:^|(?<=[\s,]))(" + "|".join(map(re.escape, _STATE_WORDS)) + r")$", re.IGNORECASE
)
_CODE_AT_END = re.compile(r"(?:^|(?<=[\s,]))([A-Za-z]{2})$")
# The project's one ZIP pattern: ZIP or ZIP+4 (glued "902101234" only as a whole answer). ASCII
# digits only: `\d` also matches "٩٠٢١٠", which makes the zipcodes package panic. The
# look-arounds may use `\d`: a ZIP is never a piece of a longer number, in any script.
_ZIP = re.compile(r"(?<!\d)(?<!\d-)([0-9]{5})(?:[- ]?[0-9]{4})?(?!\d)")
_ZIP_WORD = re.compile(r"\bzip(?:\s*code)?(?:\s+is)?\s*[:#-]?$", re.IGNORECASE)
_COUNTRY = re.compile(
    r"(?i)(?:^|[\s,]+)(?:u\.?\s?s\.?(?:\s?a\.?)?|united\s+states(?:\s+of\s+america)?|america)\.?$"
)
_LEAD_IN = re.compile(  # "I live in", "my zip is": not part of a city
    r"(?i)^(?:(?:i|we)(?:\s*['’]m|\s*['’]re|\s+am|\s+are|\s+live)(?:\s+(?:in|at|from|near))?|from|in"
    r"|my\s+(?:zip(?:\s*code)?|address)(?:\s+is)?|zip(?:\s*code)?)\b[\s:,-]*"
)
_STREET_ANYWHERE = {"box", "po", "pmb", "apt", "suite", "unit", "ул", "улица"}
_STREET_AFTER_NAME = {
    "street", "ave", "av", "avenue", "rd", "road", "blvd", "boulevard", "dr", "drive", "ln",
    "lane", "ct", "hwy", "highway", "pkwy", "parkway", "cir", "ter", "terrace", "way", "pl",
}  # fmt: skip
_WORD_ALIASES = {"saint": "st", "sainte": "ste", "fort": "ft", "mount": "mt"}
# "Tbilisi, Georgia" is the country; a US city of that name would come with a ZIP.
_GEORGIA_COUNTRY_CITIES = {"tbilisi", "batumi", "kutaisi", "rustavi", "gori", "zugdidi", "poti"}
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

    @property
    def spelled_out(self) -> str:
        """How the place reads in a sentence: "Glendale, California" or "Yerevan, Armenia"."""
        region = US_STATES.get(self.state, self.state) if self.state else self.region
        return ", ".join(p for p in (self.city, region) if p)


@dataclass(frozen=True)
class PlaceReading:
    """A place, and the state the supporter typed when their ZIP belongs to another one, so
    the bot can say "I used Oregon, from your ZIP code 97201" instead of silently switching."""

    place: Place
    typed_state: str | None = None

    @property
    def zip_overrode_state(self) -> bool:
        return self.typed_state is not None


@dataclass(frozen=True)
class _ZipHit:
    zip5: str
    rest: str  # the text around the ZIP, without it and the state typed right before it
    typed_state: str | None


@cache
def _zipcodes() -> Any:
    # Imported lazily: it loads a sizeable table; only pay for it when a ZIP arrives.
    import zipcodes

    return zipcodes


def state_code(text: str) -> str | None:
    """ "ca", "CA", "California" or "Calif." -> "CA"."""
    cleaned = text.strip().rstrip(".")
    if cleaned.upper() in US_STATES:
        return cleaned.upper()
    key = cleaned.casefold()
    return _STATE_BY_NAME.get(key) or _AP_STATES.get(key)


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


@lru_cache(maxsize=50_000)
def _zip_city_names(zip5: str) -> frozenset[tuple[str, ...]]:
    """Every name the offline data accepts for a ZIP's city, as words to compare."""
    if lookup_zip(zip5) is None:  # also keeps non-ASCII digits away from zipcodes
        return frozenset()
    names = [n for m in _zipcodes().matching(zip5) for n in [m["city"], *m["acceptable_cities"]]]
    return frozenset(_words(str(name)) for name in names if name)


def _words(text: str) -> tuple[str, ...]:
    """Case- and punctuation-blind words, so "St. Louis" meets "SAINT LOUIS"."""
    return tuple(_WORD_ALIASES.get(w, w) for w in re.findall(r"\w+", text.casefold()))


def read_place(text: str) -> PlaceReading | None:
    """Understand a place answer, however it is written; None when it says no place."""
    located = _locate_zip(text)
    if located is None:
        return None
    body, hit = located
    return _read_without_zip(body) if hit is None else _read_with_zip(hit)


def _locate_zip(text: str) -> tuple[str, _ZipHit | None] | None:
    """The text without a trailing "USA", and the US ZIP in it; None for nothing or too long."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_PLACE_LENGTH:
        return None
    body = _COUNTRY.sub("", cleaned).strip(" ,")
    whole = _ZIP.fullmatch(body.strip(" .,"))
    if whole:
        return body, _ZipHit(whole.group(1), "", None)
    matches = [m for m in _ZIP.finditer(body) if not m.group().isdigit() or len(m.group()) == 5]
    hits = [h for m in matches if (h := _judge(body, m, body != cleaned))]
    preferred = [h for h in hits if h.typed_state] or hits  # "12345 Main St, ..., IL 62701"
    return body, preferred[-1] if preferred else None


def _judge(body: str, match: re.Match[str], said_us: bool) -> _ZipHit | None:
    """The ZIP candidate if something says it is one: a state right before it, a "USA" at the
    end, its own city next to it, or the word "zip". "Paris 75011" has none of these."""
    zip5 = match.group(1)
    before, after = body[: match.start()], body[match.end() :]
    known = lookup_zip(zip5)
    head, tail = _words(before), _words(after)
    city_next = any(head[-len(n) :] == n or tail[: len(n)] == n for n in _zip_city_names(zip5))
    typed = _state_at_end(before, known.state if known else None)
    if typed is not None:
        code, start = typed
        if known and code != known.state and city_next:
            return _ZipHit(zip5, f"{before}, {after}", known.state)  # "Washington 20001"
        return _ZipHit(zip5, f"{before[:start]}, {after}", code)
    if said_us or city_next or _ZIP_WORD.search(before.rstrip()):
        return _ZipHit(zip5, f"{before}, {after}", None)
    return None


def _state_at_end(text: str, zip_state: str | None = None) -> tuple[str, int] | None:
    """The state ending `text`, and where. Any spelling counts as a whole comma segment; in
    running text a code only in capitals or if the ZIP agrees ("I live in 91203": no Indiana)."""
    head = text.rstrip(" ,")
    comma = head.rfind(",") + 1
    code = state_code(head[comma:]) if comma else None
    if code:
        return code, len(head) - len(head[comma:].lstrip())
    match = _STATE_AT_END.search(head) or _CODE_AT_END.search(head.rstrip("."))
    code = state_code(match.group(1)) if match else None
    if match is None or code is None:
        return None
    token, start = match.group(1), match.start(1)
    if match.re is _STATE_AT_END or token.isupper() or code == zip_state:
        return code, start
    return None


def _read_with_zip(hit: _ZipHit) -> PlaceReading | None:
    """State from the ZIP; city as typed, else the ZIP's. A contradicting state loses."""
    known = lookup_zip(hit.zip5)
    if known is None or known.state not in US_STATES:  # unknown, or AA/AE/AP military mail
        return None
    typed = hit.typed_state
    if typed is None:
        city, typed, _ = _split_address(hit.rest)
    else:
        city = _first_city(_segments(hit.rest))
    if typed is not None and typed != known.state:
        return PlaceReading(known, typed_state=typed)
    words = _words(city or "")
    if city is None or any(words[: len(n)] == n != words for n in _zip_city_names(hit.zip5)):
        return PlaceReading(known)  # no city typed, or "beverly hills ca": the ZIP's + noise
    return PlaceReading(replace(known, city=_us_case(city)))


def _read_without_zip(body: str) -> PlaceReading | None:
    """A state, "City, ST", "City State", or "City, Region" outside the US."""
    city, state, region = _split_address(body)
    if state == "GA" and city and city.casefold() in _GEORGIA_COUNTRY_CITIES:
        return PlaceReading(Place(city=city, region="Georgia"))
    if state:
        return PlaceReading(Place(city=_us_case(city) if city else None, state=state))
    if city and region:
        return PlaceReading(Place(city=city, region=region))
    return None


def _split_address(text: str) -> tuple[str | None, str | None, str | None]:
    """(city, US state, other region) of comma-separated text without a ZIP."""
    segments = _segments(text)
    if not segments:
        return None, None, None
    code = state_code(segments[-1])
    if code:
        return _first_city(segments[:-1]), code, None
    suffix = _state_at_end(segments[-1])
    if suffix and suffix[1]:  # "Springfield IL", "Fresno California"
        return _first_city([*segments[:-1], segments[-1][: suffix[1]]]), suffix[0], None
    if len(segments) == 1:
        return _first_city(segments), None, None
    return _first_city(segments[:-1]), None, segments[-1]


def _segments(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,،，]", text) if part.strip()]  # Arabic comma


def _first_city(segments: list[str]) -> str | None:
    """The first segment that is not a street, a PO box or a lead-in, without postcodes."""
    for segment in segments:
        segment = _LEAD_IN.sub("", segment).strip()
        if not segment or _looks_like_street(segment):
            continue
        return re.sub(r"(?:\s+\S*\d\S*)+$", "", segment)  # "Yerevan 0010", "Moscow 125009"
    return None


def _looks_like_street(segment: str) -> bool:
    words = re.findall(r"\w+", segment.casefold())
    return (
        segment[0].isdigit()
        or "#" in segment
        or any(w in _STREET_ANYWHERE for w in words)
        or any(w in _STREET_AFTER_NAME for w in words[1:])
        or (len(words) > 1 and words[-1] == "st")  # "Main St", but "St. Louis", "Port St. Lucie"
    )


def _us_case(city: str) -> str:
    """ "fresno" and "FRESNO" become "Fresno"; "McAllen" stays as typed."""
    return city.title() if city.isupper() or city.islower() else city
