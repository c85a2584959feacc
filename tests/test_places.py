"""Places from a ZIP, a state, or "City, Region", with offline data only."""

from __future__ import annotations

import pytest

from bot.places import MAX_PLACE_LENGTH, US_STATES, Place, parse_place, state_code


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
