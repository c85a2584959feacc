"""Helpers shared by the unit tests: the test campaign's location and small campaign files."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
LIBRARY_CAMPAIGN = FIXTURES_DIR / "campaigns" / "library-hours.toml"

# Words that only the bundled (Armenian) campaign and its standard templates use.
BUNDLED_ONLY_WORDS = (
    "Armenia",
    "Azerbaijan",
    "Lachin",
    "Kardashian",
    "Rolling Stone",
    "Mr. President",
    "Mr. Secretary",
    "sanctions",
    "take a stand",  # the bundled campaign's quote of its source
    "This is personal for me",  # the standard templates
    "My questions are these",
    "The facts are plain",
)


def campaign_toml(
    demands: Sequence[str] = ("alpha", "beta"),
    targets: Mapping[str, Sequence[str]] | None = None,
    campaign_id: str = "tiny",
    letter_templates: str | None = None,
) -> str:
    """A small valid campaign: `targets` maps a target id to the demand ids routed to it."""
    if targets is None:
        targets = {"office": list(demands)}
    parts = [
        textwrap.dedent(
            f"""\
            schema_version = 2
            id = "{campaign_id}"
            title = "A tiny test campaign"
            summary = "Only for tests."

            [source]
            outlet = "The Test Gazette"
            title = "Tests matter"
            authors = ["Pat Tester"]
            date = 2024-01-02
            url = "https://example.org/gazette/tests-matter"

            [since]
            as_of = 2024-02-03
            text = "Nothing has changed."
            """
        )
    ]
    if letter_templates:
        parts.append(f'[templates]\nletter = "{letter_templates}"\n')
    parts.extend(_demand_toml(demand) for demand in demands)
    parts.extend(_target_toml(target, routed) for target, routed in targets.items())
    return "\n".join(parts)


def _demand_toml(demand: str) -> str:
    return textwrap.dedent(
        f"""\
        [[demands]]
        id = "{demand}"
        title = "Demand {demand}"
        explanation = "Why {demand} matters."
        ask = "grant demand {demand}"

        [[demands.points]]
        text = "Point one about {demand}."
        source = "The Test Gazette, 2 January 2024"

        [[demands.points]]
        text = "Point two about {demand}."
        source = "The Test Gazette, 2 January 2024"
        """
    )


def _target_toml(target: str, routed: Sequence[str]) -> str:
    routed_list = ", ".join(f'"{d}"' for d in routed)
    return textwrap.dedent(
        f"""\
        [[targets]]
        id = "{target}"
        label = "Office {target}"
        office = "Head of {target}"
        holder = "Holder of {target}"
        salutation = "Dear Head of {target}"
        address = ["1 Test Street"]
        demands = [{routed_list}]
        checked = 2024-02-03

        [[targets.channels]]
        kind = "email"
        label = "Email"
        value = "{target}@example.org"
        """
    )
