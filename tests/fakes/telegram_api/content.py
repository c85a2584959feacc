"""Checks on what the bot sends, as Telegram makes them: text and captions in HTML parse mode
against the length limits, inline keyboards and their callback_data, and uploaded images."""

from __future__ import annotations

import re
import struct
import urllib.parse
import zlib
from typing import Any

from .html import EntityParseError, parse_html, trim, utf16_len
from .records import MAX_CALLBACK_DATA_BYTES, bad_request

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


_URL_SCHEMES = ("http", "https", "tg")
_HOST_RE = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3}")


def formatted(
    text: Any,
    params: dict[str, Any],
    *,
    limit: int,
    empty_error: str | None,
    too_long_error: str,
    strict_ampersand: bool,
) -> tuple[str | None, list[dict[str, Any]]]:
    """Apply parse_mode, trim, and enforce Telegram's empty/length rules: (text, entities).

    Only HTML and plain text are modelled, the modes the bot uses; a Markdown mode or explicit
    entities draw a 400 that says so, so a bot that starts sending them fails loudly here.
    """
    raw = "" if text is None else str(text)
    mode = str(params.get("parse_mode") or "").lower()
    if params.get("entities") or params.get("caption_entities") or mode not in ("", "html"):
        raise bad_request("FakeTelegram models parse_mode HTML and plain text only")
    try:
        plain, entities = parse_html(raw, strict_ampersand=strict_ampersand) if mode else (raw, [])
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    plain, entities = trim(plain, entities)
    if not plain:
        if empty_error is not None:
            raise bad_request(empty_error)
        return None, []
    if utf16_len(plain) > limit:
        raise bad_request(too_long_error)
    return plain, entities


def _clean(value: Any) -> Any:
    """Drop None values recursively so equal markups compare equal however they were built."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _rows(markup: dict[str, Any], key: str, kind: str) -> list[list[Any]]:
    rows = markup[key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" of the {kind} should be an Array of Arrays')
    return rows


def validated_markup(markup: Any, *, private: bool = True) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; returns it cleaned, or None when absent. Telegram
    takes web_app buttons in private chats only (`private` False: a group's)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    markup = _clean(markup)
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard", "InlineKeyboardMarkup"):
            for button in row:
                _validate_inline_button(button)
                if "web_app" in button and not private:
                    raise bad_request("BUTTON_TYPE_INVALID")
        return markup
    if "keyboard" in markup:
        for row in _rows(markup, "keyboard", "ReplyKeyboardMarkup"):
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request(prefix + 'Field "callback_data" must be of type String')
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        _validate_button_url(button["url"])
    if "web_app" in button:
        _validate_web_app(button["web_app"])
    actions = [key for key in _INLINE_BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:  # Telegram would keep one and drop the rest: a bug either way
        raise bad_request(
            prefix + f"FakeTelegram refuses a button with several actions: {', '.join(actions)}"
        )


def _validate_web_app(web_app: Any) -> None:
    """A web_app button's page: Telegram opens https pages only. Plain http is taken for this
    machine (127.0.0.1, localhost), as the bot's own WEB_URL check takes it, for the tests."""
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str) or not url:
        raise bad_request('can\'t parse inline keyboard button: Field "url" must be of type String')
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise bad_request("BUTTON_URL_INVALID")
    if not local and not _HOST_RE.fullmatch(parts.hostname or ""):
        raise bad_request("BUTTON_URL_INVALID")


def _validate_button_url(url: Any) -> None:
    """A url button's link, as Telegram checks it: http(s) with a real host, or tg://."""
    if not isinstance(url, str) or not url.strip():
        raise bad_request("BUTTON_URL_INVALID")
    parts = urllib.parse.urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    invalid = f"inline keyboard button URL '{url}' is invalid: "
    if parts.scheme.lower() not in _URL_SCHEMES:
        raise bad_request(invalid + "Unsupported URL protocol")
    if parts.scheme.lower() != "tg" and not _HOST_RE.fullmatch(parts.hostname or ""):
        raise bad_request(invalid + "Wrong HTTP URL")


def png_bytes(width: int, height: int) -> bytes:
    """A valid grey PNG: default photo content for simulated users, handy in sendPhoto tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG; None if it is not an image Telegram reads."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            i += 1
            continue
        marker = content[i + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD):
            height, width = struct.unpack(">HH", content[i + 5 : i + 9])
            return width, height
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (segment,) = struct.unpack(">H", content[i + 2 : i + 4])
        i += 2 + segment
    return 512, 512


def checked_photo(content: bytes) -> tuple[int, int]:
    """The size of an uploaded photo, or Telegram's 400 for one it cannot use."""
    size = image_size(content)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    if sum(size) > 10000 or max(size) > 20 * max(1, min(size)):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return size
