"""The campaign schema. Officeholders and channels are dated data that organizers edit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,23}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the campaign's demands come from; shown with every summary."""

    outlet: Text
    title: Text
    authors: list[Text] = Field(min_length=1)
    date: date
    url: Url
    url_label: Text | None = None


class SinceThen(_Strict):
    """What changed after the source was published, so 2023 is never presented as today."""

    as_of: date
    text: Text


class Demand(_Strict):
    id: Slug
    title: Text
    explanation: Text
    ask: Text
    # A shorter ask for the 30-second phone script; the letter's `ask` when absent.
    call: Text | None = None
    talking_points: list[Text] = Field(min_length=1)


class Channel(_Strict):
    """One way to reach an office; `checked` says when someone last confirmed it works."""

    kind: Literal["web", "email", "phone", "post"]
    label: Text
    value: Text


class Target(_Strict):
    """An office (not a person): its holder and channels change, the office does not."""

    id: Slug
    label: Text
    office: Text
    holder: Text
    salutation: Text
    address: list[Text] = Field(min_length=1)
    demands: list[Slug] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)
    checked: date
    checked_source: Text | None = None


class LookupTarget(_Strict):
    """Each supporter's own members of Congress, found from their ZIP in the officials
    directory: their names, salutations and channels come from there, not from this file."""

    id: Slug
    label: Text
    lookup: Literal["senators", "representative"]
    demands: list[Slug] = Field(min_length=1)


class Templates(_Strict):
    """Template directories, relative to the campaign's own `templates/` or the bundled ones."""

    letter: Text = "letters/standard"


class Campaign(_Strict):
    schema_version: Literal[1] = 1
    id: Slug
    title: Text
    summary: Text
    source: Source
    since: SinceThen
    templates: Templates = Templates()
    demands: list[Demand] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    lookups: list[LookupTarget] = Field(default_factory=list)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("demands", "targets", "lookups")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                # `at` (relative to the field) lets the loader point at the offending line.
                raise PydanticCustomError(
                    "duplicate_id",
                    "id {id} is used twice",
                    {"id": repr(item.id), "at": (index, "id")},
                )
            seen.add(item.id)
        return items

    @model_validator(mode="after")
    def _routes_name_known_demands(self) -> Campaign:
        known = {d.id for d in self.demands}
        taken = {t.id for t in self.targets}
        for index, lookup in enumerate(self.lookups):
            if lookup.id in taken:
                raise PydanticCustomError(
                    "duplicate_id",
                    "id {id} is already a target's",
                    {"id": repr(lookup.id), "at": ("lookups", index, "id")},
                )
        routes: tuple[tuple[str, Sequence[Target | LookupTarget]], ...] = (
            ("targets", self.targets),
            ("lookups", self.lookups),
        )
        for field_name, routed in routes:
            for index, target in enumerate(routed):
                unknown = [d for d in target.demands if d not in known]
                if unknown:
                    raise PydanticCustomError(
                        "unknown_demand",
                        "target {target} lists unknown demands {unknown}; known: {known}",
                        {
                            "target": repr(target.id),
                            "unknown": str(unknown),
                            "known": str(sorted(known)),
                            "at": (field_name, index, "demands"),
                        },
                    )
        return self

    def demand(self, demand_id: str) -> Demand | None:
        return next((d for d in self.demands if d.id == demand_id), None)

    def target(self, target_id: str) -> Target | None:
        return next((t for t in self.targets if t.id == target_id), None)

    def lookup(self, lookup_id: str) -> LookupTarget | None:
        return next((t for t in self.lookups if t.id == lookup_id), None)

    @property
    def all_targets(self) -> list[Target | LookupTarget]:
        """What a supporter chooses from: the fixed offices, then their own members."""
        return [*self.targets, *self.lookups]

    def demands_for(self, target_ids: list[str], chosen: list[str] | None = None) -> list[Demand]:
        """Demands routed to any of the targets, in campaign order, optionally only `chosen`."""
        routed = {d for t in self.all_targets if t.id in target_ids for d in t.demands}
        return [d for d in self.demands if d.id in routed and (chosen is None or d.id in chosen)]

    @property
    def templates_dir(self) -> Path | None:
        """A campaign may ship its own templates beside its file; they win over bundled ones."""
        if self.path is None:
            return None
        return self.path.parent / "templates"
