"""Titles, salutations, address blocks and contact fallbacks, per chamber."""

from __future__ import annotations

import pytest

from bot.officials import members
from bot.officials.lookup import member
from bot.store import Store
from bot.store.models import Legislator


def _get(store: Store, bioguide: str) -> Legislator:
    found = store.call(member, bioguide)
    assert found is not None
    return found


SENATOR, REP = "Senator", "Representative"


@pytest.mark.parametrize(
    ("bioguide", "honorific", "salutation", "title"),
    [
        ("A000001", "The Honorable Alice Aldrich", "Dear Senator Aldrich:", SENATOR),
        ("C000003", "The Honorable Carmen Castillo", "Dear Representative Castillo:", REP),
        ("D000004", "The Honorable Dana Dupont", "Dear Delegate Dupont:", "Delegate"),
        ("K000011", "The Honorable Kai Kealoha", "Dear Delegate Kealoha:", "Delegate"),
        (
            "E000005",
            "The Honorable Esteban Ortiz",
            "Dear Resident Commissioner Ortiz:",
            "Resident Commissioner",
        ),
        # The quoted nickname leaves the formal name; the suffix stays out of the salutation.
        ("F000006", "The Honorable Franklin Fuller, Jr.", "Dear Representative Fuller:", REP),
    ],
)
def test_salutations(
    loaded_store: Store, bioguide: str, honorific: str, salutation: str, title: str
) -> None:
    found = _get(loaded_store, bioguide)
    assert members.address_block(found)[0] == honorific
    assert (members.salutation(found), members.title(found)) == (salutation, title)


@pytest.mark.parametrize(
    ("bioguide", "block"),
    [
        (
            "A000001",
            (
                "The Honorable Alice Aldrich",
                "United States Senate",
                "101 Hart Senate Office Building",
                "Washington, DC 20510",
            ),
        ),
        (  # a representative's keeps the ZIP+4
            "C000003",
            (
                "The Honorable Carmen Castillo",
                "U.S. House of Representatives",
                "303 Cannon House Office Building",
                "Washington, DC 20515-4500",
            ),
        ),
    ],
)
def test_address_blocks(loaded_store: Store, bioguide: str, block: tuple[str, ...]) -> None:
    assert members.address_block(_get(loaded_store, bioguide)) == block


def test_contact_form_first(loaded_store: Store) -> None:
    aldrich = _get(loaded_store, "A000001")
    assert members.contact_link(aldrich) == (
        "https://www.aldrich.senate.gov/contact",
        "contact form",
    )
    assert aldrich.phone == "202-224-0001"


@pytest.mark.parametrize("bioguide", ["B000002", "C000003"])  # a senator, a representative
def test_without_contact_form_the_website_remains(loaded_store: Store, bioguide: str) -> None:
    found = _get(loaded_store, bioguide)
    assert found.contact_form is None and found.url and found.phone
    assert members.contact_link(found) == (found.url, "website")
    assert members.address_block(found)[-1].startswith("Washington, DC 205")


def test_a_member_with_no_contact_data_still_gets_a_deliverable_address(
    loaded_store: Store,
) -> None:
    green = _get(loaded_store, "G000007")
    assert members.contact_link(green) is None and green.phone is None
    assert members.address_block(green) == (
        "The Honorable Grace Green",
        "U.S. House of Representatives",
        "Washington, DC 20515",
    )


def test_labels(loaded_store: Store) -> None:
    assert members.label(_get(loaded_store, "F000006")) == "Rep. Franklin Fuller, Jr. (R, AZ-1)"
    assert members.label(_get(loaded_store, "C000003")) == "Rep. Carmen Castillo (D, VT at-large)"
    assert members.label(_get(loaded_store, "D000004")) == "Del. Dana Dupont (D, DC)"
    assert members.label(_get(loaded_store, "B000002")) == "Sen. Bruno Baker (I, VT)"
    assert members.label(_get(loaded_store, "E000005")) == "Res. Comm. Esteban Ortiz (N, PR)"
