"""Campaign texts in other languages, given beside the English: `"title.hy" = "..."` next to
`title`. What a campaign leaves untranslated stays English; letters always are.

Only the texts a supporter reads on screen translate (titles, summaries, explanations, office
and channel labels, the "since then" note and recap, story prompts, the short asks /demands
shows); what letters and phone scripts say to US officials stays English: they use the campaign
itself, never a translated copy.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class Translatable(BaseModel):
    """A part whose `translatable` fields may come per language: {language: {field: text}}.
    Like every campaign part, unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    translatable: ClassVar[tuple[str, ...]] = ()
    translations: dict[str, dict[str, Any]] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _gather_translations(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "translations" in data:  # only ever built from "<field>.<language>" keys
            raise PydanticCustomError(
                "translations_key",
                'give translations as "<field>.<language>" keys, e.g. "title.hy" = "..."',
            )
        kept: dict[str, Any] = {}
        found: dict[str, dict[str, Any]] = {}
        for key, value in data.items():
            field, dot, language = str(key).partition(".")
            if dot and field in cls.translatable and _LANGUAGE.match(language):
                found.setdefault(language, {})[field] = _checked(key, value, data.get(field))
            else:
                kept[key] = value  # anything else is checked as usual (unknown keys refused)
        if found:
            kept["translations"] = found
        return kept

    def in_language(self, language: str) -> Self:
        """This part with its texts in `language` where given, English elsewhere."""
        given = self.translations.get(language, {})
        update: dict[str, Any] = {f: given[f] for f in self.translatable if f in given}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Translatable):
                local: Any = value.in_language(language)
            elif isinstance(value, list) and value and isinstance(value[0], Translatable):
                local = [item.in_language(language) for item in value]
            elif isinstance(value, dict) and _parts(value.values()):
                local = {key: item.in_language(language) for key, item in value.items()}
            else:
                continue
            if local != value:
                update[name] = local
        return self.model_copy(update=update) if update else self

    def untranslated(self, language: str) -> list[str]:
        """The texts (by field) this part and its parts leave in English for `language`."""
        given = self.translations.get(language, {})
        missing = [f for f in self.translatable if getattr(self, f) and f not in given]
        for name in type(self).model_fields:
            value = getattr(self, name)
            parts = value if isinstance(value, list) else [value]
            if isinstance(value, dict):
                parts = list(value.values())
            for part in parts:
                if isinstance(part, Translatable):
                    missing += [f"{name}.{f}" for f in part.untranslated(language)]
        return missing


def _parts(values: Any) -> bool:
    """A non-empty collection of translatable parts (a dict's values)."""
    items = list(values)
    return bool(items) and all(isinstance(item, Translatable) for item in items)


def _checked(key: str, value: Any, english: Any) -> Any:
    """A translation has the English text's shape: a text, or a list of texts."""
    if isinstance(english, list):
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    else:
        ok = isinstance(value, str) and bool(value.strip())
    if not ok:
        raise PydanticCustomError(
            "bad_translation",
            "{key} must be {shape}, like the English it translates",
            {"key": key, "shape": "a list of texts" if isinstance(english, list) else "a text"},
        )
    return [v.strip() for v in value] if isinstance(value, list) else value.strip()
