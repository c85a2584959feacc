"""Fixtures of the officials tests: the small hand-written files and, when present, the real
public data beside the repository (../shared/data, never copied into it)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.officials.datasets import import_files
from bot.officials.lookup import ZipOutcome, ZipResolution, representative
from bot.store import Store
from bot.store.models import Legislator
from tests.databases import PostgresDatabases, sqlite_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "officials"
REAL_DATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
JUNE_15 = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def real_file(name: str) -> Path:
    """A real data file, or a skip that says why the test cannot run here."""
    path = REAL_DATA / name
    if not path.is_file():
        pytest.skip(f"real data {name} not found in {REAL_DATA} (see ../shared/data/README.md)")
    return path


def the_representative(store: Store, resolution: ZipResolution) -> Legislator:
    """The member of a ZIP that leaves no choice."""
    assert resolution.outcome is ZipOutcome.SINGLE
    (district,) = resolution.districts
    found = store.call(representative, district.state, district.number)
    assert found is not None
    return found


@pytest.fixture
def loaded_store(tmp_store: Store) -> Store:
    """A store holding the small JSON legislators and the small zccd."""
    import_files(tmp_store, [FIXTURES / "legislators-small.json", FIXTURES / "zccd-small.csv"])
    return tmp_store


@pytest.fixture(scope="module")
def real_store(
    tmp_path_factory: pytest.TempPathFactory, postgres_databases: PostgresDatabases | None
) -> Iterator[Store]:
    """A store with the full real files imported once per module."""
    legislators, zccd = real_file("legislators-current.json"), real_file("zccd.csv")
    if postgres_databases is None:
        url = sqlite_url(tmp_path_factory.mktemp("real"), "real.db")
    else:
        url = postgres_databases.create()
    store = Store.from_url(url)
    import_files(store, [legislators, zccd])
    try:
        yield store
    finally:
        store.close()
        if postgres_databases is not None:
            postgres_databases.drop(url)


class _Handler(SimpleHTTPRequestHandler):
    """Serves the folder; /truncated.csv promises more bytes than it sends."""

    def do_GET(self) -> None:
        if self.path == "/truncated.csv":
            body = b"state_fips,state_abbr,zcta,cd\n04,AZ,85001,1\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 500))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # quiet tests
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT serving copies of the fixtures, dated 2026-06-15."""
    folder = tmp_path / "www"
    folder.mkdir()
    for name in ("legislators-small.json", "zccd-small.csv", "legislators-small.csv"):
        shutil.copy(FIXTURES / name, folder / name)
        os.utime(folder / name, (JUNE_15.timestamp(), JUNE_15.timestamp()))
    (folder / "page.html").write_text("<html><body>Not found, sorry</body></html>")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
