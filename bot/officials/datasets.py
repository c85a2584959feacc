"""Import, refresh and inspect the officials datasets.

Replacement strategy: every file is parsed and validated first, outside any transaction; then
one transaction deletes the old rows of each dataset and bulk-inserts the new ones. Readers
keep seeing the old directory until the commit (SQLite WAL, PostgreSQL MVCC), and any failure
(a bad file, a full disk, a killed process) rolls back to the old data. A versioned "insert
beside, then switch" scheme would also work, but would add a version column to every lookup
and a clean-up step, for no gain at this size: the full data is ~42,600 rows and the swap
takes a fraction of a second, during which the bot's own writes simply wait (busy timeout).
"""

from __future__ import annotations

import http.client
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING
from urllib.parse import urlparse

from bot.officials.importers import (
    DEFAULT_MAX_BAD_FRACTION,
    DOWNLOAD_TIMEOUT_S,
    LEGISLATORS,
    LEGISLATORS_URL,
    ZCCD,
    ZCCD_URL,
    OfficialsDataError,
    ParsedFile,
    Problem,
    ascii_digits,
    parse_file,
)
from bot.store import officials as queries
from bot.store.models import utcnow

if TYPE_CHECKING:
    from bot.store import Repo, Store

MAX_DOWNLOAD_BYTES = 50_000_000  # the real files are ~1.5 MB and ~0.6 MB
# The first day of the 120th Congress: districts redrawn for the 2026 elections apply from it.
REDISTRICTING_TAKES_EFFECT = date(2027, 1, 3)
REDRAWN_FOR_2026 = ("CA", "MO", "NC", "OH", "TX", "UT")
USER_AGENT = "campaign-letter-bot (officials update)"


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

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

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
    parsed: list[ParsedFile] = []
    for index, path in enumerate(paths):
        parsed.append(
            parse_file(
                Path(path),
                source=sources[index] if sources else None,
                file_date=file_dates[index] if file_dates else None,
                max_bad_fraction=max_bad_fraction,
            )
        )
    kinds = [p.dataset for p in parsed]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            names = ", ".join(p.source for p in parsed if p.dataset == kind)
            raise OfficialsDataError(f"{names} are all {kind} files: give one of each at most")
    store.call(_replace, parsed)
    return [
        ImportReport(
            p.dataset,
            p.source,
            p.format,
            len(p.rows),
            p.records,
            tuple(p.problems),
            p.data_date,
            p.file_date,
        )
        for p in parsed
    ]


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


# update: download, then import


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


def download(url: str, path: Path, *, timeout: float = DOWNLOAD_TIMEOUT_S) -> datetime | None:
    """Fetch `url` into `path`; returns the server's Last-Modified date, if it sent one."""
    if urlparse(url).scheme not in ("http", "https"):
        raise OfficialsDataError(f"{url!r} is not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with (
            urllib.request.urlopen(request, timeout=timeout) as response,  # noqa: S310
            path.open("wb") as out,
        ):
            expected = response.headers.get("Content-Length")
            written = _copy_limited(response, out)
            if expected and ascii_digits(expected) and written != int(expected):
                raise OfficialsDataError(
                    f"cannot download {url}: it stopped after {written} of {expected} bytes"
                )
            modified = response.headers.get("Last-Modified")
    except urllib.error.HTTPError as error:
        raise OfficialsDataError(
            f"cannot download {url}: HTTP {error.code} {error.reason}"
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise OfficialsDataError(f"cannot download {url}: {reason}") from None
    return _http_date(modified)


def _copy_limited(response: IO[bytes], out: IO[bytes]) -> int:
    """Copy, refusing more than MAX_DOWNLOAD_BYTES (a wrong URL must not fill the disk)."""
    written = 0
    while chunk := response.read(1 << 16):
        written += len(chunk)
        if written > MAX_DOWNLOAD_BYTES:
            raise OfficialsDataError(
                f"download is larger than {MAX_DOWNLOAD_BYTES // 1_000_000} MB: is the URL right?"
            )
        out.write(chunk)
    return written


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# status


@dataclass(frozen=True)
class DatasetStatus:
    name: str
    source: str
    format: str
    rows: int
    skipped: int
    data_date: date | None
    file_date: datetime | None
    imported_at: datetime


@dataclass(frozen=True)
class OfficialsStatus:
    """What is loaded and how fresh it is; `notes` say what an organizer should do about it."""

    legislators: DatasetStatus | None
    zccd: DatasetStatus | None
    senators: int
    representatives: int  # voting members
    delegates: int  # DC and territories, including Puerto Rico's resident commissioner
    zip_rows: int
    zctas: int
    ended_terms: int
    seats_without_member: tuple[tuple[str, int], ...]
    notes: tuple[str, ...]


def status(repo: Repo, today: date | None = None) -> OfficialsStatus:
    """Read the status (run it through `Store.call` or `Store.run`)."""
    today = today or datetime.now(UTC).date()
    found = {d.name: d for d in queries.datasets(repo)}
    loaded = {
        name: DatasetStatus(
            d.name,
            d.source,
            d.format,
            d.rows,
            d.skipped,
            d.data_date,
            _aware(d.file_date),
            _aware(d.imported_at) or d.imported_at,
        )
        for name, d in found.items()
    }
    counts = queries.chamber_counts(repo)
    zip_rows, zctas = queries.zip_counts(repo)
    ended = queries.ended_terms(repo, today)
    vacant = tuple(queries.seats_without_member(repo)) if counts and zip_rows else ()
    legislators, zccd = loaded.get(LEGISLATORS), loaded.get(ZCCD)
    notes: list[str] = []
    if legislators is None:
        notes.append(
            "no legislators loaded: run `campaign-bot officials update` "
            "(or `officials import legislators-current.json`)"
        )
    if zccd is None:
        notes.append(
            "no ZIP→district data loaded: run `campaign-bot officials update` "
            "(or `officials import zccd.csv`)"
        )
    if ended:
        notes.append(
            f"{ended} member(s) have a term that ended before {today.isoformat()}: the data "
            "predates an election, resignation or appointment; run `campaign-bot officials update`"
        )
    if zccd is not None and today >= REDISTRICTING_TAKES_EFFECT:
        dated = zccd.file_date or zccd.imported_at
        if dated.date() < REDISTRICTING_TAKES_EFFECT:
            notes.append(
                f"ZIP→district data is from before {REDISTRICTING_TAKES_EFFECT.isoformat()}: "
                f"{', '.join(REDRAWN_FOR_2026)} redrew their House maps for the 2026 elections, "
                "so districts there are stale until a 120th-Congress zccd.csv is imported"
            )
    return OfficialsStatus(
        legislators=legislators,
        zccd=zccd,
        senators=sum(n for (chamber, _t), n in counts.items() if chamber == "sen"),
        representatives=counts.get(("rep", False), 0),
        delegates=counts.get(("rep", True), 0),
        zip_rows=zip_rows,
        zctas=zctas,
        ended_terms=ended,
        seats_without_member=vacant,
        notes=tuple(notes),
    )


def format_status(info: OfficialsStatus, now: datetime | None = None) -> list[str]:
    """Lines for the terminal: one per dataset, then the notes."""
    now = now or datetime.now(UTC)
    lines: list[str] = []
    if info.legislators is not None:
        lines.append(
            f"legislators: {info.senators} senators, {info.representatives} representatives, "
            f"{info.delegates} delegates; {_provenance(info.legislators, now)}"
        )
    if info.zccd is not None:
        lines.append(
            f"ZIP→district: {info.zctas} ZIP codes (ZCTAs), {info.zip_rows} candidate rows; "
            f"{_provenance(info.zccd, now)}"
        )
    vacancies = _vacancies(info)
    if vacancies:
        lines.append(vacancies)
    lines.extend(f"note: {note}" for note in info.notes)
    return lines


def warnings(info: OfficialsStatus) -> list[str]:
    """What `format_status` flags (vacant seats, then the notes), without the counts: for
    `campaign-bot check`, the start-up log and /stats, which only show what needs doing."""
    vacancies = _vacancies(info)
    return [*([vacancies] if vacancies else []), *info.notes]


def imported_at(info: OfficialsStatus) -> datetime | None:
    """When the older of the loaded datasets was imported: the directory is as old as that."""
    moments = [d.imported_at for d in (info.legislators, info.zccd) if d is not None]
    return min(moments) if moments else None


def _vacancies(info: OfficialsStatus) -> str | None:
    if not info.seats_without_member:
        return None
    seats = ", ".join(f"{s}-{d}" for s, d in info.seats_without_member[:10])
    more = len(info.seats_without_member) - 10
    return f"House seats with no member in the data (vacant?): {seats}" + (
        f" and {more} more" if more > 0 else ""
    )


def _provenance(d: DatasetStatus, now: datetime) -> str:
    parts = [f"from {d.source} ({d.format})"]
    if d.data_date:
        parts.append(f"newest term start {d.data_date.isoformat()}")
    if d.file_date:
        parts.append(f"file dated {d.file_date:%Y-%m-%d}")
    parts.append(f"imported {d.imported_at:%Y-%m-%d %H:%M} UTC ({_age(now - d.imported_at)} ago)")
    if d.skipped:
        parts.append(f"{d.skipped} malformed record(s) skipped")
    return ", ".join(parts)


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
