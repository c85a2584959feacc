"""Imports replace datasets all or nothing; update downloads from a local HTTP server
(127.0.0.1 only)."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest

from bot.officials.datasets import import_files, update
from bot.officials.importers import OfficialsDataError
from bot.officials.lookup import ZipOutcome, representative, resolve_zip, senators
from bot.officials.status import status
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
        store.call(resolve_zip, "85215").districts,
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
