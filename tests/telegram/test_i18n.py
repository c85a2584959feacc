"""The catalogues: every text the bot can show exists in every language, with the same
placeholders and HTML tags, every plural form, and nothing stale or missing against the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.telegram import i18n
from bot.telegram.render import render
from bot.telegram.texts import label

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT]
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")
_TAG = re.compile(r"</?[a-z]+[^>]*>")


def _source_msgids() -> set[str | tuple[str, ...]]:
    """What extraction finds in the sources today (as `pybabel extract -F babel.cfg` does)."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: set[str | tuple[str, ...]] = set()
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message)
    return found


def _catalog(language: str) -> Catalog:
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def _entries(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]  # obsolete entries are kept apart by Babel


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_matches_the_sources(language: str) -> None:
    """A text added or changed in a template without `pybabel update` fails here."""
    in_catalog = {m.id for m in _entries(_catalog(language))}
    assert in_catalog == _source_msgids()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated_with_the_same_placeholders_and_tags(language: str) -> None:
    catalog = _catalog(language)
    forms = get_plural(language).num_plurals
    for message in _entries(catalog):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"{language}: a fuzzy (unchecked) translation of {message.id!r}"
        if message.pluralizable:
            assert len(strings) == forms, message.id
        assert all(s.strip() for s in strings), f"{language}: untranslated {message.id!r}"
        placeholders = set(_PLACEHOLDER.findall(" ".join(ids)))
        tags = sorted(_TAG.findall(ids[0]))
        for string in strings:
            assert set(_PLACEHOLDER.findall(string)) <= placeholders, (message.id, string)
            assert sorted(_TAG.findall(string)) == tags, (message.id, string)
        if not message.pluralizable:  # a plural form may leave the number out ("одно")
            assert set(_PLACEHOLDER.findall(strings[0])) == placeholders, (message.id, strings)


@pytest.mark.parametrize(
    ("code", "language"),
    [("hy", "hy"), ("hy-AM", "hy"), ("ru_RU", "ru"), ("RU", "ru"), ("en-US", "en"),
     ("fr", "en"), (None, "en"), ("", "en")],
)  # fmt: skip
def test_a_client_language_maps_to_one_the_bot_speaks(code: str | None, language: str) -> None:
    assert i18n.supported(code) == language


def test_texts_follow_the_language_in_use_and_plural_rules() -> None:
    with i18n.use("ru"):
        assert label("write_letter") != "✍️ Write a letter"
        assert "✍️" in label("write_letter")
    with i18n.use("hy"):
        armenian = render("letters_done", count=2)
    assert re.search("[\u0531-\u058f]", armenian)
    with i18n.use("ru"):
        few, many = render("letters_done", count=3), render("letters_done", count=5)
    assert few != many.replace("5", "3")  # 3 письма, 5 писем
    assert label("write_letter") == "✍️ Write a letter"  # the block ended: English again
