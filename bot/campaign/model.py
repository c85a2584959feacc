"""The campaign schema. Officeholders and channels are dated data that organizers edit.

A demand says what each kind of office is asked to do about it (`asks`): the executive can
impose sanctions, a member of Congress can only legislate, fund and oversee, so one sentence
cannot serve both. Every talking point names its source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 2
CONGRESS = "congress"  # the kind of every lookup target (a supporter's own members)
DEFAULT_STALE_AFTER_DAYS = 180

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,23}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# One text, or several wordings of it; a letter uses one, picked by its seed.
Wordings = Annotated[list[Text], BeforeValidator(_as_list), Field(min_length=1)]


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
    # What the source itself asked, in a clause letters can quote: "President Biden to ...".
    # Letters attribute to the source only this, never the campaign's newer asks.
    asked: Text | None = None


class SinceThen(_Strict):
    """What changed after the source was published, so 2023 is never presented as today."""

    as_of: date
    text: Text
    # Short versions for letters (one or two sentences each), one picked per letter.
    recap: Wordings | None = None


class Ask(_Strict):
    """What one kind of office is asked to do about a demand."""

    ask: Wordings  # verb phrases for letters: "end the President's authority to waive ..."
    call: Text | None = None  # a shorter one for the 30-second phone script


class Point(_Strict):
    """A talking point and where it can be checked (an outlet and date, or a document)."""

    text: Text
    source: Text
    kinds: list[Slug] = Field(default_factory=list)  # the kinds of office it suits; empty: all


class Demand(_Strict):
    id: Slug
    title: Text
    explanation: Text
    # The ask for any office without one of its own kind in `asks`.
    ask: Wordings | None = None
    call: Text | None = None
    asks: dict[Slug, Ask] = Field(default_factory=dict)
    points: list[Point] = Field(min_length=1)

    def ask_for(self, kind: str | None) -> Ask | None:
        """What an office of this kind is asked; None if the campaign gives it nothing."""
        if kind is not None and kind in self.asks:
            return self.asks[kind]
        return Ask(ask=self.ask, call=self.call) if self.ask else None

    def points_for(self, kind: str | None) -> list[Point]:
        return [p for p in self.points if not p.kinds or (kind is not None and kind in p.kinds)]


class Channel(_Strict):
    """One way to reach an office; `checked` (else the office's date) says when it last worked."""

    kind: Literal["web", "email", "phone", "post"]
    label: Text
    value: Text
    checked: date | None = None


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
    # Which of a demand's `asks` this office gets ("executive", "congress", ...).
    kind: Slug | None = None
    # How a caller names the officeholder: "Senator Cantwell"; by default from the label.
    short_name: Text | None = None
    constituent: bool = False  # a supporter's own representative: letters say so

    @property
    def spoken(self) -> str:
        """ "The President" -> "the President", so it reads mid-sentence."""
        if self.short_name:
            return self.short_name
        label = self.label
        return "the " + label[4:] if label.startswith("The ") else label


class LookupTarget(_Strict):
    """Each supporter's own members of Congress, found from their ZIP in the officials
    directory: their names, salutations and channels come from there, not from this file."""

    id: Slug
    label: Text
    lookup: Literal["senators", "representative"]
    demands: list[Slug] = Field(min_length=1)

    @property
    def kind(self) -> str:
        return CONGRESS


class OfficeAsk(_Strict):
    """One line of /demands: these offices are asked this."""

    offices: list[str]
    ask: str


class Templates(_Strict):
    """Template directories, relative to the campaign's own `templates/` or the bundled ones."""

    letter: Text = "letters/standard"


class Campaign(_Strict):
    schema_version: Literal[2] = 2  # SCHEMA_VERSION
    id: Slug
    title: Text
    summary: Text
    source: Source
    since: SinceThen
    templates: Templates = Templates()
    # Short suggestions shown with the "why does this matter to you" question.
    story_prompts: list[Text] = Field(default_factory=list, max_length=3)
    # Dates (officeholders, channels, the "since then" note) older than this are flagged.
    stale_after_days: int = Field(default=DEFAULT_STALE_AFTER_DAYS, ge=1)
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
    def _routes_are_answerable(self) -> Campaign:
        """Every demand routed to an office names a known demand, has an ask for that kind of
        office and a talking point it suits: found here, not at a supporter's last step."""
        taken = {t.id for t in self.targets}
        for index, lookup in enumerate(self.lookups):
            if lookup.id in taken:
                raise PydanticCustomError(
                    "duplicate_id",
                    "id {id} is already a target's",
                    {"id": repr(lookup.id), "at": ("lookups", index, "id")},
                )
        for field_name in ("targets", "lookups"):
            for index, target in enumerate(getattr(self, field_name)):
                for demand_id in target.demands:
                    _check_route(self, field_name, index, target, demand_id)
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

    def asks_by_office(self, demand: Demand) -> list[OfficeAsk]:
        """Who is asked what about `demand` (in its short wording): its offices, by kind."""
        groups: dict[str | None, list[str]] = {}
        for target in self.all_targets:
            if demand.id in target.demands:
                groups.setdefault(target.kind, []).append(target.label)
        found = [(labels, demand.ask_for(kind)) for kind, labels in groups.items()]
        return [
            OfficeAsk(offices=labels, ask=a.call or a.ask[0])
            for labels, a in found
            if a is not None
        ]

    @property
    def templates_dir(self) -> Path | None:
        """A campaign may ship its own templates beside its file; they win over bundled ones."""
        if self.path is None:
            return None
        return self.path.parent / "templates"


def _check_route(
    campaign: Campaign,
    field_name: str,
    index: int,
    target: Target | LookupTarget,
    demand_id: str,
) -> None:
    at = (field_name, index, "demands")
    demand = campaign.demand(demand_id)
    if demand is None:
        raise PydanticCustomError(
            "unknown_demand",
            "target {target} lists unknown demand {demand}; known: {known}",
            {
                "target": repr(target.id),
                "demand": repr(demand_id),
                "known": str([d.id for d in campaign.demands]),
                "at": at,
            },
        )
    kind = target.kind
    if demand.ask_for(kind) is None:
        fix = (
            f"add [demands.asks.{kind}] to the demand, or a general `ask`"
            if kind
            else 'give the office a `kind` (e.g. kind = "executive"), or the demand a general `ask`'
        )
        raise PydanticCustomError(
            "no_ask",
            "demand {demand} is routed to {target} (kind {kind}) but has no ask for it; {fix}",
            {
                "demand": repr(demand_id),
                "target": repr(target.id),
                "kind": kind,
                "fix": fix,
                "at": at,
            },
        )
    if not demand.points_for(kind):
        raise PydanticCustomError(
            "no_point",
            "demand {demand} is routed to {target} (kind {kind}) but has no talking point "
            "for it; give a point without `kinds`, or one whose kinds include {kind}",
            {"demand": repr(demand_id), "target": repr(target.id), "kind": kind, "at": at},
        )
