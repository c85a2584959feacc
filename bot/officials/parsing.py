"""Read one public officials file into rows, without touching the database.

Three formats, told apart by their content (the extension only has to agree):
- `legislators-current.json` of the unitedstates/congress-legislators project (legislators.py);
- `legislators-current.csv` from the same project's GitHub Pages site (legislators.py), with the
  header `last_name,first_name,...,type,state,district,...,bioguide_id,...`;
- `zccd.csv` of us-zipcodes-congress, `state_fips,state_abbr,zcta,cd` (zccd.py).

The whole file is refused when it is empty, holds no usable rows, or when more than
`max_bad_fraction` of its records are malformed: that is a wrong file or a changed format, and
importing the rest would silently drop part of the directory.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

from bot.officials import legislators, zccd
from bot.officials.importers import DEFAULT_MAX_BAD_FRACTION, OfficialsDataError, ParsedFile

_SHOWN_PROBLEMS = 3


def parse_file(
    path: Path,
    *,
    source: str | None = None,
    file_date: datetime | None = None,
    max_bad_fraction: float = DEFAULT_MAX_BAD_FRACTION,
) -> ParsedFile:
    """Parse `path`, its format told by its content; `source` names it in messages."""
    name = source or path.name
    try:
        data = path.read_bytes()
        if file_date is None:
            file_date = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        raise OfficialsDataError(f"cannot read {path}: {error.strerror}") from None
    if not data.strip():
        raise OfficialsDataError(f"{name} is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OfficialsDataError(
            f"{name} is not UTF-8 text (byte {error.start}): is it the right file?"
        ) from None
    parsed = _parse_text(text, name, path.suffix.lower())
    parsed.file_date = file_date
    parsed.sha256 = hashlib.sha256(data).hexdigest()
    _check_usable(parsed, max_bad_fraction)
    return parsed


def _parse_text(text: str, name: str, suffix: str) -> ParsedFile:
    head = text.lstrip()[:1]
    if suffix in (".yaml", ".yml"):
        raise OfficialsDataError(
            f"{name}: YAML is not supported; use legislators-current.json or .csv from "
            "https://unitedstates.github.io/congress-legislators/"
        )
    if head in ("[", "{"):
        if suffix == ".csv":
            raise OfficialsDataError(f"{name} is named .csv but holds JSON: is it the right file?")
        return legislators.parse_json(text, name)
    if suffix == ".json":
        raise OfficialsDataError(
            f"{name} is named .json but does not hold JSON (it starts with {text.lstrip()[:20]!r})"
        )
    return _parse_csv(text, name)


def _parse_csv(text: str, name: str) -> ParsedFile:
    """congress-legislators or zccd, told apart by the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise OfficialsDataError(f"{name} has no readable CSV header: {error}") from None
    if all(c in header for c in zccd.CSV_COLUMNS):
        return zccd.parse_csv(reader, header, name)
    if all(c in header for c in legislators.CSV_COLUMNS):
        return legislators.parse_csv(reader, header, name)
    raise OfficialsDataError(
        f"{name} is neither a congress-legislators CSV (columns "
        f"{', '.join(legislators.CSV_COLUMNS)}, ...) nor zccd.csv "
        "(state_fips,state_abbr,zcta,cd); its header is "
        f"{','.join(header)[:120]!r}"
    )


def _check_usable(parsed: ParsedFile, max_bad_fraction: float) -> None:
    shown = "; ".join(str(p) for p in parsed.problems[:_SHOWN_PROBLEMS])
    more = len(parsed.problems) - _SHOWN_PROBLEMS
    if more > 0:
        shown += f"; and {more} more"
    if not parsed.rows:
        detail = f": {shown}" if shown else ""
        raise OfficialsDataError(f"{parsed.source} has no usable {parsed.dataset} rows{detail}")
    if parsed.skipped > max_bad_fraction * parsed.records:
        raise OfficialsDataError(
            f"{parsed.source}: {parsed.skipped} of {parsed.records} records are malformed (more "
            f"than {max_bad_fraction:.0%}), so nothing was imported: {shown}"
        )
