"""Exports: contents, privacy by default, formula injection, Unicode, and streaming."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.campaign import Campaign, load_campaign
from bot.reports.export import Format, export
from bot.store import Store
from bot.store.export_queries import PERSONAL_BATCH
from tests.reports.data import (
    ARMENIAN,
    CAMPAIGN,
    OTHER,
    Seeded,
    add_letter,
    add_supporter,
    at,
    import_legislators,
    seed,
    seed_congress,
    seed_congress_then_drop,
    tiny_campaign_toml,
)

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def seeded(tmp_store: Store) -> Seeded:
    return seed(tmp_store)


@pytest.fixture
def tiny(tmp_path: Path) -> Campaign:
    path = tmp_path / f"{CAMPAIGN}.toml"
    path.write_text(tiny_campaign_toml(), encoding="utf-8")
    return load_campaign(path)


def run(store: Store, campaign_id: str = CAMPAIGN, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    export(store, out, campaign_id=campaign_id, **kwargs)
    return out.getvalue()


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# Summary
def test_summary_is_the_default_and_counts_per_day_target_demand_state_source(
    tmp_store: Store, seeded: Seeded
) -> None:
    rows = read_csv(run(tmp_store))
    assert list(rows[0]) == [
        "day",
        "target",
        "recipient",
        "recipient_office",
        "demand",
        "state",
        "source",
        "party",
        "letters",
        "sent",
    ]
    table = {
        (r["day"], r["target"], r["demand"], r["state"], r["source"]): (r["letters"], r["sent"])
        for r in rows
    }
    assert table == {
        ("2024-05-31", "ghost", "zeta", "NY", "referral"): ("1", "1"),
        ("2024-06-01", "mayor", "alpha", "CA", "radio"): ("1", "1"),
        ("2024-06-15", "mayor", "beta", "unknown", "radio"): ("1", "1"),
        ("2024-06-20", "mayor", "alpha", "(forgotten)", "(forgotten)"): ("1", "1"),
        ("2024-06-29", "council", "gamma", "CA", "direct"): ("1", "0"),
        ("2024-06-30", "mayor", "alpha", "CA", "direct"): ("1", "1"),
        ("2024-06-30", "mayor", "beta", "CA", "direct"): ("1", "1"),
    }


def test_summary_names_each_target_beside_its_id(
    tmp_store: Store, seeded: Seeded, tiny: Campaign
) -> None:
    names = {
        r["target"]: (r["recipient"], r["recipient_office"])
        for r in read_csv(run(tmp_store, campaign=tiny))
    }
    assert names == {
        "mayor": ("Office mayor", "Head of mayor"),
        "council": ("Office council", "Head of council"),
        "ghost": ("ghost", ""),  # no longer in the campaign file
    }
    # Without the campaign its offices keep their ids (and no office).
    assert {r["recipient"] for r in read_csv(run(tmp_store))} == {"mayor", "council", "ghost"}


def test_summary_and_letters_label_sources_by_each_campaigns_own(
    tmp_store: Store, seeded: Seeded
) -> None:
    """s4 came to "tiny" from the radio and to "other" from a podcast; s5 to "other" from a
    poster (and to "tiny" directly)."""
    summary = {
        (r["day"], r["source"]): r["letters"] for r in read_csv(run(tmp_store, campaign_id=OTHER))
    }
    assert summary == {("2024-06-21", "podcast"): "1", ("2024-06-30", "poster"): "1"}
    letters = read_csv(run(tmp_store, campaign_id=OTHER, what="letters"))
    assert [(r["supporter"], r["source"]) for r in letters] == [
        (seeded.public_ids["s5"], "poster"),
        (seeded.public_ids["s4"], "podcast"),
    ]
    tiny = read_csv(run(tmp_store, what="letters"))
    assert [r["source"] for r in tiny if r["supporter"] == seeded.public_ids["s4"]] == ["radio"]


def test_summary_carries_no_personal_data(tmp_store: Store, seeded: Seeded) -> None:
    for fmt in ("csv", "json"):
        data = run(tmp_store, fmt=fmt).decode("utf-8-sig")
        assert ARMENIAN not in data and "HYPERLINK" not in data
        assert not any(str(t) in data for t in seeded.telegram_ids.values())
        assert not any(p in data for p in seeded.public_ids.values())
    with pytest.raises(ValueError, match="no personal data"):
        run(tmp_store, include_personal=True)


def test_summary_since(tmp_store: Store, seeded: Seeded) -> None:
    days = {r["day"] for r in read_csv(run(tmp_store, since=date(2024, 6, 20)))}
    assert days == {"2024-06-20", "2024-06-29", "2024-06-30"}


# Letters
def test_letters_one_row_each_pseudonymous_by_default(
    tmp_store: Store, seeded: Seeded, tiny: Campaign
) -> None:
    data = run(tmp_store, what="letters", campaign=tiny)
    rows = read_csv(data)
    assert [r["target"] for r in rows] == ["mayor", "council", "mayor", "ghost", "mayor", "mayor"]
    first = rows[0]
    assert first == {
        "letter_id": "1",
        "supporter": seeded.public_ids["s1"],
        "state": "CA",
        "source": "direct",
        "party": "",
        "target": "mayor",
        "recipient": "Office mayor",
        "recipient_office": "Head of mayor",
        "recipient_state": "",
        "demands": "alpha,beta",
        "created_at_utc": "2024-06-30 10:00:00",
        "sent_at_utc": "2024-06-30 12:00:00",
        "outcome": "sent",
        "score": "0.5",
    }
    assert rows[1]["sent_at_utc"] == "" and rows[1]["outcome"] == ""
    forgotten = rows[-1]
    assert forgotten["supporter"] == "" and forgotten["source"] == ""
    text = data.decode("utf-8-sig")
    assert ARMENIAN not in text and "Dear office" not in text and "Ձեզ" not in text
    assert not any(str(t) in text for t in seeded.telegram_ids.values())


def test_letters_personal_fields_only_with_the_flag(tmp_store: Store, seeded: Seeded) -> None:
    rows = read_csv(run(tmp_store, what="letters", include_personal=True))
    first, second = rows[0], rows[1]
    assert first["telegram_id"] == str(seeded.telegram_ids["s1"])
    assert first["display_name"] == ARMENIAN and first["signing_name"] == ARMENIAN
    assert first["body"] == "Dear office, please act."
    assert second["body"] == "Ձեզ եմ գրում"
    assert rows[3]["display_name"] == "'=HYPERLINK(1)"  # s3's name, neutralized


def test_letters_since_filters_by_drafting_day(tmp_store: Store, seeded: Seeded) -> None:
    rows = read_csv(run(tmp_store, what="letters", since=date(2024, 6, 15)))
    assert [r["created_at_utc"][:10] for r in rows] == [
        "2024-06-30",
        "2024-06-29",
        "2024-06-15",
        "2024-06-20",
    ]


def test_letters_name_members_of_congress(tmp_store: Store, tmp_path: Path, tiny: Campaign) -> None:
    import_legislators(tmp_store, tmp_path)
    seed_congress(tmp_store)
    rows = read_csv(run(tmp_store, what="letters", campaign=tiny))
    names = {
        r["target"]: (r["recipient"], r["recipient_office"], r["recipient_state"]) for r in rows
    }
    assert names == {
        "a000001": ("Sen. Alice Aldrich (D, VT)", "Senator", "VT"),
        "h000008": ("Sen. Hana Hughes (D, AZ)", "Senator", "AZ"),
        "c000003": ("Rep. Carmen Castillo (D, VT at-large)", "Representative", "VT"),
        "d000004": ("Del. Dana Dupont (D, DC)", "Delegate", "DC"),
        "z000099": ("Former member Z000099", "Former member of Congress", ""),
        "mayor": ("Office mayor", "Head of mayor", ""),
    }
    assert list(rows[0])[5:9] == ["target", "recipient", "recipient_office", "recipient_state"]
    summary = {
        r["target"]: (r["recipient"], r["recipient_office"]) for r in read_csv(run(tmp_store))
    }
    assert summary["a000001"] == ("Sen. Alice Aldrich (D, VT)", "Senator")
    assert summary["z000099"] == ("Former member Z000099", "Former member of Congress")


def test_a_member_who_left_congress_after_the_letter(
    tmp_store: Store, tmp_path: Path, tiny: Campaign
) -> None:
    seed_congress_then_drop(tmp_store, tmp_path, "A000001")
    for fmt in ("csv", "json"):
        data = run(tmp_store, what="letters", fmt=fmt, campaign=tiny)
        rows = read_csv(data) if fmt == "csv" else json.loads(data)
        gone = [r for r in rows if r["target"] == "a000001"]
        assert len(gone) == 2
        assert gone[0]["recipient"] == "Former member A000001"
        assert gone[0]["recipient_office"] == "Former member of Congress"
        assert gone[0]["recipient_state"] in ("", None)


def test_recipients_are_read_in_one_query(tmp_store: Store, tmp_path: Path, tiny: Campaign) -> None:
    from sqlalchemy import event

    import_legislators(tmp_store, tmp_path)
    seed_congress(tmp_store)
    statements: list[str] = []
    event.listen(
        tmp_store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    for what in ("letters", "summary"):
        statements.clear()
        run(tmp_store, what=what, campaign=tiny)
        selects = [s for s in statements if s.startswith("SELECT")]
        assert len(selects) == 2  # the members, then the export itself
        assert "FROM legislator" in selects[0]


def test_a_campaign_that_is_not_the_exported_one(tmp_store: Store, tiny: Campaign) -> None:
    with pytest.raises(ValueError, match="is not"):
        export(tmp_store, io.BytesIO(), campaign_id="other", campaign=tiny)


# Supporters
def test_supporters_export(tmp_store: Store, seeded: Seeded) -> None:
    rows = read_csv(run(tmp_store, what="supporters"))
    by_id = {r["supporter"]: r for r in rows}
    assert len(rows) == 5
    s1, s2, s4 = (by_id[seeded.public_ids[k]] for k in ("s1", "s2", "s4"))
    assert (s1["letters_drafted"], s1["letters_sent"], s1["opted_in"]) == ("2", "1", "1")
    assert s1["source"] == "direct" and s1["last_sent_at_utc"] == "2024-06-30 12:00:00"
    assert (s2["opted_in"], s2["blocked"], s2["referred_by"]) == ("0", "1", seeded.public_ids["s1"])
    assert s4["state"] == "" and s4["referred_by"] == seeded.public_ids["s2"]
    s5 = by_id[seeded.public_ids["s5"]]
    assert (s5["letters_drafted"], s5["letters_sent"], s5["last_sent_at_utc"]) == ("0", "0", "")
    assert (s5["source"], s5["opted_in"]) == ("direct", "0")  # opted in to "other" only
    assert seeded.public_ids["s6"] not in by_id  # in "other" only
    assert "telegram_id" not in rows[0] and "display_name" not in rows[0]


def test_supporters_export_is_the_campaigns_own(tmp_store: Store, seeded: Seeded) -> None:
    """ "other"'s supporters with their source, referrer, opt-in and join time there."""
    rows = read_csv(run(tmp_store, campaign_id=OTHER, what="supporters"))
    assert [
        (r["supporter"], r["source"], r["referred_by"], r["opted_in"], r["letters_drafted"])
        for r in rows
    ] == [
        (seeded.public_ids["s4"], "podcast", "", "0", "1"),
        (seeded.public_ids["s5"], "poster", "", "1", "1"),
        (seeded.public_ids["s6"], "flyer", seeded.public_ids["s1"], "1", "0"),
    ]
    assert rows[1]["joined_at_utc"] == "2024-06-26 12:00:00"  # joined "tiny" on 06-25
    since = read_csv(run(tmp_store, campaign_id=OTHER, what="supporters", since=date(2024, 6, 26)))
    assert [r["supporter"] for r in since] == [seeded.public_ids["s5"], seeded.public_ids["s6"]]


def test_supporters_personal_and_since(tmp_store: Store, seeded: Seeded) -> None:
    rows = read_csv(
        run(tmp_store, what="supporters", include_personal=True, since=date(2024, 6, 20))
    )
    assert [r["supporter"] for r in rows] == [seeded.public_ids["s4"], seeded.public_ids["s5"]]
    assert rows[0]["telegram_id"] == "104"


# JSON
def test_json_is_one_array_with_the_same_values(tmp_store: Store, seeded: Seeded) -> None:
    data = run(tmp_store, what="letters", fmt="json", include_personal=True)
    assert not data.startswith(BOM)
    assert ARMENIAN.encode() in data  # readable UTF-8, not \\u escapes
    rows = json.loads(data)
    assert len(rows) == 6 and data.count(b"\n") == 6 + 2  # "[", one object per line, "]"
    first = rows[0]
    assert first["letter_id"] == 1 and first["score"] == 0.5 and first["sent_at_utc"]
    assert first["recipient"] == "mayor" and first["recipient_office"] is None
    assert first["recipient_state"] is None
    assert first["display_name"] == ARMENIAN
    assert rows[3]["display_name"] == "=HYPERLINK(1)"  # JSON is data, not a spreadsheet
    csv_rows = read_csv(run(tmp_store, what="letters", include_personal=True))
    assert [str(r["letter_id"]) for r in rows] == [r["letter_id"] for r in csv_rows]


def test_json_of_nothing_is_an_empty_array(tmp_store: Store) -> None:
    assert json.loads(run(tmp_store, what="letters", fmt="json")) == []
    assert read_csv(run(tmp_store, what="letters")) == []


def test_unknown_what_or_format(tmp_store: Store) -> None:
    with pytest.raises(ValueError, match="unknown export"):
        run(tmp_store, what="everything")
    with pytest.raises(ValueError, match="unknown format"):
        run(tmp_store, fmt="xlsx")


# Formula injection
DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_every_dangerous_text_cell_is_neutralized_and_numbers_stay_numbers(
    tmp_store: Store,
) -> None:
    cells = [*DANGEROUS, "safe", 'a,"=b', "x\n=y"]
    with tmp_store.transaction() as repo:
        people = [add_supporter(repo, n, name=c, public_id=f"pub-{n}") for n, c in enumerate(cells)]
        add_letter(repo, people[0], "mayor", ["alpha"], at(6, 1), score=-2.5)
    rows = read_csv(run(tmp_store, what="supporters", include_personal=True))
    assert [r["display_name"] for r in rows] == ["'" + c for c in DANGEROUS] + cells[6:]
    assert [r["signing_name"] for r in rows] == [r["display_name"] for r in rows]
    text = run(tmp_store, what="letters").decode("utf-8-sig")
    assert text.endswith(",-2.5\r\n")  # unquoted: a spreadsheet reads it as a number
    reread = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    assert reread[1][0] == 1.0 and reread[1][-1] == -2.5


def test_formula_cells_from_the_database_are_neutralized(tmp_store: Store) -> None:
    with tmp_store.transaction() as repo:
        evil = add_supporter(repo, 9, source="-evil", name="@SUM(1)", public_id="-abc")
        add_letter(repo, evil, "=cmd", ["+x"], at(6, 1), body="=1+1")
    for what in ("letters", "supporters", "summary"):
        personal = what != "summary"
        rows = read_csv(run(tmp_store, what=what, include_personal=personal))
        cells = [cell for row in rows for cell in row.values()]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
        assert "'-evil" in cells
    letters = read_csv(run(tmp_store, what="letters", include_personal=True))[0]
    assert letters["supporter"] == "'-abc" and letters["target"] == "'=cmd"
    assert letters["recipient"] == "'=cmd"  # the new name columns are guarded too
    assert letters["demands"] == "'+x" and letters["body"] == "'=1+1"


def test_many_rows_with_a_few_dangerous_ones(tmp_store: Store) -> None:
    """The fast path (one regex over a batch) must find every dangerous row in a batch."""
    with tmp_store.transaction() as repo:
        for n in range(5000):
            target = "-x" if n % 97 == 0 else "ok"
            add_letter(repo, None, target, ["=y"] if n == 4999 else [], at(6, 1))
    rows = read_csv(run(tmp_store, what="letters"))
    assert [r["target"] for r in rows] == ["'-x" if n % 97 == 0 else "ok" for n in range(5000)]
    assert [r["recipient"] for r in rows] == [r["target"] for r in rows]
    assert rows[4999]["demands"] == "'=y" and rows[4998]["demands"] == ""


# Unicode
def test_armenian_round_trips_through_csv_and_json(tmp_store: Store) -> None:
    body = 'Երևան, Հայաստան: "quoted"\nline break'
    with tmp_store.transaction() as repo:
        add_letter(
            repo, add_supporter(repo, 1, name=ARMENIAN), "mayor", ["alpha"], at(6, 1), body=body
        )
    for fmt in ("csv", "json"):
        data = run(tmp_store, what="letters", fmt=fmt, include_personal=True)
        rows = read_csv(data) if fmt == "csv" else json.loads(data.decode("utf-8"))
        assert (rows[0]["display_name"], rows[0]["body"]) == (ARMENIAN, body)


# Streaming
class RecordingFile(io.RawIOBase):
    """A binary sink that remembers the size of each write."""

    def __init__(self) -> None:
        self.writes: list[int] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.writes.append(len(data))
        return len(data)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_from_the_database_streams_in_constant_memory(tmp_store: Store, fmt: Format) -> None:
    body = "Ա" * 2000  # 4 KB of UTF-8 per letter: 6000 letters are 24 MB of bodies
    with tmp_store.transaction() as repo:
        supporter = add_supporter(repo, 1, name=ARMENIAN)
        for n in range(6000):
            add_letter(repo, supporter, "mayor", ["alpha"], at(6, 1 + n % 28), body=body)
    sink = RecordingFile()
    tracemalloc.start()
    try:
        rows = export(
            tmp_store, sink, campaign_id=CAMPAIGN, what="letters", fmt=fmt, include_personal=True
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == 6000
    assert sum(sink.writes) > 24_000_000
    assert len(sink.writes) >= 6000 / PERSONAL_BATCH  # each batch written as it is read
    assert peak < 24_000_000 / 3  # a batch at a time, never the whole export


def test_export_inside_an_open_transaction(tmp_store: Store, seeded: Seeded) -> None:
    """The bot's way: `store.run(export, out, ...)` hands export the Repo of a transaction."""
    out = io.BytesIO()
    assert tmp_store.call(export, out, campaign_id=CAMPAIGN, what="letters") == 6
