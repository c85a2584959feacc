"""ZIP → state, candidate districts and members, on the small fixtures (always run)."""

from __future__ import annotations

import pytest

from bot.officials import (
    ZipOutcome,
    members_for,
    representative,
    resolve_zip,
    senators,
)
from bot.places import find_zip
from bot.store import Store


def _seats(resolution: object) -> list[tuple[str, int, str | None]]:
    return [
        (c.state, c.district, c.member.bioguide_id if c.member else None)
        for c in resolution.candidates  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("text", ["85003", "85003-1234", "850031234", "85003 1234", " 85003\n"])
def test_single_district_zip_and_zip_plus_four(loaded_store: Store, text: str) -> None:
    resolution = loaded_store.call(resolve_zip, text)
    assert resolution.outcome is ZipOutcome.SINGLE
    assert (resolution.zip, resolution.state, resolution.source) == ("85003", "AZ", "zccd")
    assert resolution.representative is not None
    assert resolution.representative.salutation == "Dear Representative Green:"


def test_split_zip_lists_the_named_members_to_pick_from(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "85215")
    assert resolution.outcome is ZipOutcome.SPLIT
    assert resolution.states == ("AZ",) and resolution.representative is None
    assert _seats(resolution) == [("AZ", 1, "F000006"), ("AZ", 4, "G000007"), ("AZ", 5, "J000010")]
    assert [c.label for c in resolution.candidates] == [
        "Rep. Franklin Fuller, Jr. (R, AZ-1)",
        "Rep. Grace Green (D, AZ-4)",
        "Rep. Jon Jarvis (R, AZ-5)",
    ]
    picked = resolution.choose("az", 5)
    assert picked is not None and picked.member is not None and picked.member.last_name == "Jarvis"
    assert resolution.choose("AZ", 2) is None  # not one of this ZIP's: a tampered button


def test_zip_across_states_asks_for_the_state_first(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "84531")
    assert resolution.outcome is ZipOutcome.MULTI_STATE
    assert resolution.states == ("AZ", "UT") and resolution.state is None
    # Neither seat has a member in the fixture: the candidates say so instead of failing.
    assert _seats(resolution) == [("AZ", 2, None), ("UT", 3, None)]
    assert resolution.candidates[1].label == "UT-3 (no member in the data)"
    in_utah = resolution.in_state("ut")
    assert in_utah.outcome is ZipOutcome.SINGLE and in_utah.states == ("UT",)
    assert _seats(in_utah) == [("UT", 3, None)]
    with pytest.raises(ValueError, match="NY is not one of"):
        resolution.in_state("NY")


def test_a_vacant_seat_is_a_candidate_without_a_member(loaded_store: Store) -> None:
    assert loaded_store.call(representative, "AZ", 2) is None


@pytest.mark.parametrize(
    ("text", "state", "bioguide"),
    [
        ("05401", "VT", "C000003"),  # a VT ZIP missing from the fixture zccd: VT is at-large
        ("96910", "GU", "K000011"),  # Guam: zccd has no territories but the ZIP table does
    ],
)
def test_unknown_zip_in_an_at_large_state_still_finds_the_member(
    loaded_store: Store, text: str, state: str, bioguide: str
) -> None:
    resolution = loaded_store.call(resolve_zip, text)
    assert resolution.outcome is ZipOutcome.SINGLE
    assert (resolution.state, resolution.source) == (state, "zipcodes")
    assert resolution.representative is not None
    assert resolution.representative.bioguide_id == bioguide


def test_unknown_zip_falls_back_to_the_state(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "10001")  # not in the fixture zccd
    assert resolution.outcome is ZipOutcome.STATE_ONLY
    assert (resolution.zip, resolution.states, resolution.candidates) == ("10001", ("NY",), ())
    assert resolution.source == "zipcodes" and resolution.representative is None


@pytest.mark.parametrize("text", ["00000", "99999", "09001"])  # 09001: military mail (AE)
def test_zip_nobody_knows(loaded_store: Store, text: str) -> None:
    resolution = loaded_store.call(resolve_zip, text)
    assert resolution.outcome is ZipOutcome.UNKNOWN
    assert (resolution.zip, resolution.states) == (text, ())


@pytest.mark.parametrize(
    "text",
    [
        *("Yerevan", "K1A 0B1", "SW1A 1AA", "1234", "123456", "90210-12", "", "CA", "٩٠٢١٠"),
        *("Paris 75011", "Berlin 10115, Germany", "Moscow 125009, Russia", "I live in 85003"),
    ],
)
def test_not_a_us_zip(loaded_store: Store, text: str) -> None:
    resolution = loaded_store.call(resolve_zip, text)
    assert resolution.outcome is ZipOutcome.NOT_US
    assert (resolution.zip, resolution.states, resolution.candidates) == (None, (), ())
    assert find_zip(text) is None


@pytest.mark.parametrize(
    "text",
    ["Phoenix, AZ 85003", "123 W Main St, Phoenix, Arizona 85003-1234, USA", "Phoenix 85003"],
)
def test_a_full_address_finds_its_zip(loaded_store: Store, text: str) -> None:
    # The same ZIP the place step reads (bot.places.find_zip): one pattern in the project.
    assert find_zip(text) == "85003"
    resolution = loaded_store.call(resolve_zip, text)
    assert resolution.outcome is ZipOutcome.SINGLE
    assert (resolution.zip, resolution.state, resolution.source) == ("85003", "AZ", "zccd")


def test_dc_has_a_delegate_and_no_senators(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "20001")
    assert resolution.outcome is ZipOutcome.SINGLE
    delegate = resolution.representative
    assert delegate is not None and delegate.title == "Delegate"
    assert loaded_store.call(senators, "DC") == []
    assert loaded_store.call(senators, "pr") == []
    assert [m.bioguide_id for m in loaded_store.call(members_for, "DC", 0)] == ["D000004"]


def test_members_for_a_state_seat(loaded_store: Store) -> None:
    found = loaded_store.call(members_for, "vt", 0)
    assert [m.salutation for m in found] == [
        "Dear Senator Aldrich:",
        "Dear Senator Baker:",
        "Dear Representative Castillo:",
    ]
    assert [m.bioguide_id for m in loaded_store.call(members_for, "AZ", None)] == [
        "H000008",
        "I000009",
    ]


def test_before_any_import_a_zip_still_gives_its_state(tmp_store: Store) -> None:
    resolution = tmp_store.call(resolve_zip, "85003")
    assert resolution.outcome is ZipOutcome.STATE_ONLY and resolution.states == ("AZ",)
    assert tmp_store.call(senators, "AZ") == []


async def test_lookups_run_off_the_event_loop(loaded_store: Store) -> None:
    resolution = await loaded_store.run(resolve_zip, "85215")
    assert resolution.outcome is ZipOutcome.SPLIT
    assert len(await loaded_store.run(senators, "AZ")) == 2
