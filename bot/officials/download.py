"""Fetch an officials file over http(s) into a local path, refusing oversized or truncated
downloads, and read the server's Last-Modified date as the file's date."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from bot.officials.importers import DOWNLOAD_TIMEOUT_S, OfficialsDataError, ascii_digits

MAX_DOWNLOAD_BYTES = 50_000_000  # the real files are ~1.5 MB and ~0.6 MB
USER_AGENT = "campaign-letter-bot (officials update)"


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
