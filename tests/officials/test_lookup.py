"""ZIP → state, candidate districts and members, on the small fixtures (always run)."""

from __future__ import annotations

import pytest

from bot.officials.lookup import (
    ZipOutcome,
    ZipResolution,
    member,
    representative,
    resolve_zip,
    senators,
)
from bot.officials.members import salutation, title
from bot.places import read_place
from bot.store import Repo, Store
from tests.officials.conftest import the_representative


def _seats(repo: Repo, resolution: ZipResolution) -> list[tuple[str, int, str | None]]:
    seats = [
        (d.state, d.number, representative(repo, d.state, d.number)) for d in resolution.districts
    ]
    return [(state, number, m.bioguide_id if m else None) for state, number, m in seats]


def _zip_of(text: str) -> str | None:
    """The ZIP the place step reads from an answer and hands on to the lookup."""
    reading = read_place(text)
    return reading.place.zip if reading else None


@pytest.mark.parametrize("text", ["85003", "85003-1234", "850031234", "85003 1234", " 85003\n"])
def test_single_district_zip_and_zip_plus_four(loaded_store: Store, text: str) -> None:
    zip5 = _zip_of(text)
    assert zip5 == "85003"
    resolution = loaded_store.call(resolve_zip, zip5)
    assert resolution.outcome is ZipOutcome.SINGLE
    assert (resolution.zip, resolution.state, resolution.source) == ("85003", "AZ", "zccd")
    assert salutation(the_representative(loaded_store, resolution)) == "Dear Representative Green:"


def test_split_zip_lists_the_named_members_to_pick_from(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "85215")
    assert resolution.outcome is ZipOutcome.SPLIT
    assert resolution.states == ("AZ",)
    assert loaded_store.call(_seats, resolution) == [
        ("AZ", 1, "F000006"),
        ("AZ", 4, "G000007"),
        ("AZ", 5, "J000010"),
    ]
    assert [d.label for d in resolution.districts] == [
        "Rep. Franklin Fuller, Jr. (R, AZ-1)",
        "Rep. Grace Green (D, AZ-4)",
        "Rep. Jon Jarvis (R, AZ-5)",
    ]


def test_zip_across_states_asks_for_the_state_first(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "84531")
    assert resolution.outcome is ZipOutcome.MULTI_STATE
    assert resolution.states == ("AZ", "UT") and resolution.state is None
    # Neither seat has a member in the fixture: the districts say so instead of failing.
    assert loaded_store.call(_seats, resolution) == [("AZ", 2, None), ("UT", 3, None)]
    assert resolution.districts[1].label == "UT-3 (no member in the data)"


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
    assert (resolution.state, resolution.source) == (state, "zipcodes")
    assert the_representative(loaded_store, resolution).bioguide_id == bioguide


def test_unknown_zip_falls_back_to_the_state(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "10001")  # not in the fixture zccd
    assert resolution.outcome is ZipOutcome.STATE_ONLY
    assert (resolution.zip, resolution.states, resolution.districts) == ("10001", ("NY",), ())
    assert resolution.source == "zipcodes"


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
    """The place step finds no US ZIP to hand on, and the lookup refuses anything else."""
    assert _zip_of(text) is None
    with pytest.raises(ValueError, match="not a five-digit ZIP"):
        loaded_store.call(resolve_zip, text)


@pytest.mark.parametrize(
    "text",
    ["Phoenix, AZ 85003", "123 W Main St, Phoenix, Arizona 85003-1234, USA", "Phoenix 85003"],
)
def test_a_full_address_finds_its_zip(loaded_store: Store, text: str) -> None:
    # The place step reads the ZIP once (bot.places) and hands it on: one pattern in the project.
    resolution = loaded_store.call(resolve_zip, _zip_of(text) or "")
    assert resolution.outcome is ZipOutcome.SINGLE
    assert (resolution.zip, resolution.state, resolution.source) == ("85003", "AZ", "zccd")


def test_dc_has_a_delegate_and_no_senators(loaded_store: Store) -> None:
    resolution = loaded_store.call(resolve_zip, "20001")
    delegate = the_representative(loaded_store, resolution)
    assert title(delegate) == "Delegate" and delegate.bioguide_id == "D000004"
    assert loaded_store.call(senators, "DC") == []
    assert loaded_store.call(senators, "pr") == []


def test_senators_and_representative_of_a_state_seat(loaded_store: Store) -> None:
    found = [*loaded_store.call(senators, "vt"), loaded_store.call(representative, "vt", 0)]
    assert [salutation(m) for m in found if m is not None] == [
        "Dear Senator Aldrich:",
        "Dear Senator Baker:",
        "Dear Representative Castillo:",
    ]
    assert [m.bioguide_id for m in loaded_store.call(senators, "AZ")] == ["H000008", "I000009"]


def test_imported_rows_are_queryable(loaded_store: Store) -> None:
    assert [m.bioguide_id for m in loaded_store.call(senators, "VT")] == ["A000001", "B000002"]
    vt = loaded_store.call(representative, "VT", 0)
    assert vt is not None and vt.last_name == "Castillo"
    ito = loaded_store.call(member, "I000009")
    assert ito is not None and ito.chamber == "sen"
    assert loaded_store.call(member, "Z999999") is None


def test_before_any_import_a_zip_still_gives_its_state(tmp_store: Store) -> None:
    resolution = tmp_store.call(resolve_zip, "85003")
    assert resolution.outcome is ZipOutcome.STATE_ONLY and resolution.states == ("AZ",)
    assert tmp_store.call(senators, "AZ") == []


async def test_lookups_run_off_the_event_loop(loaded_store: Store) -> None:
    resolution = await loaded_store.run(resolve_zip, "85215")
    assert resolution.outcome is ZipOutcome.SPLIT
    assert len(await loaded_store.run(senators, "AZ")) == 2
