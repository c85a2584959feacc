"""Places from a ZIP, a state, "City, ST 12345", a street address or "City, Region", with
offline data only. Every ZIP -> city/state below was checked against the `zipcodes` package."""

from __future__ import annotations

import pytest

from bot.places import (
    MAX_PLACE_LENGTH,
    US_STATES,
    Place,
    PlaceReading,
    read_place,
    state_code,
)


def parse_place(text: str) -> Place | None:
    """The place an answer gives, whatever it says about the ZIP."""
    reading = read_place(text)
    return reading.place if reading else None


@pytest.mark.parametrize("text", ["90210", "90210-1234", "902101234", "90210 1234", " 90210 "])
def test_zip_and_zip_plus_four(text: str) -> None:
    place = parse_place(text)
    assert place == Place(city="Beverly Hills", state="CA", zip="90210")
    assert place.in_us
    assert place.label == "Beverly Hills, CA"


def test_zip_of_another_state() -> None:
    place = parse_place("10001")
    assert place is not None
    assert (place.state, place.zip) == ("NY", "10001")
    assert place.city == "New York"


@pytest.mark.parametrize("text", ["00000", "99999"])
def test_unknown_zip(text: str) -> None:
    assert parse_place(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CA", "CA"),
        ("ca", "CA"),
        ("Ca.", "CA"),
        ("California", "CA"),
        ("  new   york ", "NY"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
    ],
)
def test_state_names_and_codes(text: str, code: str) -> None:
    assert parse_place(text) == Place(state=code)
    assert state_code(" ".join(text.split())) == code


def test_every_state_code_and_name_round_trips() -> None:
    for code, name in US_STATES.items():
        assert state_code(code.lower()) == code
        assert state_code(name.upper()) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Glendale, CA", Place(city="Glendale", state="CA")),
        ("Glendale , california", Place(city="Glendale", state="CA")),
        ("Watertown,MA", Place(city="Watertown", state="MA")),
    ],
)
def test_city_and_us_state(text: str, expected: Place) -> None:
    place = parse_place(text)
    assert place == expected
    assert place.in_us
    assert place.zip is None


@pytest.mark.parametrize(
    ("text", "city", "region"),
    [
        ("Yerevan, Armenia", "Yerevan", "Armenia"),
        ("Gyumri,  Armenia", "Gyumri", "Armenia"),
        ("Paris, France", "Paris", "France"),
        ("Երևան, Հայաստան", "Երևան", "Հայաստան"),
    ],
)
def test_city_and_country(text: str, city: str, region: str) -> None:
    place = parse_place(text)
    assert place == Place(city=city, region=region)
    assert not place.in_us
    assert place.label == f"{city}, {region}"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hello there", "1234", "123456", "9021O", ",", "Yerevan,", ", Armenia", "🙂"],
)
def test_garbage_is_none(text: str) -> None:
    assert parse_place(text) is None


def test_over_long_is_none() -> None:
    city = "A" * MAX_PLACE_LENGTH
    assert parse_place(f"{city}, Armenia") is None
    fits = "B" * (MAX_PLACE_LENGTH - len(", Armenia"))
    assert parse_place(f"{fits}, Armenia") == Place(city=fits, region="Armenia")


def test_label_of_partial_places() -> None:
    assert Place(state="CA").label == "CA"
    assert Place(region="Armenia").label == "Armenia"
    assert Place().label == ""


@pytest.mark.parametrize("text", ["٩٠٢١٠", "９０２１０", "۹۰۲۱۰-۱۲۳۴"])
def test_non_ascii_digits_are_not_a_zip(text: str) -> None:
    # `\d` matched these, and the zipcodes package then panicked with a BaseException.
    assert parse_place(text) is None


# (text, (city, state, zip, region, typed_state)); None: not a place the bot can use.
Reading = tuple[str | None, str | None, str | None, str | None, str | None]
ADDRESSES: list[tuple[str, Reading | None]] = [
    # City, state and ZIP, every way people write them
    ("Fresno, California 93721", ("Fresno", "CA", "93721", None, None)),
    ("Worcester, MA 01608", ("Worcester", "MA", "01608", None, None)),
    ("Glendale, CA 91203", ("Glendale", "CA", "91203", None, None)),
    ("Glendale, California 91203-1234", ("Glendale", "CA", "91203", None, None)),
    ("Glendale CA 91203", ("Glendale", "CA", "91203", None, None)),
    ("Glendale, CA, 91203", ("Glendale", "CA", "91203", None, None)),
    ("Glendale,CA 91203 1234", ("Glendale", "CA", "91203", None, None)),
    ("glendale, ca 91203", ("Glendale", "CA", "91203", None, None)),
    ("  Worcester ,   MA    01608  ", ("Worcester", "MA", "01608", None, None)),
    ("NEW YORK NY 10001-2345", ("New York", "NY", "10001", None, None)),
    ("New York, NY 10001", ("New York", "NY", "10001", None, None)),
    ("Washington, DC 20001", ("Washington", "DC", "20001", None, None)),
    ("Washington, D.C. 20001", ("Washington", "DC", "20001", None, None)),
    ("Washington 20001", ("Washington", "DC", "20001", None, None)),  # the city, not WA
    ("San Juan, PR 00901", ("San Juan", "PR", "00901", None, None)),
    ("Hagatna, GU 96910", ("Hagatna", "GU", "96910", None, None)),
    ("St. Louis, MO 63101", ("St. Louis", "MO", "63101", None, None)),
    # Multi-word states, and AP abbreviations
    ("Salt Lake City, Utah 84101", ("Salt Lake City", "UT", "84101", None, None)),
    ("Charleston, West Virginia 25301", ("Charleston", "WV", "25301", None, None)),
    ("Raleigh, North Carolina 27601", ("Raleigh", "NC", "27601", None, None)),
    ("Portland Oregon 97201", ("Portland", "OR", "97201", None, None)),
    ("Fresno, Calif. 93721", ("Fresno", "CA", "93721", None, None)),
    ("Boston, Mass. 02108", ("Boston", "MA", "02108", None, None)),
    ("Chicago, Ill. 60601", ("Chicago", "IL", "60601", None, None)),
    ("Brooklyn, N.Y. 11201", ("Brooklyn", "NY", "11201", None, None)),
    ("Seattle, Wash. 98101", ("Seattle", "WA", "98101", None, None)),
    # Street addresses, PO boxes and five-digit house numbers
    ("123 Main St, Springfield, IL 62701", ("Springfield", "IL", "62701", None, None)),
    ("12345 Main St, Springfield, IL 62701", ("Springfield", "IL", "62701", None, None)),
    ("PO Box 12345, Springfield, IL 62701", ("Springfield", "IL", "62701", None, None)),
    ("123 Main St Apt 4, Springfield, IL 62701-1234", ("Springfield", "IL", "62701", None, None)),
    ("12345 Main St, Springfield 62701, USA", ("Springfield", "IL", "62701", None, None)),
    # A trailing country
    ("Fresno, CA 93721, USA", ("Fresno", "CA", "93721", None, None)),
    ("Fresno, CA 93721 United States", ("Fresno", "CA", "93721", None, None)),
    ("Springfield, IL 62701 U.S.A.", ("Springfield", "IL", "62701", None, None)),
    ("Springfield 62701, United States of America", ("Springfield", "IL", "62701", None, None)),
    # The ZIP next to its own city, or after other words
    ("Beverly Hills 90210", ("Beverly Hills", "CA", "90210", None, None)),
    ("90210 Beverly Hills", ("Beverly Hills", "CA", "90210", None, None)),
    ("Glendale 91203", ("Glendale", "CA", "91203", None, None)),
    ("I live in Glendale, CA 91203", ("Glendale", "CA", "91203", None, None)),
    ("ZIP code: 91203", ("Glendale", "CA", "91203", None, None)),
    # A state that contradicts the ZIP: the ZIP wins, and the city is the ZIP's
    ("Portland, ME 97201", ("Portland", "OR", "97201", None, "ME")),
    ("Salem, Massachusetts 97301", ("Salem", "OR", "97301", None, "MA")),
    # No ZIP: a state, or a US city and state
    ("California", (None, "CA", None, None, None)),
    ("N.Y.", (None, "NY", None, None, None)),
    ("Glendale, CA", ("Glendale", "CA", None, None, None)),
    ("Springfield IL", ("Springfield", "IL", None, None, None)),
    ("Springfield, Illinois, USA", ("Springfield", "IL", None, None, None)),
    ("Washington, D.C.", ("Washington", "DC", None, None, None)),
    ("123 Main St, Springfield, IL", ("Springfield", "IL", None, None, None)),
    # Outside the US: five digits there are not a US ZIP
    ("Yerevan, Armenia", ("Yerevan", None, None, "Armenia", None)),
    ("Paris 75011", None),  # 75011 is Carrollton, TX
    ("75011 Paris", None),
    ("Berlin 10115, Germany", ("Berlin", None, None, "Germany", None)),  # 10115 is New York
    ("Moscow 125009, Russia", ("Moscow", None, None, "Russia", None)),
    ("Yerevan 0010, Armenia", ("Yerevan", None, None, "Armenia", None)),
    ("Toronto, ON M5V 2T6", ("Toronto", None, None, "ON M5V 2T6", None)),
    ("London, UK", ("London", None, None, "UK", None)),
    ("Tbilisi, Georgia", ("Tbilisi", None, None, "Georgia", None)),
    ("Ереван, Армения", ("Ереван", None, None, "Армения", None)),
    ("Երևան, Հայաստան", ("Երևան", None, None, "Հայաստան", None)),
    ("القاهرة، مصر", ("القاهرة", None, None, "مصر", None)),  # the Arabic comma
    ("תל אביב, ישראל", ("תל אביב", None, None, "ישראל", None)),
    ("٩٠٢١٠", None),  # Arabic-Indic digits
    # Not enough to go on
    ("I live in 91203", None),  # no state, city or country says it is a US ZIP; "in" is a word
    ("Glendale", None),
    ("09123", None),  # military mail (APO, state AE)
]


@pytest.mark.parametrize(("text", "expected"), ADDRESSES)
def test_addresses_as_people_type_them(text: str, expected: Reading | None) -> None:
    reading = read_place(text)
    if expected is None:
        assert reading is None
        return
    assert reading is not None
    place = reading.place
    assert (place.city, place.state, place.zip, place.region, reading.typed_state) == expected


def test_the_address_table_is_big_enough() -> None:
    assert len(ADDRESSES) >= 40


def test_a_zip_of_another_state_wins_and_says_so() -> None:
    reading = read_place("Portland, ME 97201")
    assert reading == PlaceReading(Place("Portland", "OR", "97201"), typed_state="ME")
    assert reading.zip_overrode_state
    assert US_STATES[reading.place.state or ""] == "Oregon"  # "I used Oregon, from your ZIP"
    agreeing = read_place("Portland, OR 97201")
    assert agreeing == PlaceReading(Place("Portland", "OR", "97201"))
    assert not agreeing.zip_overrode_state


def test_lower_case_codes_in_running_text_are_words() -> None:
    # "in", "or", "me" are words unless they agree with the ZIP or stand alone after a comma.
    assert read_place("Portland or 97201") == PlaceReading(Place("Portland", "OR", "97201"))
    assert read_place("Portland me 97201") is None
    assert read_place("portland, me 97201") == PlaceReading(
        Place("Portland", "OR", "97201"), typed_state="ME"
    )
    assert read_place("glendale ca") is None
    assert read_place("ca") == PlaceReading(Place(state="CA"))


@pytest.mark.parametrize(
    ("text", "zip5"),
    [
        ("91203", "91203"),
        ("91203-1234", "91203"),
        ("912031234", "91203"),
        ("Fresno, CA 93721", "93721"),
        ("12345 Main St, Springfield, IL 62701", "62701"),
        ("Springfield, IL 00000", None),  # unknown to the data: refused, nothing handed on
        ("00000", None),
        ("Paris 75011", None),
        ("Moscow 125009, Russia", None),
        ("Yerevan 0010, Armenia", None),
        ("1234567890", None),
        ("Phone 912031234, CA", None),  # glued ZIP+4 counts only as a whole answer
        ("٩٠٢١٠", None),
        ("CA", None),
        ("", None),
        ("A" * MAX_PLACE_LENGTH + " CA 91203", None),
    ],
)
def test_the_zip_a_place_answer_hands_on(text: str, zip5: str | None) -> None:
    """The one place a ZIP is read: the lookup gets this, never the text (bot.officials.lookup)."""
    reading = read_place(text)
    assert (reading.place.zip if reading else None) == zip5
