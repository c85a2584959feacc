"""Titles, salutations, address blocks and contact fallbacks, per chamber."""

from __future__ import annotations

import pytest

from bot.officials import Member, member
from bot.store import Store


def _get(store: Store, bioguide: str) -> Member:
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
    assert (found.honorific, found.salutation, found.title) == (honorific, salutation, title)


def test_only_delegates_cannot_vote(loaded_store: Store) -> None:
    assert _get(loaded_store, "A000001").votes and _get(loaded_store, "C000003").votes
    assert not _get(loaded_store, "D000004").votes and not _get(loaded_store, "E000005").votes


def test_senator_address_block(loaded_store: Store) -> None:
    assert _get(loaded_store, "A000001").address_block == (
        "The Honorable Alice Aldrich",
        "United States Senate",
        "101 Hart Senate Office Building",
        "Washington, DC 20510",
    )


def test_representative_address_block_keeps_the_zip_plus_four(loaded_store: Store) -> None:
    assert _get(loaded_store, "C000003").address_block == (
        "The Honorable Carmen Castillo",
        "U.S. House of Representatives",
        "303 Cannon House Office Building",
        "Washington, DC 20515-4500",
    )


def test_contact_form_first(loaded_store: Store) -> None:
    contact = _get(loaded_store, "A000001").contact
    assert (contact.link, contact.link_kind) == (
        "https://www.aldrich.senate.gov/contact",
        "contact form",
    )
    assert contact.phone == "202-224-0001"
    assert contact.website == "https://www.aldrich.senate.gov"


@pytest.mark.parametrize("bioguide", ["B000002", "C000003"])  # a senator, a representative
def test_without_contact_form_the_website_phone_and_post_remain(
    loaded_store: Store, bioguide: str
) -> None:
    found = _get(loaded_store, bioguide)
    contact = found.contact
    assert found.contact_form is None
    assert (contact.link, contact.link_kind) == (found.url, "website")
    assert contact.phone and contact.postal == found.address_block
    assert contact.postal[-1].startswith("Washington, DC 205")


def test_a_member_with_no_contact_data_still_gets_a_deliverable_address(
    loaded_store: Store,
) -> None:
    green = _get(loaded_store, "G000007")
    contact = green.contact
    assert (contact.link, contact.link_kind, contact.phone) == (None, None, None)
    assert contact.postal == (
        "The Honorable Grace Green",
        "U.S. House of Representatives",
        "Washington, DC 20515",
    )


def test_labels_and_seats(loaded_store: Store) -> None:
    assert _get(loaded_store, "F000006").label == "Rep. Franklin Fuller, Jr. (R, AZ-1)"
    assert _get(loaded_store, "C000003").seat == "VT at-large"
    assert _get(loaded_store, "D000004").label == "Del. Dana Dupont (D, DC)"
    assert _get(loaded_store, "B000002").label == "Sen. Bruno Baker (I, VT)"
    assert _get(loaded_store, "E000005").seat == "PR resident commissioner"
