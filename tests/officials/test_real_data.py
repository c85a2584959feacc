"""The importers and the lookup on the real public files in ../shared/data (skipped when the
folder is absent). Expected numbers are derived from the files themselves where possible; the
concrete members named here are those of the 2026-06-15 legislators snapshot."""

from __future__ import annotations

import csv
import json
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from bot.officials import members
from bot.officials.datasets import import_files
from bot.officials.lookup import (
    ZipOutcome,
    member,
    representative,
    resolve_zip,
    senators,
)
from bot.officials.members import NON_STATES
from bot.officials.parsing import parse_file
from bot.officials.status import status
from bot.places import US_STATES
from bot.store import Store
from tests.officials.conftest import real_file, the_representative


def _zccd_by_zcta() -> dict[str, set[tuple[str, int]]]:
    by_zcta: dict[str, set[tuple[str, int]]] = defaultdict(set)
    with real_file("zccd.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_zcta[row["zcta"]].add((row["state_abbr"], int(row["cd"])))
    return by_zcta


def test_full_files_import_fast(tmp_store: Store) -> None:
    legislators, zccd = real_file("legislators-current.json"), real_file("zccd.csv")
    started = time.perf_counter()
    reports = import_files(tmp_store, [legislators, zccd])
    elapsed = time.perf_counter() - started
    assert [(r.dataset, r.rows, r.skipped) for r in reports] == [
        ("legislators", 537, 0),
        ("zccd", 42033, 0),
    ]
    assert elapsed < 5, f"importing the real files took {elapsed:.2f}s"


def test_counts_match_the_files(real_store: Store) -> None:
    people = json.loads(real_file("legislators-current.json").read_text(encoding="utf-8"))
    terms = [person["terms"][-1] for person in people]
    info = real_store.call(status)
    assert info.senators == sum(t["type"] == "sen" for t in terms) == 100
    assert info.delegates == sum(t["state"] in NON_STATES for t in terms) == 6
    assert info.representatives == 431  # 437 House records minus the 6 delegates
    by_zcta = _zccd_by_zcta()
    assert (info.zip_rows, info.zctas) == (sum(map(len, by_zcta.values())), len(by_zcta))
    assert (info.zip_rows, info.zctas) == (42033, 33774)


def test_the_one_malformed_url_in_the_data_is_dropped_with_a_warning() -> None:
    parsed = parse_file(real_file("legislators-current.json"))
    assert [(p.where, p.skipped) for p in parsed.problems] == [
        ("legislators-current.json record 529 (F000484)", False)
    ]
    assert "contact_form 'hhttps://fine.house.gov/" in parsed.problems[0].reason


def test_json_and_csv_agree(real_store: Store) -> None:
    from_json = {
        r["bioguide_id"]: r for r in parse_file(real_file("legislators-current.json")).rows
    }
    from_csv = {r["bioguide_id"]: r for r in parse_file(real_file("legislators-current.csv")).rows}
    assert from_json.keys() == from_csv.keys() and len(from_json) == 537
    fields = ("chamber", "state", "district", "party", "url", "phone", "address", "contact_form")
    for bioguide, row in from_json.items():
        assert {f: row[f] for f in fields} == {f: from_csv[bioguide][f] for f in fields}, bioguide


def test_contact_forms_are_missing_for_most_of_the_house(real_store: Store) -> None:
    people = json.loads(real_file("legislators-current.json").read_text(encoding="utf-8"))
    without_form = Counter(
        p["terms"][-1]["type"] for p in people if not p["terms"][-1].get("contact_form")
    )
    assert without_form == {"rep": 435, "sen": 13}
    frankel = real_store.call(member, "F000462")  # no contact form: the website instead
    assert frankel is not None and frankel.contact_form is None
    assert members.contact_link(frankel) == ("https://frankel.house.gov", "website")
    fine = real_store.call(member, "F000484")  # "hhttps://..." in the data
    assert fine is not None and members.contact_link(fine) == ("https://fine.house.gov", "website")


def test_every_state_has_two_senators_and_dc_and_territories_none(real_store: Store) -> None:
    by_state = {s: len(real_store.call(senators, s)) for s in US_STATES}
    assert {s for s, n in by_state.items() if n != 2} == NON_STATES
    assert all(by_state[s] == 0 for s in NON_STATES)


def test_real_salutations(real_store: Store) -> None:
    expected = {
        "S000033": ("The Honorable Bernard Sanders", "Dear Senator Sanders:"),
        "C001087": ("The Honorable Eric A. Crawford", "Dear Representative Crawford:"),
        "N000147": ("The Honorable Eleanor Holmes Norton", "Dear Delegate Norton:"),
        "H001103": ("The Honorable Pablo José Hernández", "Dear Resident Commissioner Hernández:"),
    }
    for bioguide, (honorific, salutation) in expected.items():
        found = real_store.call(member, bioguide)
        assert found is not None
        assert (members.address_block(found)[0], members.salutation(found)) == (
            honorific,
            salutation,
        )


def test_a_member_without_any_contact_data_gets_the_house_address(real_store: Store) -> None:
    gallagher = real_store.call(representative, "CA", 1)  # sworn in 2026-06-10, no data yet
    assert gallagher is not None and gallagher.bioguide_id == "G000607"
    assert members.contact_link(gallagher) is None and gallagher.phone is None
    assert members.address_block(gallagher)[-2:] == (
        "U.S. House of Representatives",
        "Washington, DC 20515",
    )


def test_single_district_zip(real_store: Store) -> None:
    assert _zccd_by_zcta()["35004"] == {("AL", 3)}
    resolution = real_store.call(resolve_zip, "35004")
    assert (
        members.salutation(the_representative(real_store, resolution))
        == "Dear Representative Rogers:"
    )


def test_split_zip(real_store: Store) -> None:
    assert _zccd_by_zcta()["98101"] == {("WA", 7), ("WA", 9)}
    resolution = real_store.call(resolve_zip, "98101")
    assert resolution.outcome is ZipOutcome.SPLIT and resolution.zip == "98101"
    assert [d.label for d in resolution.districts] == [
        "Rep. Pramila Jayapal (D, WA-7)",
        "Rep. Adam Smith (D, WA-9)",
    ]


def test_multi_state_zip(real_store: Store) -> None:
    assert _zccd_by_zcta()["30165"] == {("AL", 3), ("GA", 14)}  # Rome, GA
    resolution = real_store.call(resolve_zip, "30165")
    assert resolution.outcome is ZipOutcome.MULTI_STATE
    assert resolution.states == ("AL", "GA")
    assert [d.label for d in resolution.districts if d.state == "GA"] == [
        "Rep. Clay Fuller (R, GA-14)"
    ]


def test_zip_in_four_districts_of_two_states(real_store: Store) -> None:
    resolution = real_store.call(resolve_zip, "89019")
    assert resolution.outcome is ZipOutcome.MULTI_STATE
    assert [(d.state, d.number) for d in resolution.districts] == [
        ("CA", 23),
        ("CA", 25),
        ("NV", 1),
        ("NV", 3),
    ]


def test_unknown_zips(real_store: Store) -> None:
    assert "10008" not in _zccd_by_zcta()  # a Manhattan PO-box ZIP: no ZCTA
    po_box = real_store.call(resolve_zip, "10008")
    assert (po_box.outcome, po_box.states) == (ZipOutcome.STATE_ONLY, ("NY",))
    guam = real_store.call(resolve_zip, "96910")  # zccd has no territories but Puerto Rico
    assert guam.source == "zipcodes"
    assert members.title(the_representative(real_store, guam)) == "Delegate"
    assert real_store.call(resolve_zip, "00000").outcome is ZipOutcome.UNKNOWN


def test_dc(real_store: Store) -> None:
    resolution = real_store.call(resolve_zip, "20001")
    assert members.salutation(the_representative(real_store, resolution)) == "Dear Delegate Norton:"
    assert real_store.call(senators, "DC") == []


def test_every_zcta_resolves_like_the_file_says(real_store: Store) -> None:
    by_zcta = _zccd_by_zcta()
    split_share = sum(len(s) > 1 for s in by_zcta.values()) / len(by_zcta)
    multi_state = sum(len({state for state, _ in s}) > 1 for s in by_zcta.values())
    assert 0.2 < split_share < 0.23 and multi_state == 109

    def sweep(repo: object) -> Counter[ZipOutcome]:
        outcomes: Counter[ZipOutcome] = Counter()
        for zcta, seats in by_zcta.items():
            resolution = resolve_zip(repo, zcta)  # type: ignore[arg-type]
            assert {(d.state, d.number) for d in resolution.districts} == seats, zcta
            outcomes[resolution.outcome] += 1
        return outcomes

    outcomes = real_store.call(sweep)
    assert outcomes[ZipOutcome.MULTI_STATE] == multi_state
    assert outcomes[ZipOutcome.SINGLE] == sum(len(s) == 1 for s in by_zcta.values()) == 26475
    assert outcomes[ZipOutcome.SPLIT] == 7190


def test_what_is_stale_in_the_snapshot(real_store: Store) -> None:
    # Four seats are vacant in the snapshot, so their ZIPs offer a seat without a member.
    info = real_store.call(status, date(2026, 11, 27))
    assert info.seats_without_member == (("CA", 14), ("FL", 20), ("GA", 13), ("TX", 23))
    # Two appointed senators (FL, OH) served until the 2026-11-03 special elections.
    assert info.ended_terms == 2
    # From 2027-01-03 every House term in the file has ended, and six states' maps changed.
    later = real_store.call(status, date(2027, 1, 4))
    assert later.ended_terms >= 437
    assert any("TX, UT redrew their House maps" in note for note in later.notes)


def test_the_csv_imports_too(tmp_store: Store, tmp_path: Path) -> None:
    (report,) = import_files(tmp_store, [real_file("legislators-current.csv")])
    assert (report.format, report.rows, report.skipped) == ("csv", 537, 0)
    assert tmp_store.call(status).senators == 100
