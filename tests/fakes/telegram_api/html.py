"""Telegram's HTML parse mode, the only one the bot sends: a port of TDLib's parse_html with its
error texts and byte offsets, entity offsets and lengths in UTF-16 code units as Telegram counts."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any


class EntityParseError(ValueError):
    """Markup rejected by the entity parser; the message is Telegram's own wording."""


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

        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        i = _html_end_tag(t, begin, i, stack[-1])
        if utf16 > stack[-1].utf16_offset:
            _close_html_entity(entities, stack[-1], utf16 - stack[-1].utf16_offset, out)
        stack.pop()
        i += 1
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].tag.decode()}"'
        )
    return _html_result(out, entities)


def _html_result(
    out: bytearray, entities: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]]:
    """The parsed text and its entities, sorted as Telegram returns them."""
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


def _html_end_tag(t: _Bytes, begin: int, i: int, open_tag: _OpenTag) -> int:
    """Read an end tag from its name on; returns the index of its '>'."""
    while not _is_space(t[i]) and t[i] != 0x3E:
        i += 1
    end_tag = t.data[begin + 2 : i].lower()
    while _is_space(t[i]) and t[i] != 0:
        i += 1
    if t[i] != 0x3E:
        raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
    if end_tag and end_tag != open_tag.tag:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {begin}, expected "
            f'"</{open_tag.tag.decode()}>", found "</{end_tag.decode("utf-8", "replace")}>"'
        )
    return i


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
        i = _skip_spaces(t, i)
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
        i = _skip_spaces(t, i)
        if t[i] != 0x3D:  # attribute without a value
            if t[i] == 0:
                raise EntityParseError(f'Unclosed start tag "{tag_s}" at byte offset {begin}')
            argument = _tag_argument(tag, name, None, argument)
            continue
        i = _skip_spaces(t, i + 1)
        if t[i] == 0:
            raise EntityParseError(f'Unclosed start tag "{tag_s}" at byte offset {begin}')
        i, value = _html_attribute_value(t, i, strict_ampersand)
        if t[i] == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        argument = _tag_argument(tag, name, value, argument)
    if tag == b"span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return i, (tag, argument)


def _skip_spaces(t: _Bytes, i: int) -> int:
    while t[i] != 0 and _is_space(t[i]):
        i += 1
    return i


def _tag_argument(tag: bytes, name: bytes, value: str | None, argument: str) -> str:
    """What an attribute says about its tag: a link, emoji id, language, spoiler or expandable."""
    if tag == b"blockquote" and name == b"expandable":
        return "1"
    if value is None:
        return argument
    if (tag, name) in ((b"a", b"href"), (b"tg-emoji", b"emoji-id")):
        return value
    if tag == b"code" and name == b"class" and value.startswith("language-"):
        return value[9:]
    if tag == b"span" and name == b"class" and value.startswith("tg-"):
        return value[3:]
    return argument


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


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
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


def canonical_entities(entities: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
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
