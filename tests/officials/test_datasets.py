"""Imports replace datasets all or nothing; status says what is loaded and how old; update
downloads from a local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import os
import re
import shutil
import socket
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.officials import (
    OfficialsDataError,
    ZipOutcome,
    format_status,
    import_files,
    representative,
    resolve_zip,
    senators,
    status,
    update,
)
from bot.store import Store
from bot.store import officials as queries
from tests.officials.conftest import FIXTURES, JUNE_15


def _snapshot(store: Store) -> tuple[Any, ...]:
    """Everything an import could change, to compare before and after a failure."""
    info = store.call(status)
    return (
        info.legislators,
        info.zccd,
        info.senators,
        info.representatives,
        info.delegates,
        info.zip_rows,
        [m.bioguide_id for m in store.call(senators, "AZ")],
        store.call(resolve_zip, "85215").candidates,
    )


# all or nothing


def test_a_second_import_replaces_instead_of_adding(loaded_store: Store) -> None:
    assert loaded_store.call(representative, "AZ", 2) is None
    (report,) = import_files(loaded_store, [FIXTURES / "legislators-small.csv"])
    assert (report.dataset, report.rows) == ("legislators", 12)
    info = loaded_store.call(status)
    assert info.legislators is not None and info.legislators.source == "legislators-small.csv"
    assert (info.senators, info.representatives, info.delegates) == (4, 5, 3)
    lopez = loaded_store.call(representative, "AZ", 2)
    assert lopez is not None and lopez.last_name == "Lopez"
    assert info.zip_rows == 12  # the other dataset is untouched


def test_a_bad_file_in_the_batch_keeps_all_the_old_data(loaded_store: Store) -> None:
    before = _snapshot(loaded_store)
    with pytest.raises(OfficialsDataError, match=r"zccd-header-only\.csv has no usable zccd rows"):
        import_files(
            loaded_store,
            [FIXTURES / "legislators-small.csv", FIXTURES / "zccd-header-only.csv"],
        )
    assert _snapshot(loaded_store) == before


def test_a_database_failure_midway_rolls_the_first_dataset_back(
    loaded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(loaded_store)
    real_replace = queries.replace_dataset
    calls: list[str] = []

    def failing_replace(repo: Any, name: str, rows: Any, meta: Any) -> None:
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_replace(repo, name, rows, meta)

    monkeypatch.setattr(queries, "replace_dataset", failing_replace)
    with pytest.raises(RuntimeError, match="disk full"):
        import_files(
            loaded_store, [FIXTURES / "legislators-small.csv", FIXTURES / "zccd-malformed.csv"]
        )
    assert calls == ["legislators", "zccd"]  # the legislators were replaced, then rolled back
    assert _snapshot(loaded_store) == before


def test_two_files_of_one_kind_are_refused(tmp_store: Store) -> None:
    with pytest.raises(OfficialsDataError, match="are all legislators files"):
        import_files(
            tmp_store,
            [FIXTURES / "legislators-small.json", FIXTURES / "legislators-small.csv"],
        )
    assert tmp_store.call(status).legislators is None


def test_an_empty_file_fails_the_import(loaded_store: Store) -> None:
    before = _snapshot(loaded_store)
    with pytest.raises(OfficialsDataError, match=r"empty\.csv is empty"):
        import_files(loaded_store, [FIXTURES / "empty.csv"])
    assert _snapshot(loaded_store) == before


# status


def test_status_of_an_empty_database_says_what_to_do(tmp_store: Store) -> None:
    info = tmp_store.call(status)
    assert (info.legislators, info.zccd, info.zip_rows, info.senators) == (None, None, 0, 0)
    lines = format_status(info)
    assert lines == [
        "note: no legislators loaded: run `campaign-bot officials update` "
        "(or `officials import legislators-current.json`)",
        "note: no ZIP→district data loaded: run `campaign-bot officials update` "
        "(or `officials import zccd.csv`)",
    ]


def test_status_counts_dates_and_vacancies(tmp_store: Store, tmp_path: Path) -> None:
    zccd = tmp_path / "zccd.csv"
    shutil.copy(FIXTURES / "zccd-malformed.csv", zccd)
    os.utime(zccd, (JUNE_15.timestamp(), JUNE_15.timestamp()))
    import_files(tmp_store, [FIXTURES / "legislators-small.json", zccd])
    info = tmp_store.call(status, date(2026, 7, 1))
    assert (info.senators, info.representatives, info.delegates) == (4, 4, 3)
    assert (info.zip_rows, info.zctas) == (12, 8)
    assert info.seats_without_member == (("AZ", 2), ("UT", 3))
    assert info.legislators is not None and info.zccd is not None
    assert info.legislators.data_date == date(2026, 6, 10)
    assert (info.zccd.file_date, info.zccd.skipped, info.zccd.format) == (JUNE_15, 1, "csv")
    assert info.ended_terms == 0 and info.notes == ()
    later = info.zccd.imported_at + timedelta(days=3, hours=1)
    lines = format_status(info, now=later)
    assert lines[0].startswith(
        "legislators: 4 senators, 4 representatives, 3 delegates; from legislators-small.json "
        "(json), newest term start 2026-06-10, file dated "
    )
    assert lines[0].endswith("(3 days ago)")
    assert lines[1].startswith("ZIP→district: 8 ZIP codes (ZCTAs), 12 candidate rows; from zccd")
    assert "file dated 2026-06-15" in lines[1] and "1 malformed record(s) skipped" in lines[1]
    assert lines[2] == "House seats with no member in the data (vacant?): AZ-2, UT-3"


def test_status_warns_when_the_data_is_stale(loaded_store: Store) -> None:
    info = loaded_store.call(status, date(2027, 2, 1))
    assert info.ended_terms == 7  # every House term in the fixture ends on 2027-01-03, and Ito's
    assert any("7 member(s) have a term that ended before 2027-02-01" in n for n in info.notes)
    assert any("CA, MO, NC, OH, TX, UT redrew their House maps" in n for n in info.notes)


# update, against a local server (the `server` fixture of conftest.py)


def test_update_downloads_and_imports_both(tmp_store: Store, server: str) -> None:
    reports = update(
        tmp_store,
        legislators_url=f"{server}/legislators-small.json",
        zccd_url=f"{server}/zccd-small.csv",
    )
    assert [(r.dataset, r.rows) for r in reports] == [("legislators", 11), ("zccd", 12)]
    info = tmp_store.call(status)
    assert info.legislators is not None and info.zccd is not None
    assert info.legislators.source == f"{server}/legislators-small.json"
    assert info.zccd.source == f"{server}/zccd-small.csv"
    assert info.legislators.file_date == JUNE_15 == info.zccd.file_date  # Last-Modified
    assert tmp_store.call(resolve_zip, "85215").outcome is ZipOutcome.SPLIT


def test_update_recognizes_the_csv_format_too(tmp_store: Store, server: str) -> None:
    update(
        tmp_store,
        legislators_url=f"{server}/legislators-small.csv",
        zccd_url=f"{server}/zccd-small.csv",
    )
    info = tmp_store.call(status)
    assert info.legislators is not None and info.legislators.format == "csv"
    assert info.representatives == 5


@pytest.mark.parametrize(
    ("legislators", "zccd", "message"),
    [
        ("/legislators-small.json", "/missing.csv", "cannot download .*/missing.csv: HTTP 404"),
        (
            "/legislators-small.json",
            "/truncated.csv",
            "cannot download .*/truncated.csv: it stopped after 44 of 544 bytes",
        ),
        ("/page.html", "/zccd-small.csv", "page.html is neither a congress-legislators CSV"),
    ],
)
def test_a_failed_update_changes_nothing(
    loaded_store: Store, server: str, legislators: str, zccd: str, message: str
) -> None:
    before = _snapshot(loaded_store)
    with pytest.raises(OfficialsDataError, match=message):
        update(loaded_store, legislators_url=server + legislators, zccd_url=server + zccd)
    assert _snapshot(loaded_store) == before


def test_update_refuses_non_http_addresses(tmp_store: Store, tmp_path: Path) -> None:
    with pytest.raises(OfficialsDataError, match="is not an http"):
        update(tmp_store, legislators_url=(FIXTURES / "legislators-small.json").as_uri())


def test_update_with_nobody_listening(tmp_store: Store, server: str) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(OfficialsDataError, match=re.escape(f"cannot download {closed}/x.json")):
        update(tmp_store, legislators_url=f"{closed}/x.json", zccd_url=f"{server}/zccd-small.csv")
    assert tmp_store.call(status).zccd is None
