"""initData as Telegram documents it: signed with a key only the bot's token gives, refused
when tampered with, unsigned, signed by another bot, or over an hour old."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.web.init_data import InitDataError, WebAppUser, sign, signature, validate

TOKEN = "123456:TEST-token-for-the-fake-api-0123456789"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
USER = json.dumps({"id": 1001, "first_name": "Ani", "language_code": "hy"})


def fields(at: datetime = NOW, **more: str) -> dict[str, str]:
    return {"query_id": "AAH1", "user": USER, "auth_date": str(int(at.timestamp())), **more}


def test_a_genuine_fresh_init_data_names_its_user() -> None:
    assert validate(sign(fields(), TOKEN), TOKEN, NOW) == WebAppUser(1001, "Ani", "hy")
    fifty_nine = NOW - timedelta(minutes=59)
    assert validate(sign(fields(fifty_nine), TOKEN), TOKEN, NOW).id == 1001


def test_the_hash_is_telegrams_documented_one() -> None:
    """Telegram's recipe, written out: key = HMAC_SHA256("WebAppData", token); hash =
    hex(HMAC_SHA256(key, sorted "k=v" lines joined by newlines))."""
    import hashlib
    import hmac

    given = fields(signature="ed25519-part-is-hashed-too")
    key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={given[k]}" for k in sorted(given))
    assert signature(given, TOKEN) == hmac.new(key, check.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("init_data", "why"),
    [
        ("", "no initData"),
        (urlencode(fields()), "no hash"),
        (sign(fields(), "654321:ANOTHER-bots-token-000000000000000"), "not signed"),
        (sign(fields(NOW - timedelta(hours=1, seconds=1)), TOKEN), "over an hour old"),
        (sign({"user": USER}, TOKEN), "no auth_date"),
        (sign(fields(user="not json"), TOKEN), "names no user"),
        ("x=" + "a" * 5000, "no initData"),
    ],
)
def test_refused(init_data: str, why: str) -> None:
    with pytest.raises(InitDataError, match=why):
        validate(init_data, TOKEN, NOW)


def test_any_change_to_a_signed_field_is_refused() -> None:
    signed = dict(parse_qsl(sign(fields(), TOKEN)))
    for name in ("user", "auth_date", "query_id"):
        tampered = dict(signed)
        tampered[name] = tampered[name].replace("1001", "1002").replace("AAH1", "AAH2")
        if name == "auth_date":
            tampered[name] = str(int(tampered[name]) + 1)
        with pytest.raises(InitDataError, match="not signed"):
            validate(urlencode(tampered), TOKEN, NOW)
    doubled = sign(fields(), TOKEN) + "&user=" + USER.replace("1001", "1002")
    with pytest.raises(InitDataError, match="twice"):
        validate(doubled, TOKEN, NOW)
