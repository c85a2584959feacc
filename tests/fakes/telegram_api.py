"""A fake Telegram Bot API server for end-to-end tests.

The bot under test talks to it over real HTTP through python-telegram-bot's ``base_url``, so
the whole stack (PTB's request layer, de_json, error mapping, the Application's polling loop)
runs exactly as in production. The fake reproduces the Telegram behaviours that break bots in
practice: HTML/Markdown entity parsing with Telegram's error wording, length limits counted
after parsing in UTF-16 code units, callback_data limits, "message is not modified", blocked
users, flood control (429 + retry_after), unknown chats, stale callback queries and so on.

Standard library only: a ``ThreadingHTTPServer`` runs in a background thread; all state is
guarded by one lock so tests can inject updates and inspect calls from any thread or event loop.

Typical use::

    with FakeTelegram() as fake:
        app = Application.builder().token("123:abc").base_url(fake.base_url).build()
        alice = fake.make_user(1001, "Alice")
        mark = fake.version
        fake.send_text(alice, "/start")
        reply = await fake.wait_for_reply(alice.id, since=mark)
        assert "Welcome" in reply.text
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import gc
import http.client
import json
import math
import mimetypes
import re
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

__all__ = [
    "ApiCall",
    "ApiError",
    "BotMessage",
    "CallbackQueryRecord",
    "EntityParseError",
    "FakeTelegram",
    "FakeUser",
    "SentFile",
    "UploadedFile",
    "WebhookDelivery",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "png_bytes",
    "utf16_len",
]

# Telegram's documented limits, counted after entity parsing in UTF-16 code units.
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
CHAT_NOT_FOUND = "Bad Request: chat not found"

# Update types Telegram delivers when allowed_updates was never set (or set to []).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Form-encoded values are strings; these parameters carry JSON (PTB json.dumps them).
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
        "message_ids",
        "results",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "user_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
    }
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "drop_pending_updates",
        "show_alert",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
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
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# Real Bot API methods the fake does not model: a clear 400 beats a 404 that PTB would report
# as InvalidToken.
_KNOWN_UNIMPLEMENTED = {
    name.lower(): name
    for name in (
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendInvoice",
        "copyMessages",
        "forwardMessages",
        "editMessageMedia",
        "editMessageLiveLocation",
        "stopPoll",
        "pinChatMessage",
        "unpinChatMessage",
        "unpinAllChatMessages",
        "getChatMember",
        "getChatMemberCount",
        "getChatAdministrators",
        "getUserProfilePhotos",
        "setMessageReaction",
        "answerInlineQuery",
        "banChatMember",
        "leaveChat",
        "setChatTitle",
        "setChatDescription",
    )
}
# A bot command the way Telegram recognises one in user text (it adds a bot_command entity).
_BOT_COMMAND_RE = re.compile(r"(?<![A-Za-z0-9_/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Telegram-shaped API failure; the HTTP status equals ``error_code`` as Telegram does."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def _bad(description: str) -> ApiError:
    """400 with Telegram's "Bad Request: " prefix, so PTB raises BadRequest."""
    return ApiError(400, f"Bad Request: {description}")


class EntityParseError(ValueError):
    """Markup rejected by the entity parser; the message is Telegram's own wording."""


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram's unit for entity offsets and length limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_units_of_byte(c: int) -> int:
    """UTF-16 units contributed by a UTF-8 byte (0 for continuation bytes), as TDLib counts."""
    if c & 0xC0 == 0x80:
        return 0
    return 2 if c >= 0xF0 else 1


def _is_space(c: int) -> bool:
    # TDLib's is_space treats NUL (its end-of-string sentinel) as space.
    return c in (0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x0C, 0x00)


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_hex(c: int) -> bool:
    return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


class _Bytes:
    """UTF-8 text that reads as NUL past its end, like the C strings TDLib's parsers walk."""

    __slots__ = ("data", "n")

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        self.n = len(self.data)

    def __getitem__(self, i: int) -> int:
        return self.data[i] if 0 <= i < self.n else 0


def _entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


_ENTITY_ORDER = {
    name: i
    for i, name in enumerate(
        [
            "blockquote",
            "expandable_blockquote",
            "pre",
            "code",
            "text_link",
            "text_mention",
            "custom_emoji",
            "bold",
            "italic",
            "underline",
            "strikethrough",
            "spoiler",
        ]
    )
}


def _sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _ENTITY_ORDER.get(e["type"], 99)),
    )


def _normalize_url(url: str) -> str | None:
    """Roughly TDLib's check_url: None drops the link; adds the scheme and root path."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    lowered = url.lower()
    if lowered.startswith(("tg:", "ton:", "mailto:")):
        return url
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if not parts.netloc:
        return None
    if parts.scheme.lower() in ("http", "https") and not parts.path:
        url = urllib.parse.urlunsplit(parts._replace(path="/"))
    return url


def _link_user_id(url: str) -> int | None:
    """The user id of a tg://user?id=N link (a text_mention), else None."""
    lowered = url.lower()
    m = re.fullmatch(r"tg:(?://)?user/?\?(.*)", lowered)
    if not m:
        return None
    for part in m.group(1).split("#")[0].split("&"):
        key, _, value = part.partition("=")
        if key == "id":
            return int(value) if value.isdigit() else None
    return None


# --------------------------------------------------------------------------------------------
# HTML parse mode (a port of TDLib's parse_html, with its error messages and byte offsets)
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        b"a",
        b"b",
        b"strong",
        b"i",
        b"em",
        b"s",
        b"strike",
        b"del",
        b"u",
        b"ins",
        b"tg-spoiler",
        b"tg-emoji",
        b"span",
        b"pre",
        b"code",
        b"blockquote",
    }
)
_NAMED_HTML_ENTITIES = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}


def _decode_html_entity(t: _Bytes, pos: int) -> tuple[int, int]:
    """Decode the reference at ``pos`` ('&'): (code point, position after it) or (0, pos)."""
    end = pos + 1
    code = 0
    if t[pos + 1] == 0x23:  # '#'
        end += 1
        if t[pos + 2] == 0x78:  # 'x'
            end += 1
            while _is_hex(t[end]):
                code = code * 16 + int(chr(t[end]), 16)
                end += 1
        else:
            while _is_digit(t[end]):
                code = code * 10 + t[end] - 0x30
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(t[end]):
            end += 1
        code = _NAMED_HTML_ENTITIES.get(t.data[pos + 1 : end], 0)
        if not code:
            return 0, pos
    if t[end] == 0x3B:  # ';'
        end += 1
    return code, end


def _bare_ampersand(offset: int) -> EntityParseError:
    return EntityParseError(
        f'Unescaped "&" at byte offset {offset} (FakeTelegram strict mode: escape it as &amp;; '
        "real Telegram would keep it as text)"
    )


@dataclass
class _OpenTag:
    tag: bytes
    argument: str
    utf16_offset: int
    result_pos: int


def parse_html(text: str, *, strict_ampersand: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities) or raise EntityParseError.

    Mirrors TDLib: supported tags only, attributes as TDLib reads them, byte offsets in error
    messages, entity offsets in UTF-16 units. Real Telegram keeps an "&" that starts no known
    reference as a literal; ``strict_ampersand=True`` rejects it instead, to force escaping.
    """
    t = _Bytes(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    i = 0
    while i < t.n:
        c = t[i]
        if c == 0x26:  # '&'
            code, end = _decode_html_entity(t, i)
            if code:
                utf16 += 2 if code > 0xFFFF else 1
                out += chr(code).encode("utf-8", "surrogatepass")
                i = end
                continue
            if strict_ampersand:
                raise _bare_ampersand(i)
        if c != 0x3C:  # not '<'
            utf16 += _utf16_units_of_byte(c)
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if t[i] != 0x2F:  # start tag
            i, opened = _html_start_tag(t, begin, i, strict_ampersand)
            stack.append(_OpenTag(opened[0], opened[1], utf16, len(out)))
            i += 1  # skip '>'
            continue

        # end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while not _is_space(t[i]) and t[i] != 0x3E:
            i += 1
        end_tag = t.data[begin + 2 : i].lower()
        while _is_space(t[i]) and t[i] != 0:
            i += 1
        if t[i] != 0x3E:
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        open_tag = stack[-1]
        if end_tag and end_tag != open_tag.tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {begin}, expected "
                f'"</{open_tag.tag.decode()}>", found "</{end_tag.decode("utf-8", "replace")}>"'
            )
        if utf16 > open_tag.utf16_offset:
            _close_html_entity(entities, open_tag, utf16 - open_tag.utf16_offset, out)
        stack.pop()
        i += 1
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].tag.decode()}"'
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    try:
        result = out.decode("utf-8")
    except UnicodeDecodeError:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    return result, _sort_entities(entities)


def _html_start_tag(
    t: _Bytes, begin: int, i: int, strict_ampersand: bool
) -> tuple[int, tuple[bytes, str]]:
    """Read a start tag from its name on; returns (index of its '>', (tag, argument))."""
    while not _is_space(t[i]) and t[i] != 0x3E:
        i += 1
    if t[i] == 0:
        raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
    tag = t.data[begin + 1 : i].lower()
    tag_s = tag.decode("utf-8", "replace")
    if tag not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag_s}" at byte offset {begin}')

    argument = ""
    while t[i] != 0x3E:
        while t[i] != 0 and _is_space(t[i]):
            i += 1
        if t[i] == 0x3E:
            break
        attr_begin = i
        while not _is_space(t[i]) and t[i] not in (0x3D, 0x3E, 0x2F, 0x22, 0x27):
            i += 1
        name = t.data[attr_begin:i]
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag_s}" at byte offset {begin}'
            )
        while t[i] != 0 and _is_space(t[i]):
            i += 1
        if t[i] != 0x3D:  # attribute without a value
            if t[i] == 0:
                raise EntityParseError(f'Unclosed start tag "{tag_s}" at byte offset {begin}')
            if tag == b"blockquote" and name == b"expandable":
                argument = "1"
            continue
        i += 1
        while t[i] != 0 and _is_space(t[i]):
            i += 1
        if t[i] == 0:
            raise EntityParseError(f'Unclosed start tag "{tag_s}" at byte offset {begin}')
        i, value = _html_attribute_value(t, i, strict_ampersand)
        if t[i] == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if (tag, name) in ((b"a", b"href"), (b"tg-emoji", b"emoji-id")):
            argument = value
        elif tag == b"code" and name == b"class" and value.startswith("language-"):
            argument = value[9:]
        elif tag == b"span" and name == b"class" and value.startswith("tg-"):
            argument = value[3:]
        elif tag == b"blockquote" and name == b"expandable":
            argument = "1"
    if tag == b"span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return i, (tag, argument)


def _html_attribute_value(t: _Bytes, i: int, strict_ampersand: bool) -> tuple[int, str]:
    """A lowercased name token or a quoted string with references decoded."""
    if t[i] not in (0x22, 0x27):
        token_begin = i
        while _is_alpha(t[i]) or _is_digit(t[i]) or t[i] in (0x2E, 0x2D):
            i += 1
        if not _is_space(t[i]) and t[i] != 0x3E:
            raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
        return i, t.data[token_begin:i].lower().decode("utf-8", "replace")
    quote = t[i]
    i += 1
    value = bytearray()
    while t[i] != quote and t[i] != 0:
        if t[i] == 0x26:
            code, end = _decode_html_entity(t, i)
            if code:
                value += chr(code).encode("utf-8", "surrogatepass")
                i = end
                continue
            if strict_ampersand:
                raise _bare_ampersand(i)
        value.append(t[i])
        i += 1
    if t[i] == quote:
        i += 1
    return i, value.decode("utf-8", "replace")


def _close_html_entity(
    entities: list[dict[str, Any]], open_tag: _OpenTag, length: int, out: bytearray
) -> None:
    offset = open_tag.utf16_offset
    tag = open_tag.tag
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    simple = {
        b"b": "bold",
        b"strong": "bold",
        b"i": "italic",
        b"em": "italic",
        b"u": "underline",
        b"ins": "underline",
        b"s": "strikethrough",
        b"strike": "strikethrough",
        b"del": "strikethrough",
        b"tg-spoiler": "spoiler",
        b"span": "spoiler",
    }
    if tag in simple:
        entities.append(_entity(simple[tag], offset, length))
    elif tag == b"tg-emoji":
        arg = open_tag.argument
        if not arg.isdigit() or not 0 < int(arg) < 2**63:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append(_entity("custom_emoji", offset, length, custom_emoji_id=arg))
    elif tag == b"a":
        url = open_tag.argument or out[open_tag.result_pos :].decode("utf-8", "replace")
        user_id = _link_user_id(url)
        if user_id is not None:
            user = {"id": user_id, "is_bot": False, "first_name": ""}
            entities.append(_entity("text_mention", offset, length, user=user))
        elif (normalized := _normalize_url(url)) is not None:
            entities.append(_entity("text_link", offset, length, url=normalized))
    elif tag == b"pre":
        if last is not None and last["type"] == "code" and same_span and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append(_entity("pre", offset, length))
    elif tag == b"code":
        if last is not None and last["type"] == "pre" and same_span and open_tag.argument:
            last["language"] = open_tag.argument
        else:
            entities.append(_entity("code", offset, length, language=open_tag.argument or None))
    elif tag == b"blockquote":
        kind = "expandable_blockquote" if open_tag.argument else "blockquote"
        entities.append(_entity(kind, offset, length))


# --------------------------------------------------------------------------------------------
# MarkdownV2 and legacy Markdown (ports of TDLib's parsers, same error wording)
# --------------------------------------------------------------------------------------------

_MDV2_RESERVED = frozenset(b"_*[]()~`>#+-=|{}.!")
_MDV2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _OpenMd:
    kind: str
    argument: str
    utf16_offset: int
    byte_offset: int
    result_pos: int


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 into (plain text, entities) or raise EntityParseError.

    Follows TDLib's do_parse_markdown_v2 (reserved characters must be escaped, nesting,
    pre with language, links, spoilers, custom emoji). Block quotes are recognised for lines
    that start with '>', in a simplified way (no "**>" expandable form).
    """
    t = _Bytes(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenMd] = []
    utf16 = 0
    quote_start: int | None = None
    i = 0
    while i < t.n:
        c = t[i]
        if c == 0x5C and 0 < t[i + 1] <= 126:  # backslash escape
            out.append(t[i + 1])
            utf16 += 1
            i += 2
            continue
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        at_line_start = i == 0 or t[i - 1] == 0x0A
        if c == 0x3E and not in_code and at_line_start:  # '>' opens/continues a block quote
            if quote_start is None:
                quote_start = utf16
            i += 1
            continue
        if c == 0x0A and quote_start is not None and t[i + 1] != 0x3E and not in_code:
            if utf16 > quote_start:
                entities.append(_entity("blockquote", quote_start, utf16 - quote_start))
            quote_start = None
        reserved = frozenset(b"`") if in_code else _MDV2_RESERVED
        if c not in reserved:
            utf16 += _utf16_units_of_byte(c)
            out.append(c)
            i += 1
            continue

        if stack and _mdv2_is_end(stack[-1].kind, t, i):
            i = _mdv2_close(t, i, stack.pop(), utf16, out, entities)
            continue

        byte_offset = i
        argument = ""
        if c == 0x5F:  # '_'
            if t[i + 1] == 0x5F:
                kind, i = "underline", i + 2
            else:
                kind, i = "italic", i + 1
        elif c == 0x2A:
            kind, i = "bold", i + 1
        elif c == 0x7E:
            kind, i = "strikethrough", i + 1
        elif c == 0x7C and t[i + 1] == 0x7C:
            kind, i = "spoiler", i + 2
        elif c == 0x5B:
            kind, i = "text_link", i + 1
        elif c == 0x21 and t[i + 1] == 0x5B:
            kind, i = "custom_emoji", i + 2
        elif c == 0x60:
            if t[i + 1] == 0x60 and t[i + 2] == 0x60:
                kind, i, argument = "pre", *_md_pre_start(t, i + 3)
            else:
                kind, i = "code", i + 1
        else:
            raise EntityParseError(
                f"Character '{chr(c)}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(_OpenMd(kind, argument, utf16, byte_offset, len(out)))
    if stack:
        top = stack[-1]
        name = _MDV2_TYPE_NAMES[top.kind]
        if top.kind == "pre" and top.argument:
            name = "PreCode"
        raise EntityParseError(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
    if quote_start is not None and utf16 > quote_start:
        entities.append(_entity("blockquote", quote_start, utf16 - quote_start))
    return out.decode("utf-8", "replace"), _sort_entities(entities)


def _md_pre_start(t: _Bytes, i: int) -> tuple[int, str]:
    """After an opening ```: read an optional language and skip one leading newline."""
    language = ""
    lang_end = i
    while not _is_space(t[lang_end]) and t[lang_end] != 0x60:
        lang_end += 1
    if i != lang_end and lang_end < t.n and t[lang_end] != 0x60:
        language = t.data[i:lang_end].decode("utf-8", "replace")
        i = lang_end
    if t[i] in (0x0A, 0x0D):
        if t[i + 1] in (0x0A, 0x0D) and t[i] != t[i + 1]:
            i += 2
        else:
            i += 1
    return i, language


def _mdv2_is_end(kind: str, t: _Bytes, i: int) -> bool:
    c = t[i]
    if kind == "bold":
        return c == 0x2A
    if kind == "italic":
        return c == 0x5F and t[i + 1] != 0x5F
    if kind == "underline":
        return c == 0x5F and t[i + 1] == 0x5F
    if kind == "strikethrough":
        return c == 0x7E
    if kind == "spoiler":
        return c == 0x7C and t[i + 1] == 0x7C
    if kind == "code":
        return c == 0x60
    if kind == "pre":
        return c == 0x60 and t[i + 1] == 0x60 and t[i + 2] == 0x60
    return c == 0x5D  # text_link / custom_emoji end at ']'


def _mdv2_close(
    t: _Bytes,
    i: int,
    top: _OpenMd,
    utf16: int,
    out: bytearray,
    entities: list[dict[str, Any]],
) -> int:
    """Close the innermost entity at ``i``; returns the index after its closing token."""
    skip = utf16 == top.utf16_offset
    extra: dict[str, Any] = {}
    kind = top.kind
    if kind in ("underline", "spoiler"):
        i += 2
    elif kind == "pre":
        i += 3
        if top.argument:
            extra["language"] = top.argument
    elif kind in ("text_link", "custom_emoji"):
        if t[i + 1] != 0x28:  # no "(url)": the text is the url
            url = out[top.result_pos :].decode("utf-8", "replace")
            i += 1
        else:
            i += 2
            url_begin = i
            buf = bytearray()
            while i < t.n and t[i] != 0x29:
                if t[i] == 0x5C and 0 < t[i + 1] <= 126:
                    buf.append(t[i + 1])
                    i += 2
                    continue
                buf.append(t[i])
                i += 1
            if t[i] != 0x29:
                raise EntityParseError(f"Can't find end of a URL at byte offset {url_begin}")
            i += 1
            url = buf.decode("utf-8", "replace")
        if kind == "custom_emoji":
            m = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
            if not m:
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            extra["custom_emoji_id"] = m.group(1)
        elif (user_id := _link_user_id(url)) is not None:
            kind = "text_mention"
            extra["user"] = {"id": user_id, "is_bot": False, "first_name": ""}
        elif (normalized := _normalize_url(url)) is not None:
            extra["url"] = normalized
        else:
            skip = True
    else:
        i += 1
    if not skip:
        entities.append(_entity(kind, top.utf16_offset, utf16 - top.utf16_offset, **extra))
    return i


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown (parse_mode "Markdown") like TDLib's parse_markdown."""
    t = _Bytes(text)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16 = 0
    i = 0
    while i < t.n:
        c = t[i]
        if c == 0x5C and t[i + 1] in (0x5F, 0x2A, 0x60, 0x5B):
            out.append(t[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in (0x5F, 0x2A, 0x60, 0x5B):
            utf16 += _utf16_units_of_byte(c)
            out.append(c)
            i += 1
            continue
        begin = i
        end_char = 0x5D if c == 0x5B else c
        is_pre = False
        language = ""
        i += 1
        if c == 0x60 and t[i] == 0x60 and t[i + 1] == 0x60:
            is_pre = True
            i, language = _md_pre_start(t, i + 2)
        entity_offset = utf16
        while i < t.n and (
            t[i] != end_char or (is_pre and not (t[i + 1] == 0x60 and t[i + 2] == 0x60))
        ):
            utf16 += _utf16_units_of_byte(t[i])
            out.append(t[i])
            i += 1
        if i >= t.n:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
        length = utf16 - entity_offset
        if c == 0x5B:
            if t[i + 1] != 0x28:
                url = t.data[begin + 1 : i].decode("utf-8", "replace")
            else:
                i += 2
                url_bytes = bytearray()
                while i < t.n and t[i] != 0x29:
                    url_bytes.append(t[i])
                    i += 1
                url = url_bytes.decode("utf-8", "replace")
            if length:
                if (user_id := _link_user_id(url)) is not None:
                    user = {"id": user_id, "is_bot": False, "first_name": ""}
                    entities.append(_entity("text_mention", entity_offset, length, user=user))
                elif (normalized := _normalize_url(url)) is not None:
                    entities.append(_entity("text_link", entity_offset, length, url=normalized))
        elif length:
            if c == 0x5F:
                entities.append(_entity("italic", entity_offset, length))
            elif c == 0x2A:
                entities.append(_entity("bold", entity_offset, length))
            elif is_pre:
                entities.append(_entity("pre", entity_offset, length, language=language or None))
            else:
                entities.append(_entity("code", entity_offset, length))
        if is_pre:
            i += 2
        i += 1
    return out.decode("utf-8", "replace"), _sort_entities(entities)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip outer whitespace and clip entities to what is left, as Telegram stores text."""
    stripped = text.strip(" \t\r\n\f\v")
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(" \t\r\n\f\v"))])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(size, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _canonical_entities(entities: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Entities as comparable tuples, so <b> and <strong> count as the same content."""
    return sorted(
        (
            e.get("type"),
            e.get("offset"),
            e.get("length"),
            e.get("url"),
            e.get("language"),
            e.get("custom_emoji_id"),
            (e.get("user") or {}).get("id"),
        )
        for e in entities
    )


# --------------------------------------------------------------------------------------------
# Reply markup
# --------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """Drop None values recursively so equal markups compare equal however they were built."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; returns it cleaned, or None when absent."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    markup = _clean(markup)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _validate_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str):
                    raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise _bad("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise _bad(
                'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
            )
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    if "url" in button and (not isinstance(button["url"], str) or not button["url"].strip()):
        raise _bad("BUTTON_URL_INVALID")
    if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def _inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of reply_markup a Message carries: inline keyboards only, empty ones dropped."""
    if not markup or "inline_keyboard" not in markup:
        return None
    if not any(markup["inline_keyboard"]):
        return None
    return markup


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeUser:
    """A simulated Telegram user; their private chat with the bot has ``id == user.id``."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def to_api(self) -> dict[str, Any]:
        """The User object as Telegram sends it."""
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def chat_api(self) -> dict[str, Any]:
        """The private Chat object for this user."""
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            out["last_name"] = self.last_name
        if self.username is not None:
            out["username"] = self.username
        return out


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as recorded in ``ApiCall.params``."""

    filename: str | None
    content: bytes
    content_type: str | None = None


@dataclass
class SentFile:
    """A file known to the fake (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    filename: str | None
    content: bytes
    mime_type: str | None
    kind: str  # "document", "photo", ...
    file_path: str
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        """Size in bytes, as Telegram reports file_size."""
        return len(self.content)

    def document_api(self) -> dict[str, Any]:
        """The Document object for this file."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename is not None:
            out["file_name"] = self.filename
        if self.mime_type is not None:
            out["mime_type"] = self.mime_type
        return out

    def photo_api(self) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram returns for a photo (thumbnail and original)."""
        width, height = self.width or 1, self.height or 1
        scale = min(1.0, 90 / max(width, height))
        sizes = [(max(1, round(width * scale)), max(1, round(height * scale)), "s")]
        if scale < 1.0:
            sizes.append((width, height, "x"))
        return [
            {
                "file_id": f"{self.file_id}-{tag}",
                "file_unique_id": f"{self.file_unique_id}{tag}",
                "width": w,
                "height": h,
                "file_size": self.size,
            }
            for w, h, tag in sizes
        ]


@dataclass
class BotMessage:
    """A message the bot put into a chat, in its current state (edits applied)."""

    message_id: int
    chat_id: int
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: SentFile | None = None
    photo: SentFile | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    parse_mode: str | None = None
    reply_to_message_id: int | None = None
    forward_origin: dict[str, Any] | None = None
    edit_date: int | None = None
    edits: int = 0
    deleted: bool = False
    version: int = 0

    @property
    def content(self) -> str:
        """The text, or the caption of a media message ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """Rows of the inline keyboard (empty if none)."""
        markup = self.reply_markup or {}
        return markup.get("inline_keyboard") or []

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data or url) for every button; reply-keyboard buttons give None."""
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            return [
                (b["text"], b.get("callback_data", b.get("url")))
                for row in markup["inline_keyboard"]
                for b in row
            ]
        return [
            (b if isinstance(b, str) else b["text"], None)
            for row in markup.get("keyboard", [])
            for b in row
        ]

    def button_data(self, text: str) -> str:
        """callback_data of the inline button labelled ``text`` (exact match, else substring)."""
        buttons = [(t, d) for t, d in self.buttons if d is not None]
        for label, data in buttons:
            if label == text:
                return data
        matches = [data for label, data in buttons if text in label]
        if len(matches) == 1:
            return matches[0]
        raise AssertionError(f"no single button {text!r} in message {self.message_id}: {buttons}")

    def to_api(self, bot_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The Message object Telegram returns for this message."""
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot_user,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.forward_origin is not None:
            out["forward_origin"] = self.forward_origin
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.document is not None:
            out["document"] = self.document.document_api()
        if self.photo is not None:
            out["photo"] = self.photo.photo_api()
        out.update(self.extra)
        if self.caption:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        inline = _inline_only(self.reply_markup)
        if inline is not None:
            out["reply_markup"] = inline
        return copy.deepcopy(out)


@dataclass
class ApiCall:
    """One HTTP request to the fake and what it answered."""

    method: str
    params: dict[str, Any]
    status: int
    error: str | None
    chat_id: int | str | None
    result: Any = None
    token: str = ""
    http_method: str = "POST"
    at: float = 0.0  # time.time() when answered
    # time.monotonic() when the request reached the fake: what its flood control counts.
    arrived: float = 0.0
    abandoned: bool = False  # the client had hung up (e.g. a poll PTB cancelled on shutdown)

    @property
    def ok(self) -> bool:
        """True when Telegram would have answered ok=true."""
        return self.status < 400

    def describe(self) -> str:
        """One line for failure dumps."""
        text = self.params.get("text", self.params.get("caption"))
        shown = f" text={str(text)[:60]!r}" if text is not None else ""
        outcome = f"-> {self.status}" + (f" {self.error}" if self.error else "")
        return f"{self.method} chat={self.chat_id}{shown} {outcome}"


@dataclass
class CallbackQueryRecord:
    """A simulated button tap and how (whether) the bot answered it."""

    id: str
    user_id: int
    message_id: int
    data: str
    update_id: int
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass
class WebhookDelivery:
    """One POST of a queued update to the bot's webhook, and the HTTP status it got (0: none)."""

    update_id: int
    status: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _RegisteredSecret:
    """``post_to_webhook``'s default: send the secret_token the bot registered."""


REGISTERED_SECRET = _RegisteredSecret()
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_RETRY_DELAY = 0.1  # seconds before a failed delivery is tried again (Telegram: longer)


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


@dataclass
class _Chat:
    user: FakeUser
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class _Fault:
    method: str
    error: ApiError
    chat_id: int | None
    times: int


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


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/GIF/JPEG/WEBP/BMP; None if it is not an image Telegram reads."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    if content.startswith(b"BM") and len(content) >= 26:
        width, height = struct.unpack("<ii", content[18:26])
        return abs(width), abs(height)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return 512, 512
    if content.startswith(b"\xff\xd8"):
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
    return None


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise _bad(f"invalid {name} specified")


def _chat_id_of(params: dict[str, Any]) -> int | str | None:
    value = params.get("chat_id")
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value if isinstance(value, int | str) else None


def _scope_key(scope: dict[str, Any]) -> tuple[Any, ...]:
    return (scope.get("type"), scope.get("chat_id"), scope.get("user_id"))


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Split multipart/form-data into text fields and file parts (exact bytes, no decoding)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise _bad("can't parse multipart/form-data: no boundary")
    delimiter = b"--" + m.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for raw_part in body.split(delimiter)[1:]:
        if raw_part.startswith(b"--"):
            break
        part = raw_part[2:] if raw_part.startswith(b"\r\n") else raw_part
        part = part[:-2] if part.endswith(b"\r\n") else part
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        if name is None:
            continue
        filename = _disposition_param(disposition, "filename")
        if filename is None and "filename*" not in disposition:
            fields[name] = content.decode("utf-8", "replace")
        else:
            if filename is None:
                star = re.search(r"filename\*=([^']*)'[^']*'([^;]+)", disposition)
                filename = urllib.parse.unquote(star.group(2)) if star else None
            files[name] = UploadedFile(filename, content, headers.get("content-type"))
    return fields, files


def _disposition_param(disposition: str, key: str) -> str | None:
    m = re.search(rf'(?:^|;)\s*{key}="((?:[^"\\]|\\.)*)"', disposition)
    if m:
        value = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
        return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    m = re.search(rf"(?:^|;)\s*{key}=([^;\s]+)", disposition)
    return m.group(1) if m else None


def _coerce_params(raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Turn form strings into the types Telegram reads them as (JSON, ints, bools, files)."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    if key == "reply_markup":
                        raise _bad("can't parse reply keyboard markup JSON object") from None
                    raise _bad(f"can't parse {key} JSON object") from None
            elif key in _INT_PARAMS and re.fullmatch(r"-?\d+", value.strip()):
                value = int(value)
            elif key in _FLOAT_PARAMS:
                try:
                    value = float(value)
                except ValueError:
                    raise _bad(f"invalid {key} specified") from None
            elif key in _BOOL_PARAMS:
                value = value.strip().lower() in ("true", "1")
            elif value.startswith("attach://"):
                name = value[len("attach://") :]
                if name not in files:
                    raise _bad("wrong file identifier/HTTP URL specified")
                value = files[name]
        params[key] = value
    for name, upload in files.items():
        params.setdefault(name, upload)
    return params


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


def _post(url: str, body: bytes, secret: str | None) -> int:
    """POST JSON to a webhook the way Telegram does; the HTTP status, or 0 if none came.

    Only to this machine: a test's webhook URL naming another host is never contacted.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if host != "localhost" and not host.startswith("127.") and host != "::1":
        return 0
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(host, parts.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[WEBHOOK_SECRET_HEADER] = secret
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:  # refused, reset or timed out: Telegram would try again later
        return 0
    finally:
        connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    fake: FakeTelegram

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished (a bot process killed mid-poll) is normal here, not news."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes /bot<token>/<method> to FakeTelegram and /file/bot<token>/<path> to file bytes."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: _Server
    timeout = 120  # idle keep-alive connections go away eventually

    def setup(self) -> None:
        super().setup()
        self.server.fake._track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track_connection(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``FakeTelegram.calls`` records requests."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, http_method: str) -> None:
        fake = self.server.fake
        fake._arrival.at = time.monotonic()  # before anything that could keep this thread waiting
        url = urllib.parse.urlsplit(self.path)
        body = self._read_body()
        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", url.path)
        if file_match and http_method == "GET":
            content = fake._file_content(urllib.parse.unquote(file_match.group(2)))
            if content is None:
                self._send_json(404, ApiError(404, "Not Found").body())
            else:
                self._send(200, content, "application/octet-stream")
            return
        api_match = re.fullmatch(r"/bot([^/]*)/([^/]+)", url.path)
        if not api_match:
            self._send_json(404, ApiError(404, "Not Found").body())
            return
        token, method = api_match.group(1), api_match.group(2)
        try:
            params = self._decode_params(url.query, body)
        except ApiError as exc:
            fake._record(method, {}, exc.error_code, exc.description, None, None, token, "POST")
            self._send_json(exc.error_code, exc.body())
            return
        status, payload = fake._dispatch(token, method, params, http_method, self._client_gone)
        if fake.after_call is not None:
            fake.after_call(token, method, params, status)
        self._send_json(status, payload)

    def _client_gone(self) -> bool:
        """True if the client closed the connection (EOF is readable) while we were waiting."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _decode_params(self, query: str, body: bytes) -> dict[str, Any]:
        raw: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";")[0].strip().lower()
        if body and kind == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError:
                raise _bad("can't parse JSON object") from None
            if not isinstance(decoded, dict):
                raise _bad("JSON object expected")
            raw.update(decoded)
        elif body and kind == "multipart/form-data":
            fields, files = _parse_multipart(body, content_type)
            raw.update(fields)
        elif body:
            form = body.decode("utf-8", "replace")
            raw.update(urllib.parse.parse_qsl(form, keep_blank_values=True))
        return _coerce_params(raw, files)

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away (e.g. a cancelled long poll)
            self.close_connection = True


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """An in-process Telegram Bot API for end-to-end tests of a PTB bot.

    Point the bot at ``base_url`` / ``base_file_url``; any token is accepted (tokens seen are in
    ``tokens``). Simulate users with ``make_user`` and the ``send_*``/``tap`` methods, then assert
    on ``chat()``, ``calls``, ``errors`` and the ``wait_for*`` helpers. Thread-safe throughout.
    """

    DEFAULT_BOT_ID: ClassVar[int] = 7000000001

    def __init__(
        self,
        *,
        rate_limit: int | None = 30,
        bot_username: str = "campaign_test_bot",
        bot_first_name: str = "Campaign Test Bot",
        strict_ampersand: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Configure the fake; nothing listens until ``start()``.

        ``rate_limit`` is the number of chat-posting calls allowed in any 1-second window across
        all chats (None disables flood control). ``strict_ampersand`` rejects an HTML "&" that
        starts no entity (real Telegram keeps it; strict mode makes unescaped text fail loudly).
        """
        self.rate_limit = rate_limit
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_ampersand = strict_ampersand
        self._host = host
        self._port = port
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = False

        self._chats: dict[int, _Chat] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._update_log: dict[int, dict[str, Any]] = {}
        self._next_update_id = 100001
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._pending_polls = 0
        self._poll_conflict = ""
        self._webhook: dict[str, Any] = {}
        self._webhook_deliveries: list[WebhookDelivery] = []
        # Several bot instances behind one URL: deliver to these in turn, as a load balancer
        # would (one that fails gets the next one at once), instead of the registered URL.
        self.load_balance: list[str] = []
        self._turn = 0
        # Called in the request's thread after a call is answered and recorded, before the
        # response leaves: (token, method, params, status). For tests that act mid-request.
        self.after_call: Callable[[str, str, dict[str, Any], int], None] | None = None
        self._webhook_thread: threading.Thread | None = None
        self._calls: list[ApiCall] = []
        self._tokens: list[str] = []
        self._sends: deque[float] = deque()  # arrival times of sends, sorted
        self._arrival = threading.local()  # when the request this thread handles arrived
        self._files: dict[str, SentFile] = {}
        self._files_by_path: dict[str, SentFile] = {}
        self._file_counter = 0
        self._document_uploads: list[SentFile] = []  # sendDocument with a file part
        self._document_resends: list[SentFile] = []  # sendDocument naming a file: no upload
        self._callbacks: dict[str, CallbackQueryRecord] = {}
        self._callback_counter = 0
        self._commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self._version = 0

        self._methods: dict[str, tuple[str, Callable[[str, dict[str, Any]], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
                "setMyDescription": self._bot_text_setter("description", 512),
                "getMyDescription": self._bot_text_getter("description"),
                "setMyShortDescription": self._bot_text_setter("short_description", 120),
                "getMyShortDescription": self._bot_text_getter("short_description"),
                "setMyName": self._bot_text_setter("name", 64),
                "getMyName": self._bot_text_getter("name"),
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "getChat": self._get_chat,
                "getFile": self._get_file,
                "close": lambda token, params: True,
                "logOut": lambda token, params: True,
            }.items()
        }
        # Methods that post into a chat, and so count against flood control.
        self._posting = {
            "sendmessage",
            "senddocument",
            "sendphoto",
            "copymessage",
            "forwardmessage",
            "editmessagetext",
            "editmessagecaption",
            "editmessagereplymarkup",
        }

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        """Start listening on an ephemeral localhost port in a daemon thread.

        What this process holds so far is kept out of the garbage collector's full passes until
        `stop()`: a pass over a big heap (a test session's, a benchmark's seed) paused the
        server for over 100 ms, and requests that queued meanwhile were stamped as arriving
        together, drawing a 429 that Telegram, stamping them as they reach it, would not send."""
        if self._server is not None:
            raise RuntimeError("FakeTelegram already started")
        gc.freeze()
        self._stopping = False
        self._server = _Server((self._host, self._port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeTelegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending long polls, close connections and stop the server thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is None:
            return
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        gc.unfreeze()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port actually bound (after ``start()``)."""
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url``: the token is appended by PTB."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's ``base_file_url`` so File.download_* hit the fake."""
        return f"http://{self._host}:{self.port}/file/bot"

    def _track_connection(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ---- configuration & fault injection ----------------------------------------------------

    def inject_error(
        self,
        method: str,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to one chat) fail.

        For testing a bot's handling of outages, e.g. ``error_code=502`` (PTB NetworkError) or
        ``error_code=429, retry_after=5`` (PTB RetryAfter); ``description`` is used verbatim.
        """
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        fault = _Fault(
            method.lower(), ApiError(error_code, description, parameters), chat_id, times
        )
        with self._lock:
            self._faults.append(fault)

    # ---- simulated users & updates -----------------------------------------------------------

    def make_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        started: bool = False,
    ) -> FakeUser:
        """Create a user (and their private chat).

        Like Telegram, the bot can only message a user who has written to it first; any
        ``send_*``/``tap`` from the user starts the chat, or pass ``started=True``.
        """
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                self._chats[user_id] = _Chat(user=user, started=started)
            else:
                chat.user = user
                chat.started = chat.started or started
        return user

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends/edits to them now fail with 403.

        With ``notify`` the bot gets the ``my_chat_member`` update Telegram sends (status
        "kicked"), so handlers that clean up blocked users can be tested.
        """
        self._set_blocked(user_id, True, notify)

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user unblocks the bot (Telegram sends my_chat_member with status "member")."""
        self._set_blocked(user_id, False, notify)

    def _set_blocked(self, user_id: int, blocked: bool, notify: bool) -> None:
        with self._cond:
            chat = self._require_user_chat(user_id)
            if chat.blocked == blocked:
                return
            chat.blocked = blocked
            if notify:
                bot = self._bot_user(self._tokens[-1] if self._tokens else "")
                member = {"status": "member", "user": bot}
                kicked = {"status": "kicked", "user": bot, "until_date": 0}
                old, new = (member, kicked) if blocked else (kicked, member)
                self._push_update(
                    "my_chat_member",
                    {
                        "chat": chat.user.chat_api(),
                        "from": chat.user.to_api(),
                        "date": int(time.time()),
                        "old_chat_member": old,
                        "new_chat_member": new,
                    },
                )

    def send_text(
        self, user: FakeUser, text: str, *, reply_to: BotMessage | int | None = None
    ) -> int:
        """The user sends ``text``; commands get a bot_command entity. Returns the update_id."""
        entities = [
            _entity("bot_command", utf16_len(text[: m.start()]), utf16_len(m.group()))
            for m in _BOT_COMMAND_RE.finditer(text)
        ]
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._user_message(user, content, reply_to=reply_to)

    def send_sticker(self, user: FakeUser, emoji: str = "👍") -> int:
        """The user sends a sticker (a message without text). Returns the update_id."""
        with self._lock:
            self._file_counter += 1
            n = self._file_counter
        sticker = {
            "file_id": f"CAACAgIAAxkBAAF{n:06d}",
            "file_unique_id": f"AgADst{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 1024,
        }
        return self._user_message(user, {"sticker": sticker})

    def send_photo(
        self,
        user: FakeUser,
        caption: str | None = None,
        content: bytes | None = None,
    ) -> int:
        """The user sends a photo (optionally captioned); the bot can getFile/download it."""
        data = content if content is not None else png_bytes(64, 48)
        size = _image_size(data) or (64, 48)
        with self._lock:
            stored = self._store_file(data, "photo.png", "image/png", "photo", size)
        message: dict[str, Any] = {"photo": stored.photo_api()}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user, message)

    def send_document(
        self,
        user: FakeUser,
        filename: str = "file.txt",
        content: bytes = b"hello\n",
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """The user sends a file; the bot can getFile/download it. Returns the update_id."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        with self._lock:
            stored = self._store_file(content, filename, mime, "document", None)
        message: dict[str, Any] = {"document": stored.document_api()}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user, message)

    def send_empty(self, user: FakeUser, kind: str = "contact") -> int:
        """The user sends a message with no text: ``kind`` is "contact" or "location"."""
        if kind == "contact":
            content: dict[str, Any] = {
                "contact": {
                    "phone_number": "+15550100",
                    "first_name": user.first_name,
                    "user_id": user.id,
                }
            }
        elif kind == "location":
            content = {"location": {"latitude": 38.8977, "longitude": -77.0365}}
        else:
            raise ValueError(f"unknown empty message kind {kind!r}")
        return self._user_message(user, content)

    def tap(
        self,
        user: FakeUser,
        message: BotMessage | int,
        data: str,
        *,
        check: bool = True,
    ) -> str:
        """The user taps an inline button with ``data`` on a bot message; returns the query id.

        The update carries the message in its current state. With ``check`` (default) the
        button must exist on that message right now, because a real user cannot tap anything
        else; pass ``check=False`` to simulate a stale client.
        """
        message_id = message if isinstance(message, int) else message.message_id
        with self._cond:
            chat = self._require_user_chat(user.id)
            self._ensure_can_write(chat)
            current = chat.bot_messages.get(message_id)
            if current is None or current.deleted:
                raise AssertionError(f"no bot message {message_id} in chat {user.id}")
            if check:
                datas = [b.get("callback_data") for row in current.inline_keyboard for b in row]
                if data not in datas:
                    raise AssertionError(
                        f"message {message_id} has no button with callback_data {data!r}; "
                        f"buttons: {current.buttons}"
                    )
            chat.started = True
            self._callback_counter += 1
            query_id = f"{user.id}{self._callback_counter:08d}"
            payload = {
                "id": query_id,
                "from": user.to_api(),
                "message": current.to_api(self._bot_user(self._last_token()), user.chat_api()),
                "chat_instance": f"-{abs(user.id) * 7919 % 10**12}",
                "data": data,
            }
            update_id = self._push_update("callback_query", payload)
            self._callbacks[query_id] = CallbackQueryRecord(
                query_id, user.id, message_id, data, update_id
            )
            return query_id

    def tap_button(self, user: FakeUser, message: BotMessage | int, text: str) -> str:
        """Tap the inline button labelled ``text`` (see ``BotMessage.button_data``)."""
        message_id = message if isinstance(message, int) else message.message_id
        current = self.message(user.id, message_id)
        if current is None:
            raise AssertionError(f"no bot message {message_id} in chat {user.id}")
        return self.tap(user, message_id, current.button_data(text))

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (one key besides update_id, which is assigned); returns its id."""
        kinds = [k for k in update if k != "update_id"]
        if len(kinds) != 1:
            raise ValueError("an update has exactly one payload field")
        with self._cond:
            return self._push_update(kinds[0], copy.deepcopy(update[kinds[0]]))

    def _user_message(
        self,
        user: FakeUser,
        content: dict[str, Any],
        *,
        reply_to: BotMessage | int | None = None,
    ) -> int:
        with self._cond:
            chat = self._require_user_chat(user.id)
            self._ensure_can_write(chat)
            chat.started = True
            message: dict[str, Any] = {
                "message_id": chat.new_message_id(),
                "from": user.to_api(),
                "chat": user.chat_api(),
                "date": int(time.time()),
                **copy.deepcopy(content),
            }
            if reply_to is not None:
                reply_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
                replied = self._find_message_api(chat, reply_id)
                if replied is None:
                    raise AssertionError(f"no message {reply_id} to reply to in chat {user.id}")
                message["reply_to_message"] = replied
            chat.user_messages[message["message_id"]] = message
            return self._push_update("message", message)

    def _ensure_can_write(self, chat: _Chat) -> None:
        if chat.blocked:
            raise AssertionError(
                f"user {chat.user.id} has blocked the bot; call unblock() before they write"
            )

    def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": update_id, kind: payload}
            self._updates.append(update)
            self._update_log[update_id] = update
            self._cond.notify_all()
            return update_id

    # ---- inspection ---------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """Bumped on every successful send/edit/delete: a marker for ``wait_for_change``."""
        with self._lock:
            return self._version

    @property
    def calls(self) -> list[ApiCall]:
        """Every API request so far (a snapshot), in arrival order."""
        with self._lock:
            return list(self._calls)

    @property
    def errors(self) -> list[ApiCall]:
        """Calls answered with ok=false that the client actually received.

        A long poll that PTB cancelled (on shutdown) is later ended by the fake with a 409, as
        Telegram would, but nobody reads that answer: such calls are ``abandoned`` and left out.
        """
        return [call for call in self.calls if call.status >= 400 and not call.abandoned]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive, like Telegram's routing)."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    @property
    def document_uploads(self) -> list[SentFile]:
        """Documents the bot uploaded (sendDocument with a file part), oldest first."""
        with self._lock:
            return list(self._document_uploads)

    @property
    def document_resends(self) -> list[SentFile]:
        """Documents the bot sent by file_id (or URL) instead of uploading, oldest first.

        Each is the file as first uploaded: a known file_id re-sends it with the same
        file_id/file_unique_id, an unknown one is a 400 "wrong file identifier" and no send.
        """
        with self._lock:
            return list(self._document_resends)

    @property
    def pending_polls(self) -> int:
        """getUpdates requests currently long-polling (e.g. to wait until a bot is listening)."""
        with self._lock:
            return self._pending_polls

    @property
    def token(self) -> str | None:
        """The most recent bot token seen (any token is accepted), None before any request."""
        with self._lock:
            return self._tokens[-1] if self._tokens else None

    @property
    def tokens(self) -> list[str]:
        """Distinct bot tokens seen, in order of first use."""
        with self._lock:
            return list(self._tokens)

    @property
    def webhook_url(self) -> str:
        """The webhook URL set via setWebhook ("" when polling)."""
        with self._lock:
            return self._webhook.get("url", "")

    def update(self, update_id: int) -> dict[str, Any]:
        """An injected update by id (deep copy), e.g. to read the message_id it carried."""
        with self._lock:
            return copy.deepcopy(self._update_log[update_id])

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return copy.deepcopy(list(self._updates))

    def chat(self, user_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """The bot's messages in a user's chat, oldest first, in their current state (copies)."""
        with self._lock:
            chat = self._chats.get(user_id)
            if chat is None:
                return []
            return [
                copy.deepcopy(msg)
                for _, msg in sorted(chat.bot_messages.items())
                if include_deleted or not msg.deleted
            ]

    def message(self, user_id: int, message_id: int) -> BotMessage | None:
        """One bot message (copy) or None."""
        with self._lock:
            chat = self._chats.get(user_id)
            msg = chat.bot_messages.get(message_id) if chat else None
            return copy.deepcopy(msg) if msg else None

    def last_message(self, user_id: int) -> BotMessage | None:
        """The newest non-deleted bot message in the chat, or None."""
        messages = self.chat(user_id)
        return messages[-1] if messages else None

    def transcript(self, user_id: int) -> str:
        """Human-readable chat history (user and bot), for failure messages."""
        with self._lock:
            chat = self._chats.get(user_id)
            if chat is None:
                return f"<no chat {user_id}>"
            lines: list[tuple[int, str]] = []
            for mid, umsg in chat.user_messages.items():
                body = (
                    umsg.get("text")
                    or umsg.get("caption")
                    or next(
                        (
                            k
                            for k in ("sticker", "photo", "document", "contact", "location")
                            if k in umsg
                        ),
                        "?",
                    )
                )
                lines.append((mid, f"  [{mid}] user: {str(body)[:200]}"))
            for mid, bmsg in chat.bot_messages.items():
                flags = " (deleted)" if bmsg.deleted else (" (edited)" if bmsg.edits else "")
                body = bmsg.content[:200] or ("document" if bmsg.document else "?")
                buttons = f" buttons={bmsg.buttons}" if bmsg.buttons else ""
                lines.append((mid, f"  [{mid}] bot{flags}: {body}{buttons}"))
            return "\n".join(line for _, line in sorted(lines)) or "  <empty>"

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        """Taps the bot has not answered with answerCallbackQuery (clients show a spinner)."""
        with self._lock:
            return [copy.copy(c) for c in self._callbacks.values() if not c.answered]

    def callback(self, query_id: str) -> CallbackQueryRecord:
        """The record of one tap (copy)."""
        with self._lock:
            return copy.copy(self._callbacks[query_id])

    def commands(
        self,
        scope: Any = None,
        language_code: str = "",
    ) -> list[tuple[str, str]]:
        """(command, description) pairs stored by setMyCommands for exactly this scope.

        ``scope`` is a BotCommandScope dict or PTB object (None = the default scope); like
        getMyCommands, there is no fallback to broader scopes.
        """
        if scope is not None and hasattr(scope, "to_dict"):
            scope = scope.to_dict()
        scope = dict(scope or {"type": "default"})
        for id_key in ("chat_id", "user_id"):
            if isinstance(scope.get(id_key), str) and scope[id_key].lstrip("-").isdigit():
                scope[id_key] = int(scope[id_key])
        key = (_scope_key(scope), language_code or "")
        with self._lock:
            return [(c["command"], c["description"]) for c in self._commands.get(key, [])]

    def bot_description(self, kind: str = "description", language_code: str = "") -> str:
        """Stored text of setMyDescription ("description"), setMyShortDescription or setMyName."""
        with self._lock:
            return self._bot_texts.get((kind, language_code), "")

    # ---- waiting ------------------------------------------------------------------------------

    def wait_for_sync(
        self,
        predicate: Callable[[FakeTelegram], Any],
        timeout: float = 10.0,
        *,
        user_id: int | None = None,
        what: str = "",
    ) -> Any:
        """Block until ``predicate(fake)`` is truthy and return its value.

        Raises AssertionError with recent calls (and the chat transcript for ``user_id``) after
        ``timeout`` seconds. Use from sync code; in async tests use ``wait_for``.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._dump(what or "condition", timeout, user_id))
                # Bounded waits: the predicate may also depend on state outside the fake.
                self._cond.wait(min(remaining, 0.05))

    async def wait_for(
        self,
        predicate: Callable[[FakeTelegram], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 - a test-assertion deadline, not I/O timeout
        *,
        user_id: int | None = None,
        what: str = "",
    ) -> Any:
        """Async ``wait_for_sync``: polls without blocking the event loop the bot runs on."""
        deadline = time.monotonic() + timeout
        value = predicate(self)
        while not value:
            if time.monotonic() >= deadline:
                raise AssertionError(self._dump(what or "condition", timeout, user_id))
            await asyncio.sleep(0.01)
            value = predicate(self)
        return value

    def changed_since(self, user_id: int, since: int) -> list[BotMessage]:
        """Bot messages in the chat created, edited or deleted after version ``since``."""
        return [m for m in self.chat(user_id, include_deleted=True) if m.version > since]

    async def wait_for_change(
        self,
        user_id: int,
        since: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - assertion deadline
    ) -> list[BotMessage]:
        """Wait until some bot message in the chat changed after ``since`` (a ``version``)."""
        return await self.wait_for(
            lambda f: f.changed_since(user_id, since),
            timeout,
            user_id=user_id,
            what=f"a change in chat {user_id} after version {since}",
        )

    def wait_for_change_sync(
        self, user_id: int, since: int, timeout: float = 10.0
    ) -> list[BotMessage]:
        """Blocking ``wait_for_change``."""
        return self.wait_for_sync(
            lambda f: f.changed_since(user_id, since),
            timeout,
            user_id=user_id,
            what=f"a change in chat {user_id} after version {since}",
        )

    def _latest_reply(self, user_id: int, since: int) -> BotMessage | None:
        live = [m for m in self.changed_since(user_id, since) if not m.deleted]
        return max(live, key=lambda m: m.version) if live else None

    async def wait_for_reply(
        self,
        user_id: int,
        since: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - assertion deadline
    ) -> BotMessage:
        """Wait for a new or edited bot message after ``since``; returns the latest one.

        Take ``since = fake.version`` before acting, so both a fresh message and an edit of an
        earlier one (the usual answer to a button tap) count as the reply.
        """
        return await self.wait_for(
            lambda f: f._latest_reply(user_id, since),
            timeout,
            user_id=user_id,
            what=f"a bot reply in chat {user_id} after version {since}",
        )

    def wait_for_reply_sync(self, user_id: int, since: int, timeout: float = 10.0) -> BotMessage:
        """Blocking ``wait_for_reply``."""
        return self.wait_for_sync(
            lambda f: f._latest_reply(user_id, since),
            timeout,
            user_id=user_id,
            what=f"a bot reply in chat {user_id} after version {since}",
        )

    def _dump(self, what: str, timeout: float, user_id: int | None) -> str:
        with self._lock:
            recent = [c for c in self._calls if c.method != "getUpdates"][-25:]
            pending = len(self._updates)
            unanswered = [c.id for c in self._callbacks.values() if not c.answered]
            errors = [c for c in self._calls if c.status >= 400][-10:]
        parts = [f"timed out after {timeout:g}s waiting for {what}"]
        parts.append("recent calls:\n" + ("\n".join(f"  {c.describe()}" for c in recent) or "  -"))
        if errors:
            parts.append("errors:\n" + "\n".join(f"  {c.describe()}" for c in errors))
        parts.append(f"unconfirmed updates: {pending}; unanswered callbacks: {unanswered}")
        if user_id is not None:
            parts.append(f"chat {user_id}:\n{self.transcript(user_id)}")
        return "\n".join(parts)

    # ---- dispatch -----------------------------------------------------------------------------

    def _last_token(self) -> str:
        return self._tokens[-1] if self._tokens else ""

    def _bot_user(self, token: str) -> dict[str, Any]:
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else self.DEFAULT_BOT_ID
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        error: str | None,
        chat_id: int | str | None,
        result: Any,
        token: str,
        http_method: str,
        abandoned: bool = False,
    ) -> None:
        with self._cond:
            self._calls.append(
                ApiCall(
                    method=method,
                    params=params,
                    status=status,
                    error=error,
                    chat_id=chat_id,
                    result=copy.deepcopy(result),
                    token=token,
                    http_method=http_method,
                    at=time.time(),
                    arrived=getattr(self._arrival, "at", None) or time.monotonic(),
                    abandoned=abandoned,
                )
            )
            self._cond.notify_all()

    def _dispatch(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        http_method: str,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, dict[str, Any]]:
        key = method.lower()
        entry = self._methods.get(key)
        name = entry[0] if entry else _KNOWN_UNIMPLEMENTED.get(key, method)
        chat_id = _chat_id_of(params)
        with self._lock:
            if token not in self._tokens:
                self._tokens.append(token)
        result: Any = None
        try:
            if entry is None and key in _KNOWN_UNIMPLEMENTED:
                raise _bad(f"FakeTelegram does not implement {name}; add it to the fake")
            if entry is None:
                raise ApiError(404, "Not Found")
            with self._lock:
                self._raise_fault(key, chat_id)
            if key == "getupdates":
                result = entry[1](token, params)  # waits on the condition itself
            else:
                with self._lock:
                    result = entry[1](token, params)
            status, payload, error = 200, {"ok": True, "result": result}, None
        except ApiError as exc:
            status, payload, error = exc.error_code, exc.body(), exc.description
        except Exception as exc:  # a bug in the fake: make it loud in calls/errors, not a hang
            crash = ApiError(500, f"Internal Server Error: FakeTelegram crashed: {exc!r}")
            status, payload, error = 500, crash.body(), crash.description
        if key == "answercallbackquery":
            with self._lock:
                record = self._callbacks.get(str(params.get("callback_query_id")))
                chat_id = record.user_id if record else None
        abandoned = key == "getupdates" and status == 409 and client_gone()
        self._record(name, params, status, error, chat_id, result, token, http_method, abandoned)
        return status, payload

    def _raise_fault(self, key: str, chat_id: int | str | None) -> None:
        for fault in self._faults:
            if fault.method == key and fault.chat_id in (None, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                raise fault.error

    # ---- shared checks ------------------------------------------------------------------------

    def _require_user_chat(self, user_id: int) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            raise KeyError(f"no user {user_id}: call make_user() first")
        return chat

    def _chat_from(self, params: dict[str, Any], key: str = "chat_id") -> _Chat:
        value = params.get(key)
        if value is None or value == "":
            raise _bad(f"{key} is empty")
        if isinstance(value, str) and value.startswith("@"):
            # Only public groups/channels have @usernames in the Bot API; private chats don't.
            raise ApiError(400, CHAT_NOT_FOUND)
        found = self._chats.get(_as_int(value, key))
        if found is None:
            raise ApiError(400, CHAT_NOT_FOUND)
        return found

    def _check_flood(self) -> None:
        """At most `rate_limit` sends in any one-second window, by when each request arrived
        (as Telegram counts them), not by when this process got round to handling it: under
        load a handler thread can start late, and that must not count as the bot's burst."""
        if self.rate_limit is None:
            return
        arrived = getattr(self._arrival, "at", None) or time.monotonic()
        sends = self._sends
        while sends and sends[0] <= time.monotonic() - 2.0:
            sends.popleft()
        times = sorted([*sends, arrived])
        first = bisect.bisect_right(times, arrived - 1.0)
        for start in times[first : bisect.bisect_right(times, arrived)]:
            in_window = bisect.bisect_left(times, start + 1.0) - bisect.bisect_left(times, start)
            if in_window > self.rate_limit:
                retry_after = max(1, math.ceil(start + 1.0 - arrived))
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        sends.clear()
        sends.extend(times)

    def _check_deliverable(self, chat: _Chat, *, new_message: bool) -> None:
        """Flood control, then the recipient: blocked (403) or never started the bot (403)."""
        self._check_flood()
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        if new_message and not chat.started:
            raise ApiError(403, CANT_INITIATE)

    def _format(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        empty_error: str | None,
        too_long_error: str,
    ) -> tuple[str | None, list[dict[str, Any]]]:
        """Apply parse_mode/entities, trim, and enforce Telegram's empty/length rules."""
        raw = "" if text is None else str(text)
        mode = str(parse_mode or "").lower()
        try:
            if entities:
                if not isinstance(entities, list):
                    raise _bad("can't parse entities JSON object")
                plain, parsed = raw, [dict(e) for e in entities]
            elif mode == "html":
                plain, parsed = parse_html(raw, strict_ampersand=self.strict_ampersand)
            elif mode == "markdownv2":
                plain, parsed = parse_markdown_v2(raw)
            elif mode == "markdown":
                plain, parsed = parse_markdown(raw)
            elif mode == "":
                plain, parsed = raw, []
            else:
                raise _bad("unsupported parse_mode")
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
        plain, parsed = _trim(plain, parsed)
        if not plain:
            if empty_error is not None:
                raise _bad(empty_error)
            return None, []
        if utf16_len(plain) > limit:
            raise _bad(too_long_error)
        return plain, parsed

    def _format_text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text, entities = self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            empty_error="message text is empty",
            too_long_error="message is too long",
        )
        assert text is not None
        return text, entities

    def _format_caption(self, params: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        return self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            too_long_error="message caption is too long",
        )

    def _reply_target(self, chat: _Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        allow = bool(params.get("allow_sending_without_reply"))
        reply_id: Any = params.get("reply_to_message_id")
        if isinstance(reply, dict):
            reply_id = reply.get("message_id")
            allow = allow or bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") not in (None, chat.user.id):
                raise _bad("message to be replied not found")
        if reply_id is None:
            return None
        reply_id = _as_int(reply_id, "reply_to_message_id")
        if self._find_message_api(chat, reply_id) is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return reply_id

    def _find_message_api(self, chat: _Chat, message_id: int) -> dict[str, Any] | None:
        if message_id in chat.user_messages:
            found = copy.deepcopy(chat.user_messages[message_id])
            found.pop("reply_to_message", None)
            return found
        bot_msg = chat.bot_messages.get(message_id)
        if bot_msg is not None and not bot_msg.deleted:
            return bot_msg.to_api(self._bot_user(self._last_token()), chat.user.chat_api())
        return None

    def _bump(self, message: BotMessage) -> None:
        self._version += 1
        message.version = self._version
        self._cond.notify_all()

    def _new_bot_message(
        self, token: str, chat: _Chat, params: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        reply_to = self._reply_target(chat, params)
        message = BotMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.user.id,
            date=int(time.time()),
            reply_markup=content.pop("reply_markup", None),
            parse_mode=params.get("parse_mode"),
            reply_to_message_id=reply_to,
            **content,
        )
        chat.bot_messages[message.message_id] = message
        self._bump(message)
        out = message.to_api(self._bot_user(token), chat.user.chat_api())
        if reply_to is not None:
            out["reply_to_message"] = self._find_message_api(chat, reply_to)
        return out

    # ---- methods: bot & updates ---------------------------------------------------------------

    def _get_me(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(token),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _as_int(params.get("offset", 0), "offset")
        limit = min(100, max(1, _as_int(params.get("limit", 100), "limit")))
        timeout = max(0.0, float(params.get("timeout") or 0))
        allowed = params.get("allowed_updates")
        with self._cond:
            if self._webhook.get("url"):
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            if allowed is not None:
                self._allowed_updates = list(allowed) or None
            self._poll_generation += 1
            generation = self._poll_generation
            self._poll_conflict = (
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running"
            )
            self._cond.notify_all()
            self._confirm_updates(offset)
            deadline = time.monotonic() + timeout
            self._pending_polls += 1
            self._cond.notify_all()
            try:
                while True:
                    if generation != self._poll_generation:
                        raise ApiError(409, self._poll_conflict)
                    batch = self._select_updates(limit)
                    if batch or self._stopping:
                        return batch
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    self._cond.wait(remaining)
            finally:
                self._pending_polls -= 1

    def _confirm_updates(self, offset: int) -> None:
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()

    def _select_updates(self, limit: int) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        for update in list(self._updates):
            kind = next(k for k in update if k != "update_id")
            allowed = (
                kind in self._allowed_updates
                if self._allowed_updates
                else kind not in _DEFAULT_EXCLUDED_UPDATES
            )
            if not allowed:
                self._updates.remove(update)  # Telegram never queues filtered-out updates
                continue
            batch.append(copy.deepcopy(update))
            if len(batch) >= limit:
                break
        return batch

    def _set_webhook(self, token: str, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        allowed = params.get("allowed_updates")
        if allowed is not None:  # like getUpdates' parameter; omitted keeps the previous choice
            self._allowed_updates = list(allowed) or None
        if url:
            self._webhook = {"url": url, "secret_token": params.get("secret_token")}
            self._poll_generation += 1
            self._poll_conflict = "Conflict: terminated by setWebhook request"
            self._start_webhook_delivery()
            self._cond.notify_all()
        else:
            self._webhook = {}
        return True

    def _delete_webhook(self, token: str, params: dict[str, Any]) -> bool:
        self._webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook.get("last_error_message"):
            info["last_error_date"] = self._webhook["last_error_date"]
            info["last_error_message"] = self._webhook["last_error_message"]
        if self._webhook and self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    # ---- webhook delivery: Telegram's side of setWebhook --------------------------------------
    # Once a webhook is set, a thread POSTs queued updates (the ones send_text, tap and the like
    # push) to it one at a time, in order, with the registered secret header, and drops each
    # from the queue only when answered 2xx; a failure is retried, as Telegram does. Without a
    # webhook the queue waits for getUpdates exactly as before.

    @property
    def webhook_secret(self) -> str | None:
        """The secret_token given with setWebhook (None when unset)."""
        with self._lock:
            return self._webhook.get("secret_token")

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every POST of a queued update to the webhook, in order (failures and retries too)."""
        with self._lock:
            return list(self._webhook_deliveries)

    def post_to_webhook(
        self,
        body: dict[str, Any] | bytes,
        *,
        secret: str | _RegisteredSecret | None = REGISTERED_SECRET,
    ) -> int:
        """POST one body to the webhook now, outside the queue; return the HTTP status (0: none).

        ``body`` is an update (sent as JSON) or raw bytes; ``secret`` defaults to the registered
        one, None sends no secret header. Blocks until answered: from the bot's event loop, call
        it through ``asyncio.to_thread``.
        """
        with self._lock:
            url = self._webhook.get("url")
            registered = self._webhook.get("secret_token")
        if not url:
            raise AssertionError("no webhook is set: the bot has not called setWebhook")
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        return _post(url, data, registered if isinstance(secret, _RegisteredSecret) else secret)

    def _start_webhook_delivery(self) -> None:
        if self._webhook_thread is None or not self._webhook_thread.is_alive():
            self._webhook_thread = threading.Thread(
                target=self._deliver_to_webhook, name="FakeTelegram-webhook", daemon=True
            )
            self._webhook_thread.start()

    def _post_balanced(self, webhook: dict[str, Any], body: bytes) -> int:
        """POST to the registered URL, or to the `load_balance` targets in turn."""
        targets = list(self.load_balance)
        if not targets:
            return _post(webhook["url"], body, webhook.get("secret_token"))
        status = 0
        for _ in targets:
            url = targets[self._turn % len(targets)]
            self._turn += 1
            status = _post(url, body, webhook.get("secret_token"))
            if 200 <= status < 300:
                break
        return status

    def _next_webhook_update(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Wait for a webhook and an update to POST to it; None once the fake stops."""
        with self._cond:
            while not self._stopping:
                batch = self._select_updates(1) if self._webhook.get("url") else []
                if batch:
                    return dict(self._webhook), batch[0]
                self._cond.wait()
            return None

    def _deliver_to_webhook(self) -> None:
        while (next_update := self._next_webhook_update()) is not None:
            webhook, update = next_update
            body = json.dumps(update).encode("utf-8")
            status = self._post_balanced(webhook, body)
            with self._cond:
                delivery = WebhookDelivery(update["update_id"], status)
                self._webhook_deliveries.append(delivery)
                if delivery.ok:
                    for queued in self._updates:
                        if queued["update_id"] == delivery.update_id:
                            self._updates.remove(queued)
                            break
                else:
                    if self._webhook.get("url") == webhook["url"]:
                        self._webhook["last_error_date"] = int(time.time())
                        self._webhook["last_error_message"] = f"Wrong response: {status}"
                    self._cond.wait(WEBHOOK_RETRY_DELAY)  # stop() wakes it at once
                self._cond.notify_all()

    # ---- methods: sending -------------------------------------------------------------------

    def _send_message(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_from(params)
        text, entities = self._format_text(params)
        markup = _validate_reply_markup(params.get("reply_markup"))
        self._check_deliverable(chat, new_message=True)
        return self._new_bot_message(
            token,
            chat,
            params,
            text=text,
            entities=entities,
            reply_markup=markup,
            source=str(params.get("text")),
        )

    def _take_file(self, params: dict[str, Any], field_name: str, kind: str) -> SentFile:
        value = params.get(field_name)
        if value is None or value == "":
            raise _bad(f"there is no {field_name} in the request")
        if isinstance(value, UploadedFile):
            if not value.content:
                raise _bad("file must be non-empty")
            if len(value.content) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            size = None
            if kind == "photo":
                size = _image_size(value.content)
                if size is None:
                    raise _bad("IMAGE_PROCESS_FAILED")
                if sum(size) > 10000 or max(size) > 20 * max(1, min(size)):
                    raise _bad("PHOTO_INVALID_DIMENSIONS")
            filename = value.filename or (kind if kind != "photo" else "photo.jpg")
            mime = value.content_type or mimetypes.guess_type(filename)[0]
            return self._store_file(value.content, filename, mime, kind, size)
        if isinstance(value, str):
            known = self._files.get(value) or self._files.get(value.rsplit("-", 1)[0])
            if known is not None:
                return known
            if re.match(r"https?://", value):
                name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or "file"
                size = (512, 512) if kind == "photo" else None
                return self._store_file(b"", name, mimetypes.guess_type(name)[0], kind, size)
        raise _bad("wrong file identifier/HTTP URL specified")

    def _store_file(
        self,
        content: bytes,
        filename: str | None,
        mime: str | None,
        kind: str,
        size: tuple[int, int] | None,
    ) -> SentFile:
        self._file_counter += 1
        n = self._file_counter
        suffix = (filename or "").rsplit(".", 1)[-1] if filename and "." in filename else "bin"
        folder = "photos" if kind == "photo" else "documents"
        stored = SentFile(
            file_id=f"{'AgAC' if kind == 'photo' else 'BQAC'}AgIAAxkBAAI{n:06d}",
            file_unique_id=f"AgAD{n:06d}",
            filename=filename,
            content=content,
            mime_type=mime,
            kind=kind,
            file_path=f"{folder}/file_{n}.{suffix}",
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _file_content(self, file_path: str) -> bytes | None:
        with self._lock:
            stored = self._files_by_path.get(file_path)
            return stored.content if stored else None

    def _send_document(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        uploaded = isinstance(params.get("document"), UploadedFile)
        result = self._send_file(token, params, "document")
        stored = self._files[result["document"]["file_id"]]
        (self._document_uploads if uploaded else self._document_resends).append(stored)
        return result

    def _send_photo(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(token, params, "photo")

    def _send_file(self, token: str, params: dict[str, Any], kind: str) -> dict[str, Any]:
        """sendDocument / sendPhoto: the file, an optional caption and buttons."""
        chat = self._chat_from(params)
        stored = self._take_file(params, kind, kind)
        caption, caption_entities = self._format_caption(params)
        markup = _validate_reply_markup(params.get("reply_markup"))
        self._check_deliverable(chat, new_message=True)
        return self._new_bot_message(
            token,
            chat,
            params,
            caption=caption,
            caption_entities=caption_entities,
            reply_markup=markup,
            source=params.get("caption"),
            **{kind: stored},
        )

    def _send_chat_action(self, token: str, params: dict[str, Any]) -> bool:
        chat = self._chat_from(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        if not chat.started:
            raise ApiError(403, CANT_INITIATE)
        return True

    def _source_message(self, params: dict[str, Any], verb: str) -> tuple[_Chat, int]:
        source_chat = self._chat_from(params, "from_chat_id")
        message_id = _as_int(params.get("message_id"), "message_id")
        bot_msg = source_chat.bot_messages.get(message_id)
        exists = message_id in source_chat.user_messages or (bot_msg and not bot_msg.deleted)
        if not exists:
            raise _bad(f"message to {verb} not found")
        return source_chat, message_id

    def _copied_content(self, source_chat: _Chat, message_id: int) -> dict[str, Any]:
        if message_id in source_chat.bot_messages:
            src = source_chat.bot_messages[message_id]
            return {
                "text": src.text,
                "entities": copy.deepcopy(src.entities),
                "caption": src.caption,
                "caption_entities": copy.deepcopy(src.caption_entities),
                "document": src.document,
                "photo": src.photo,
                "extra": copy.deepcopy(src.extra),
            }
        umsg = source_chat.user_messages[message_id]
        content: dict[str, Any] = {
            "text": umsg.get("text"),
            "entities": copy.deepcopy(umsg.get("entities", [])),
            "caption": umsg.get("caption"),
            "caption_entities": copy.deepcopy(umsg.get("caption_entities", [])),
            "extra": {},
        }
        for key in ("sticker", "contact", "location", "photo", "document"):
            if key in umsg:
                content["extra"][key] = copy.deepcopy(umsg[key])
        return content

    def _copy_message(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_from(params)
        source_chat, message_id = self._source_message(params, "copy")
        content = self._copied_content(source_chat, message_id)
        if "caption" in params:
            content["caption"], content["caption_entities"] = self._format_caption(params)
        markup = _validate_reply_markup(params.get("reply_markup"))
        self._check_deliverable(chat, new_message=True)
        result = self._new_bot_message(token, chat, params, reply_markup=markup, **content)
        return {"message_id": result["message_id"]}

    def _forward_message(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_from(params)
        source_chat, message_id = self._source_message(params, "forward")
        content = self._copied_content(source_chat, message_id)
        if message_id in source_chat.bot_messages:
            sender = self._bot_user(token)
            date = source_chat.bot_messages[message_id].date
        else:
            sender = source_chat.user.to_api()
            date = source_chat.user_messages[message_id]["date"]
        origin = {"type": "user", "sender_user": sender, "date": date}
        self._check_deliverable(chat, new_message=True)
        return self._new_bot_message(token, chat, params, forward_origin=origin, **content)

    # ---- methods: editing ---------------------------------------------------------------------

    def _editable(self, params: dict[str, Any]) -> tuple[_Chat, BotMessage]:
        if params.get("inline_message_id"):
            raise _bad("inline_message_id is not supported by FakeTelegram")
        chat = self._chat_from(params)
        message_id = _as_int(params.get("message_id"), "message_id")
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            if message_id in chat.user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return chat, message

    def _edit_result(self, token: str, chat: _Chat, message: BotMessage) -> dict[str, Any]:
        message.edit_date = int(time.time())
        message.edits += 1
        self._bump(message)
        return message.to_api(self._bot_user(token), chat.user.chat_api())

    def _edit_message_text(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.text is None:
            raise _bad("there is no text in the message to edit")
        text, entities = self._format_text(params)
        markup = _inline_only(_validate_reply_markup(params.get("reply_markup")))
        self._check_deliverable(chat, new_message=False)
        if (
            text == message.text
            and _canonical_entities(entities) == _canonical_entities(message.entities)
            and markup == _inline_only(message.reply_markup)
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.source = str(params.get("text"))
        message.parse_mode = params.get("parse_mode")
        return self._edit_result(token, chat, message)

    def _edit_message_caption(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        if message.document is None and message.photo is None and not message.extra:
            raise _bad("there is no caption in the message to edit")
        caption, caption_entities = self._format_caption(params)
        markup = _inline_only(_validate_reply_markup(params.get("reply_markup")))
        self._check_deliverable(chat, new_message=False)
        if (
            (caption or None) == (message.caption or None)
            and _canonical_entities(caption_entities)
            == _canonical_entities(message.caption_entities)
            and markup == _inline_only(message.reply_markup)
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.caption, message.caption_entities = caption, caption_entities
        message.reply_markup = markup
        message.source = params.get("caption")
        return self._edit_result(token, chat, message)

    def _edit_message_reply_markup(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup = _inline_only(_validate_reply_markup(params.get("reply_markup")))
        self._check_deliverable(chat, new_message=False)
        if markup == _inline_only(message.reply_markup):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message.reply_markup = markup
        return self._edit_result(token, chat, message)

    def _delete_message(self, token: str, params: dict[str, Any]) -> bool:
        chat = self._chat_from(params)
        message_id = _as_int(params.get("message_id"), "message_id")
        message = chat.bot_messages.get(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            self._bump(message)
            return True
        if message_id in chat.user_messages:
            del chat.user_messages[message_id]
            self._version += 1
            self._cond.notify_all()
            return True
        raise _bad("message to delete not found")

    def _delete_messages(self, token: str, params: dict[str, Any]) -> bool:
        chat = self._chat_from(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a non-empty list of at most 100 identifiers")
        for message_id in ids:
            message = chat.bot_messages.get(_as_int(message_id, "message_ids"))
            if message is not None and not message.deleted:
                message.deleted = True
                self._bump(message)
            chat.user_messages.pop(message_id, None)
        return True

    # ---- methods: callbacks, commands, misc ---------------------------------------------------

    def _answer_callback_query(self, token: str, params: dict[str, Any]) -> bool:
        record = self._callbacks.get(str(params.get("callback_query_id", "")))
        if record is None or record.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer_text = None if text is None else str(text)
        record.show_alert = bool(params.get("show_alert"))
        record.answer_url = params.get("url")
        self._cond.notify_all()
        return True

    def _scope(self, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        normalized: dict[str, Any] = {"type": kind}
        if kind in ("chat", "chat_administrators", "chat_member"):
            normalized["chat_id"] = self._chat_from(scope).user.id
        if kind == "chat_member":
            user_id = _as_int(scope.get("user_id"), "user_id")
            if user_id not in self._chats:
                raise _bad("user not found")
            normalized["user_id"] = user_id
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(normalized), language

    def _set_my_commands(self, token: str, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._scope(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _delete_my_commands(self, token: str, params: dict[str, Any]) -> bool:
        self._commands.pop(self._scope(params), None)
        return True

    def _get_my_commands(self, token: str, params: dict[str, Any]) -> list[dict[str, str]]:
        return copy.deepcopy(self._commands.get(self._scope(params), []))

    def _bot_text_setter(self, kind: str, limit: int) -> Callable[[str, dict[str, Any]], bool]:
        def handler(token: str, params: dict[str, Any]) -> bool:
            value = str(params.get(kind) or "")
            if len(value) > limit:
                raise _bad(f"bot {kind.replace('_', ' ')} is too long")
            language = str(params.get("language_code") or "")
            if value:
                self._bot_texts[(kind, language)] = value
            else:
                self._bot_texts.pop((kind, language), None)
            return True

        return handler

    def _bot_text_getter(self, kind: str) -> Callable[[str, dict[str, Any]], dict[str, str]]:
        def handler(token: str, params: dict[str, Any]) -> dict[str, str]:
            language = str(params.get("language_code") or "")
            value = self._bot_texts.get((kind, language), "")
            if kind == "name" and not value:
                value = self.bot_first_name
            return {kind: value}

        return handler

    def _set_chat_menu_button(self, token: str, params: dict[str, Any]) -> bool:
        chat_id = self._chat_from(params).user.id if params.get("chat_id") else None
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse MenuButton JSON object")
        self._menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_from(params).user.id if params.get("chat_id") else None
        return copy.deepcopy(self._menu_buttons.get(chat_id, {"type": "default"}))

    def _get_chat(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_from(params)
        return {
            **chat.user.chat_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_file(self, token: str, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        stored = self._files.get(file_id) or self._files.get(file_id.rsplit("-", 1)[0])
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
