"""What the officials directory holds and how fresh it is: `status` reads it, `format_status`
words it for `officials status`, `warnings` keeps only what an organizer should act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.officials.importers import LEGISLATORS, ZCCD
from bot.store import Repo
from bot.store import officials as queries
from bot.store.models import OfficialsDataset, as_utc

# The first day of the 120th Congress: districts redrawn for the 2026 elections apply from it.
REDISTRICTING_TAKES_EFFECT = date(2027, 1, 3)
REDRAWN_FOR_2026 = ("CA", "MO", "NC", "OH", "TX", "UT")


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

    @classmethod
    def of(cls, row: OfficialsDataset) -> DatasetStatus:
        return cls(
            row.name,
            row.source,
            row.format,
            row.rows,
            row.skipped,
            row.data_date,
            as_utc(row.file_date),
            as_utc(row.imported_at) or row.imported_at,
        )


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
    loaded = {d.name: DatasetStatus.of(d) for d in queries.datasets(repo)}
    counts = queries.chamber_counts(repo)
    zip_rows, zctas = queries.zip_counts(repo)
    ended = queries.ended_terms(repo, today)
    vacant = tuple(queries.seats_without_member(repo)) if counts and zip_rows else ()
    legislators, zccd = loaded.get(LEGISLATORS), loaded.get(ZCCD)
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
        notes=tuple(_notes(legislators, zccd, ended, today)),
    )


def _notes(
    legislators: DatasetStatus | None, zccd: DatasetStatus | None, ended: int, today: date
) -> list[str]:
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
    return notes


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
    return lines + warnings(info, prefix="note: ")


def warnings(info: OfficialsStatus, prefix: str = "") -> list[str]:
    """What `format_status` flags (vacant seats, then the notes), without the counts: for
    `campaign-bot check`, the start-up log and /stats, which only show what needs doing."""
    vacancies = _vacancies(info)
    return [*([vacancies] if vacancies else []), *(prefix + note for note in info.notes)]


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
