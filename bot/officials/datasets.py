"""Import the officials datasets from files (`import_files`) or from their public addresses
(`update`), replacing what was loaded all or nothing.

Replacement strategy: every file is parsed and validated first, outside any transaction; then
one transaction deletes the old rows of each dataset and bulk-inserts the new ones. Readers
keep seeing the old directory until the commit (SQLite WAL, PostgreSQL MVCC), and any failure
(a bad file, a full disk, a killed process) rolls back to the old data. A versioned "insert
beside, then switch" scheme would also work, but would add a version column to every lookup
and a clean-up step, for no gain at this size: the full data is ~42,600 rows and the swap
takes a fraction of a second, during which the bot's own writes simply wait (busy timeout).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from bot.officials.download import download
from bot.officials.importers import (
    DEFAULT_MAX_BAD_FRACTION,
    DOWNLOAD_TIMEOUT_S,
    LEGISLATORS,
    LEGISLATORS_URL,
    ZCCD_URL,
    OfficialsDataError,
    ParsedFile,
    Problem,
    skipped_count,
)
from bot.officials.parsing import parse_file
from bot.officials.roster import forget
from bot.store import Repo, Store
from bot.store import officials as queries
from bot.store.models import utcnow


@dataclass(frozen=True)
class ImportReport:
    """What one file brought in, for the organizer to read."""

    dataset: str
    source: str
    format: str
    rows: int
    records: int
    problems: tuple[Problem, ...]
    data_date: date | None
    file_date: datetime | None

    @classmethod
    def of(cls, parsed: ParsedFile) -> ImportReport:
        return cls(
            dataset=parsed.dataset,
            source=parsed.source,
            format=parsed.format,
            rows=len(parsed.rows),
            records=parsed.records,
            problems=tuple(parsed.problems),
            data_date=parsed.data_date,
            file_date=parsed.file_date,
        )

    @property
    def skipped(self) -> int:
        return skipped_count(self.problems)

    def summary(self) -> str:
        what = "legislators" if self.dataset == LEGISLATORS else "ZIP→district rows"
        line = f"{self.source}: imported {self.rows} {what} ({self.format})"
        if self.skipped:
            line += f", skipped {self.skipped} malformed record(s)"
        return line


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    sources: Sequence[str] | None = None,
    file_dates: Sequence[datetime | None] | None = None,
    max_bad_fraction: float = DEFAULT_MAX_BAD_FRACTION,
) -> list[ImportReport]:
    """Parse every file, then replace their datasets in one transaction: all or nothing."""
    if not paths:
        raise OfficialsDataError("no file given")
    parsed = [
        parse_file(
            Path(path),
            source=sources[index] if sources else None,
            file_date=file_dates[index] if file_dates else None,
            max_bad_fraction=max_bad_fraction,
        )
        for index, path in enumerate(paths)
    ]
    kinds = [p.dataset for p in parsed]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            names = ", ".join(p.source for p in parsed if p.dataset == kind)
            raise OfficialsDataError(f"{names} are all {kind} files: give one of each at most")
    store.call(_replace, parsed)
    return [ImportReport.of(p) for p in parsed]


def _replace(repo: Repo, parsed: Sequence[ParsedFile]) -> None:
    now = utcnow()
    for p in parsed:
        meta = {
            "source": p.source,
            "format": p.format,
            "data_date": p.data_date,
            "file_date": p.file_date,
            "rows": len(p.rows),
            "skipped": p.skipped,
            "sha256": p.sha256,
            "imported_at": now,
        }
        queries.replace_dataset(repo, p.dataset, p.rows, meta)
    forget(repo)  # a lookup later in this transaction reads the new members


def update(
    store: Store,
    *,
    legislators_url: str = LEGISLATORS_URL,
    zccd_url: str = ZCCD_URL,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    max_bad_fraction: float = DEFAULT_MAX_BAD_FRACTION,
) -> list[ImportReport]:
    """Download the current files and import both at once; a failed download changes nothing."""
    with tempfile.TemporaryDirectory(prefix="officials-") as folder:
        paths: list[Path] = []
        dates: list[datetime | None] = []
        for number, url in enumerate((legislators_url, zccd_url)):
            # Keep the file name, so the extension still takes part in recognizing the format.
            name = PurePosixPath(urlparse(url).path).name or f"download-{number}"
            path = Path(folder) / f"{number}-{name}"
            dates.append(download(url, path, timeout=timeout))
            paths.append(path)
        return import_files(
            store,
            paths,
            sources=[legislators_url, zccd_url],
            file_dates=dates,
            max_bad_fraction=max_bad_fraction,
        )
