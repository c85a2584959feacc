"""Telegram's `initData`: who opened a Mini App, signed by Telegram with a key only the bot's
token gives. As Telegram documents it: the secret key is HMAC-SHA256 of the token keyed with
"WebAppData"; the hash is HMAC-SHA256, with that key, of every other field as `key=value`
lines in key order. A missing or wrong hash, or an `auth_date` over an hour old, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_AGE = timedelta(hours=1)
MAX_LENGTH = 4096  # far more than Telegram sends; a bigger header is no initData


class InitDataError(ValueError):
    """Why an `initData` is refused (said to the page, never with the data itself)."""


@dataclass(frozen=True)
class WebAppUser:
    """The Telegram user a valid `initData` names."""

    id: int
    first_name: str
    language_code: str | None = None


def _secret_key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def signature(fields: Mapping[str, str], token: str) -> str:
    """The hash Telegram puts in `initData` for these fields (all but `hash` itself)."""
    check = _check_string(fields).encode()
    return hmac.new(_secret_key(token), check, hashlib.sha256).hexdigest()


def sign(fields: Mapping[str, str], token: str) -> str:
    """`initData` as Telegram would send it for these fields: for tests and local trials."""
    return urlencode({**fields, "hash": signature(fields, token)})


def validate(init_data: str, token: str, now: datetime | None = None) -> WebAppUser:
    """The user of a genuine, fresh `initData`; InitDataError otherwise."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataError("no initData")
    pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=False)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a field is given twice")
    given = fields.get("hash", "")
    if not given:
        raise InitDataError("initData has no hash")
    if not hmac.compare_digest(signature(fields, token), given):
        raise InitDataError("initData is not signed by this bot's token")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise InitDataError("initData has no auth_date") from None
    if (now or datetime.now(UTC)) - signed_at > MAX_AGE:
        raise InitDataError("initData is over an hour old: open the page again from Telegram")
    return _user(fields.get("user", ""))


def _user(raw: str) -> WebAppUser:
    try:
        user = json.loads(raw)
        return WebAppUser(
            int(user["id"]), str(user.get("first_name", "")), user.get("language_code")
        )
    except (ValueError, TypeError, KeyError):
        raise InitDataError("initData names no user") from None
