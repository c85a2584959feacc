"""Load and validate campaign TOML with errors that name the file, line and field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from bot.campaign.model import SCHEMA_VERSION, Campaign
from bot.paths import CAMPAIGNS_DIR

DEFAULT_CAMPAIGN = "lachin-2023"
_HEADER = re.compile(r"^\s*\[")


class CampaignError(Exception):
    """A campaign file that cannot be used, with every problem located."""


def campaign_file(name: str) -> Path | None:
    """CAMPAIGN as a file: its resolved path when `name` is a path (it ends in .toml, or names
    something that exists), None when it is a campaign id."""
    candidate = Path(name).expanduser()
    if candidate.suffix != ".toml" and not candidate.exists():
        return None
    if not candidate.is_file():
        raise CampaignError(f"CAMPAIGN file {candidate} does not exist.")
    return candidate.resolve()


def find_campaign(name_or_path: str | None, folder: Path = CAMPAIGNS_DIR) -> Path:
    """Resolve CAMPAIGN: a path to a .toml file, or the id of a campaign in `folder` (by default
    the bundled ones)."""
    name = name_or_path or DEFAULT_CAMPAIGN
    path = campaign_file(name)
    if path is not None:
        return path
    in_folder = folder / f"{name}.toml"
    if in_folder.is_file():
        return in_folder
    available = ", ".join(sorted(p.stem for p in folder.glob("*.toml"))) or "none"
    if folder == CAMPAIGNS_DIR:
        known = f"a bundled campaign (bundled: {available})"
    else:
        known = f"a campaign in {folder} (there: {available})"
    raise CampaignError(f"CAMPAIGN={name!r} is neither a .toml file nor {known}.")


def load_campaign(path: str | Path) -> Campaign:
    """The campaign in the file at `path`, or a CampaignError listing every problem in it."""
    path = Path(path)
    raw_text = _read_text(path)
    try:
        raw = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{path}: not valid TOML: {exc}") from exc
    if raw.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise CampaignError(
            f"{path}: schema_version {raw['schema_version']!r} is not read by this version; "
            f"use schema_version = {SCHEMA_VERSION}: each demand gives `asks` per kind of office "
            "and `points` with a `source` (see README, Writing a campaign)."
        )
    try:
        return Campaign.model_validate({**raw, "path": path})
    except ValidationError as exc:
        problems = [
            _describe(path, raw_text, (*err["loc"], *err.get("ctx", {}).get("at", ())), err["msg"])
            for err in exc.errors()
        ]
        raise CampaignError("\n".join(problems)) from None


def _read_text(path: Path) -> str:
    """The file's text. Editors on Windows often save Windows-1252 or UTF-16: that is one line
    saying where and what to do, not a traceback; "UTF-8 with BOM" is simply read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CampaignError(f"{path}: cannot read campaign file: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CampaignError(
            f"{path}:{line}: not UTF-8 text: save it as UTF-8 (in most editors: Save As, "
            "Encoding: UTF-8)."
        ) from None


def _describe(path: Path, text: str, loc: tuple[int | str, ...], msg: str) -> str:
    field = _field_name(loc)
    line = _find_line(text, loc)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {field or '(top level)'}: {msg}"


def _field_name(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else part
    return name


def _find_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best effort: the line of the deepest key we can find, walking [[array]] tables in order.

    A key is looked for only inside the table found so far (up to the next table header), so a
    field missing from one table is never reported at the same key of another.
    """
    lines = text.splitlines()
    start, table = 0, ""
    best: int | None = None
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(part, str) and isinstance(nxt, int):
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table + part)}\s*\]\]")
            hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
            if nxt < len(hits):
                start = hits[nxt]
                best = start + 1
                table = f"{table}{part}."
                i += 2
                continue
        if isinstance(part, str):
            header = re.compile(rf"^\s*\[\s*{re.escape(table + part)}\s*\]")
            hit = next((n for n in range(start, len(lines)) if header.match(lines[n])), None)
            if hit is None:
                first = start + 1 if best is not None else start
                end = next((n for n in range(first, len(lines)) if _HEADER.match(lines[n])), None)
                key = re.compile(rf"^\s*{re.escape(part)}\s*=")
                stop = len(lines) if end is None else end
                hit = next((n for n in range(start, stop) if key.match(lines[n])), None)
                if hit is None:
                    break
            else:
                table = f"{table}{part}."
            start, best = hit, hit + 1
        i += 1
    return best
