"""The members held in memory: read once per import, never stale after a change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.officials.datasets import import_files
from bot.officials.lookup import member, representative, senators
from bot.officials.roster import Roster, roster
from bot.store import Repo, Store
from bot.store import officials as queries
from bot.store.models import Legislator
from tests.officials.conftest import FIXTURES


def _renamed(tmp_path: Path, bioguide_id: str, last: str) -> Path:
    """The small legislators file with one member's last name changed, as a later release."""
    people = json.loads((FIXTURES / "legislators-small.json").read_text())
    for person in people:
        if person["id"]["bioguide"] == bioguide_id:
            person["name"]["last"] = last
    path = tmp_path / "legislators-small.json"
    path.write_text(json.dumps(people))
    return path


def test_the_members_are_read_once_per_import(
    loaded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = queries.all_legislators

    def counted(repo: Repo) -> list[Legislator]:
        found = real(repo)
        reads.append(len(found))
        return found

    monkeypatch.setattr(queries, "all_legislators", counted)
    first = loaded_store.call(roster)
    assert loaded_store.call(roster) is first
    assert [m.last_name for m in loaded_store.call(senators, "AZ")] == ["Hughes", "Ito"]
    assert len(reads) == 1


def test_a_new_import_is_seen_at_the_next_lookup(loaded_store: Store, tmp_path: Path) -> None:
    assert loaded_store.call(representative, "AZ", 4).last_name == "Green"
    import_files(loaded_store, [_renamed(tmp_path, "G000007", "Greenberg")])
    assert loaded_store.call(representative, "AZ", 4).last_name == "Greenberg"
    assert loaded_store.call(member, "G000007").last_name == "Greenberg"


def test_members_added_without_an_import_are_never_stale(tmp_store: Store) -> None:
    """No import stamp to key on (rows written by hand): each transaction reads them afresh."""
    assert tmp_store.call(senators, "VT") == []
    with tmp_store.transaction() as repo:
        repo.session.add(_senator("Z000001", "Zane"))
    assert [m.last_name for m in tmp_store.call(senators, "VT")] == ["Zane"]


def test_a_seat_given_twice_goes_to_the_first_bioguide_id_and_senators_sort_by_name() -> None:
    held = Roster.of(
        [
            _senator("S000002", "Young"),
            _house("R000009", "Later"),
            _senator("S000001", "Young", first="Amy"),
            _house("R000001", "Earlier"),
            _senator("S000003", "Abbott"),
        ]
    )
    assert held.seats[("VT", 0)].last_name == "Earlier"
    assert [m.bioguide_id for m in held.senators["VT"]] == ["S000003", "S000001", "S000002"]
    assert set(held.by_id) == {"S000001", "S000002", "S000003", "R000001", "R000009"}


def _senator(bioguide_id: str, last: str, first: str = "Sam") -> Legislator:
    return Legislator(
        bioguide_id=bioguide_id,
        first_name=first,
        last_name=last,
        official_full=f"{first} {last}",
        chamber="sen",
        state="VT",
    )


def _house(bioguide_id: str, last: str) -> Legislator:
    return Legislator(
        bioguide_id=bioguide_id,
        first_name="Rae",
        last_name=last,
        official_full=f"Rae {last}",
        chamber="rep",
        state="VT",
        district=0,
    )
