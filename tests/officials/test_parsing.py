"""Parsing the officials files: formats told from content, malformed records named, bad files
refused as a whole."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.officials.importers import LEGISLATORS, ZCCD, OfficialsDataError
from bot.officials.parsing import parse_file
from tests.officials.conftest import FIXTURES


def _by_id(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(row["bioguide_id"]): row for row in rows}


def test_json_takes_the_last_term_and_keeps_every_field() -> None:
    parsed = parse_file(FIXTURES / "legislators-small.json")
    assert (parsed.dataset, parsed.format, parsed.records, len(parsed.rows)) == (
        LEGISLATORS,
        "json",
        11,
        11,
    )
    assert parsed.problems == []
    rows = _by_id(parsed.rows)
    ito = rows["I000009"]  # a representative once, a senator now
    assert (ito["chamber"], ito["district"], ito["senate_class"]) == ("sen", None, 2)
    assert ito["url"] == "https://www.ito.senate.gov"
    assert rows["A000001"]["contact_form"] == "https://www.aldrich.senate.gov/contact"
    assert rows["A000001"]["office"] == "101 Hart Senate Office Building"
    assert rows["A000001"]["term_end"] == date(2031, 1, 3)
    # The files carry no date; the newest term start stands for "current as of".
    assert parsed.data_date == date(2026, 6, 10)
    assert len(parsed.sha256) == 64 and parsed.file_date is not None


def test_missing_contact_form_is_kept_as_none() -> None:
    rows = _by_id(parse_file(FIXTURES / "legislators-small.json").rows)
    assert rows["B000002"]["contact_form"] is None  # a senator without one
    assert rows["C000003"]["contact_form"] is None  # as for most House members
    assert rows["B000002"]["url"] == "https://www.baker.senate.gov"


def test_at_large_and_delegates_have_district_zero() -> None:
    rows = _by_id(parse_file(FIXTURES / "legislators-small.json").rows)
    for bioguide, state in (("C000003", "VT"), ("D000004", "DC"), ("E000005", "PR")):
        assert (rows[bioguide]["chamber"], rows[bioguide]["state"]) == ("rep", state)
        assert rows[bioguide]["district"] == 0


def test_missing_official_name_is_built_from_the_parts() -> None:
    rows = _by_id(parse_file(FIXTURES / "legislators-small.json").rows)
    assert rows["G000007"]["official_full"] == "Grace Green"
    assert rows["G000007"]["url"] is None and rows["G000007"]["address"] is None


def test_csv_format_is_read_from_its_header() -> None:
    parsed = parse_file(FIXTURES / "legislators-small.csv")
    assert (parsed.dataset, parsed.format, len(parsed.rows)) == (LEGISLATORS, "csv", 12)
    rows = _by_id(parsed.rows)
    fuller = rows["F000006"]
    assert fuller["official_full"] == 'Franklin "Rick" Fuller, Jr.'
    assert (fuller["suffix"], fuller["nickname"], fuller["district"]) == ("Jr.", "Rick", 1)
    assert rows["H000008"]["senate_class"] == 1
    assert rows["D000004"]["district"] == 0
    assert rows["C000003"]["contact_form"] is None
    # The CSV has neither term dates nor a separate office line.
    assert rows["A000001"]["term_end"] is None and rows["A000001"]["office"] is None
    assert parsed.data_date is None


def test_csv_and_json_agree_on_shared_fields() -> None:
    from_json = _by_id(parse_file(FIXTURES / "legislators-small.json").rows)
    from_csv = _by_id(parse_file(FIXTURES / "legislators-small.csv").rows)
    fields = ["first_name", "last_name", "official_full", "chamber", "state", "district", "url"]
    fields += ["phone", "address", "contact_form", "party"]
    for bioguide, row in from_json.items():
        assert {f: row[f] for f in fields} == {f: from_csv[bioguide][f] for f in fields}


def test_zccd() -> None:
    parsed = parse_file(FIXTURES / "zccd-small.csv")
    assert (parsed.dataset, parsed.format, len(parsed.rows)) == (ZCCD, "csv", 12)
    assert {"zcta": "05001", "state": "VT", "district": 0} in parsed.rows
    assert sorted(r["district"] for r in parsed.rows if r["zcta"] == "85215") == [1, 4, 5]


def test_zccd_restores_leading_zeros_and_reads_delegate_code_98(tmp_path: Path) -> None:
    path = tmp_path / "zccd.csv"
    path.write_text("state_fips,state_abbr,zcta,cd\n25,MA,1001,1\n11,DC,20001,98\n")
    rows = parse_file(path).rows
    assert rows == [
        {"zcta": "01001", "state": "MA", "district": 1},
        {"zcta": "20001", "state": "DC", "district": 0},
    ]


def test_malformed_json_records_are_named_and_too_many_refuse_the_file() -> None:
    with pytest.raises(OfficialsDataError) as caught:
        parse_file(FIXTURES / "legislators-malformed.json")
    message = str(caught.value)
    assert "2 of 5 records are malformed" in message
    assert "legislators-malformed.json record 2 (X000002): has no terms" in message
    assert "record 4 (Y000004): state 'ZZ'" in message


def test_malformed_json_records_are_skipped_when_allowed() -> None:
    parsed = parse_file(FIXTURES / "legislators-malformed.json", max_bad_fraction=0.5)
    assert sorted(_by_id(parsed.rows)) == ["A000001", "C000003", "D000004"]
    assert [p.where for p in parsed.problems] == [
        "legislators-malformed.json record 2 (X000002)",
        "legislators-malformed.json record 4 (Y000004)",
    ]
    assert parsed.skipped == 2


def test_malformed_csv_rows_are_named_by_line() -> None:
    with pytest.raises(OfficialsDataError, match=r"2 of 14 records are malformed"):
        parse_file(FIXTURES / "legislators-malformed.csv")
    parsed = parse_file(FIXTURES / "legislators-malformed.csv", max_bad_fraction=0.2)
    assert len(parsed.rows) == 12
    assert [str(p) for p in parsed.problems] == [
        "legislators-malformed.csv line 4: district (0 for at-large) 'at-large' is not a number",
        "legislators-malformed.csv line 9: has 10 fields, the header has 36",
    ]


def test_one_malformed_zccd_row_is_skipped_and_reported() -> None:
    parsed = parse_file(FIXTURES / "zccd-malformed.csv")  # 1 of 13: under the default 10%
    assert len(parsed.rows) == 12
    assert [str(p) for p in parsed.problems] == [
        "zccd-malformed.csv line 5: zcta 'ABCDE' is not a 5-digit ZIP code"
    ]


def test_a_bad_url_drops_the_field_but_keeps_the_member(tmp_path: Path) -> None:
    people = json.loads((FIXTURES / "legislators-small.json").read_text())
    people[0]["terms"][-1]["contact_form"] = "hhttps://example.senate.gov/contact"
    path = tmp_path / "legislators.json"
    path.write_text(json.dumps(people))
    parsed = parse_file(path)
    assert len(parsed.rows) == 11 and parsed.skipped == 0
    assert _by_id(parsed.rows)["A000001"]["contact_form"] is None
    assert [p.skipped for p in parsed.problems] == [False]
    assert "contact_form 'hhttps://example.senate.gov/contact' is not a web address" in str(
        parsed.problems[0]
    )


def test_duplicate_bioguide_is_malformed(tmp_path: Path) -> None:
    people = json.loads((FIXTURES / "legislators-small.json").read_text())
    path = tmp_path / "legislators.json"
    path.write_text(json.dumps([*people, people[0]]))
    parsed = parse_file(path)
    assert len(parsed.rows) == 11
    assert str(parsed.problems[0]) == (
        "legislators.json record 12 (A000001): bioguide id A000001 appears twice"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", None, "empty.csv is empty"),
        ("blank.json", "  \n\n", "blank.json is empty"),
        ("zccd-header-only.csv", None, "has no usable zccd rows"),
        ("list.json", "[]", "has no usable legislators rows"),
        ("object.json", '{"a": 1}', "holds a JSON dict, not the list of legislators"),
        ("broken.json", '[{"id": ', "is not valid JSON: Expecting value at line 1 column 9"),
        ("odd.csv", "a,b,c\n1,2,3\n", "is neither a congress-legislators CSV"),
        ("notjson.json", "state_fips,state_abbr,zcta,cd\n", "is named .json but does not hold"),
        ("json.csv", "[]", "is named .csv but holds JSON"),
        ("legislators-current.yaml", "- id: {}\n", "YAML is not supported"),
        ("latin1.csv", b"state_abbr,zcta,cd\nNY,10001,\xe91\n", "is not UTF-8 text"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = FIXTURES / name if content is None else tmp_path / name
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(OfficialsDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_file(path)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(OfficialsDataError, match=r"cannot read .*nope\.csv: No such file"):
        parse_file(tmp_path / "nope.csv")
