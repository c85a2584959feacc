"""`status` says what is loaded, how old it is and what an organizer should do about it."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

from bot.officials.datasets import import_files
from bot.officials.status import format_status, status, warnings
from bot.store import Store
from tests.officials.conftest import FIXTURES, JUNE_15


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
    assert warnings(info) == [lines[2]]  # what `check` and /stats show: no counts


def test_status_warns_when_the_data_is_stale(loaded_store: Store) -> None:
    info = loaded_store.call(status, date(2027, 2, 1))
    assert info.ended_terms == 7  # every House term in the fixture ends on 2027-01-03, and Ito's
    assert any("7 member(s) have a term that ended before 2027-02-01" in n for n in info.notes)
    assert any("CA, MO, NC, OH, TX, UT redrew their House maps" in n for n in info.notes)
