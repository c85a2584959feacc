"""The Mini Apps' words (templates/web/static/*_texts.js): every language has every English text,
with the same {placeholders}, and nothing more; the dashboard's personalization sentence is the
bot's own (bot/letters/score.py MEANING) and its translations in the bot's catalogues.

The files are read in Python (no JS engine needed): each is one `const Name = {...};` of
language objects whose values are string literals, some joined with `+`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.letters.score import MEANING
from bot.store.reports import DIRECT, FORGOTTEN, UNKNOWN_STATE
from bot.telegram import i18n

STATIC = Path(__file__).resolve().parents[2] / "templates" / "web" / "static"
PAGES = {"editor_texts.js": "EditorTexts", "dashboard_texts.js": "DashboardTexts"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/|(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<name>[A-Za-z_$][\w$]*)|(?P<punct>[{}:,+;=])""",
    re.S,
)

Texts = dict[str, dict[str, str]]


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    while at < len(source):
        found = _TOKEN.match(source, at)
        if found is None:
            raise ValueError(f"unexpected {source[at : at + 20]!r}")
        at = found.end()
        kind = found.lastgroup
        if kind is not None:
            tokens.append((kind, found.group(kind)))
    return tokens


def _string(literal: str) -> str:
    if literal.startswith("'"):
        inner = literal[1:-1].replace("\\'", "'").replace('\\"', '"')
        literal = '"' + inner.replace('"', '\\"') + '"'
    return str(json.loads(literal))


def parse_texts(source: str, name: str) -> Texts:
    """`const <name> = { lang: { key: "text" + "more", … }, … };` as {lang: {key: text}}."""
    tokens = _tokens(source)
    start = tokens.index(("name", name))
    if tokens[start - 1 : start + 3] != [
        ("name", "const"),
        ("name", name),
        ("punct", "="),
        ("punct", "{"),
    ]:
        raise ValueError(f"no `const {name} = {{` in the file")
    at = start + 2
    texts: Texts = {}

    def take(kind: str, value: str | None = None) -> str:
        nonlocal at
        got_kind, got = tokens[at]
        if got_kind != kind or (value is not None and got != value):
            raise ValueError(f"expected {value or kind}, got {got!r} (token {at})")
        at += 1
        return got

    def key() -> str:
        kind, got = tokens[at]
        if kind not in ("name", "string"):
            raise ValueError(f"expected a key, got {got!r}")
        take(kind)
        return got if kind == "name" else _string(got)

    take("punct", "{")
    while tokens[at] != ("punct", "}"):
        language = key()
        if language in texts:
            raise ValueError(f"language {language} twice")
        take("punct", ":")
        take("punct", "{")
        words: dict[str, str] = {}
        while tokens[at] != ("punct", "}"):
            text_key = key()
            if text_key in words:
                raise ValueError(f"{language}.{text_key} twice")
            take("punct", ":")
            parts = [_string(take("string"))]
            while tokens[at] == ("punct", "+"):
                take("punct", "+")
                parts.append(_string(take("string")))
            words[text_key] = "".join(parts)
            if tokens[at] == ("punct", ","):
                take("punct", ",")
        take("punct", "}")
        texts[language] = words
        if tokens[at] == ("punct", ","):
            take("punct", ",")
    take("punct", "}")
    return texts


def problems(texts: Texts) -> list[str]:
    """What a language lacks or adds against English, and texts whose placeholders differ."""
    found: list[str] = []
    english = texts["en"]
    for language, words in texts.items():
        if language == "en":
            continue
        found += [f"{language} lacks {key}" for key in english if key not in words]
        found += [f"{language} has an extra {key}" for key in words if key not in english]
        for key, text in words.items():
            if key not in english:
                continue
            want = sorted(PLACEHOLDER.findall(english[key]))
            have = sorted(PLACEHOLDER.findall(text))
            if want != have:
                found.append(f"{language}.{key} has {have}, English has {want}")
            if not text.strip():
                found.append(f"{language}.{key} is empty")
    return found


def load(file: str) -> Texts:
    return parse_texts((STATIC / file).read_text(encoding="utf-8"), PAGES[file])


@pytest.mark.parametrize("file", sorted(PAGES))
def test_every_language_has_every_text_with_its_placeholders(file: str) -> None:
    texts = load(file)
    assert set(texts) == set(i18n.LANGUAGES), file
    assert len(texts["en"]) > 10
    assert problems(texts) == []


def test_a_missing_text_or_placeholder_is_caught() -> None:
    texts = load("dashboard_texts.js")
    broken = {language: dict(words) for language, words in texts.items()}
    del broken["ru"]["per_day"]
    broken["hy"]["saved"] = "Պահպանված է։"  # {name} dropped
    broken["hy"]["spare"] = "…"
    assert problems(broken) == [
        "hy has an extra spare",
        "hy.saved has [], English has ['name']",
        "ru lacks per_day",
    ]


def test_the_parser_reads_concatenations_escapes_and_comments() -> None:
    source = """// words
    "use strict";
    const T = {
      en: { a: "one " + 'two', "b": "say \\"hi\\" {n}" },  /* more */
      ru: { a: "раз", b: "{n}" },
    };"""
    assert parse_texts(source, "T") == {
        "en": {"a": "one two", "b": 'say "hi" {n}'},
        "ru": {"a": "раз", "b": "{n}"},
    }


def test_the_dashboard_explains_the_score_as_the_bot_does() -> None:
    """The page shows its own `score_meaning` instead of the server's English one: English is
    the server's MEANING word for word, the others are the bot's catalogue's translation."""
    texts = load("dashboard_texts.js")
    assert texts["en"]["score_meaning"] == MEANING
    message = MEANING.replace("%", "%%")  # as the catalogues hold it (python-format)
    for language in ("hy", "ru"):
        translated = i18n.translations(language).gettext(message)
        assert translated != message, language
        assert texts[language]["score_meaning"] == translated.replace("%%", "%"), language


def test_the_dashboard_translates_the_bots_fixed_labels() -> None:
    """A row without a state or a source comes labelled by bot/store/reports.py; the page knows
    these three labels by their exact English."""
    texts = load("dashboard_texts.js")
    assert (texts["en"]["unknown_state"], texts["en"]["direct"], texts["en"]["forgotten"]) == (
        UNKNOWN_STATE,
        DIRECT,
        FORGOTTEN,
    )
    script = (STATIC / "dashboard.js").read_text(encoding="utf-8")
    for label in (UNKNOWN_STATE, DIRECT, FORGOTTEN):
        assert json.dumps(label) in script or f"{label}:" in script, label
