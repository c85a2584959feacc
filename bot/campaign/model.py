"""The campaign as a whole, and the rules that tie its parts together (bot/campaign/parts.py):
unique ids, every demand routed to an office with an ask and a talking point for it, and when
the campaign is open (its `CampaignState`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.campaign.parts import (
    DEFAULT_STALE_AFTER_DAYS,
    Demand,
    LookupTarget,
    Moment,
    OfficeAsk,
    SinceThen,
    Slug,
    Source,
    Target,
    Templates,
    Text,
)
from bot.campaign.translations import Translatable

SCHEMA_VERSION = 2
MAX_DEMANDS = 20  # a letter asking for more asks for nothing


class CampaignState(StrEnum):
    """Where a campaign stands at a given moment; only an open one takes new letters."""

    DRAFT = "draft"  # `draft = true`: organizers still work on it, whatever its dates
    UPCOMING = "upcoming"  # before `opens`
    OPEN = "open"
    CLOSED = "closed"  # from `closes` on


class Campaign(Translatable):
    translatable = ("title", "summary", "story_prompts")

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
    # At most MAX_DEMANDS: each is a button to tick, and a letter's list of them is indexed
    # for the stats (PostgreSQL caps an index entry at about 2,700 bytes).
    demands: list[Demand] = Field(min_length=1, max_length=MAX_DEMANDS)
    targets: list[Target] = Field(min_length=1)
    lookups: list[LookupTarget] = Field(default_factory=list)
    # Open from `opens` (inclusive) until `closes` (exclusive); without them, always open.
    opens: Moment | None = None
    closes: Moment | None = None
    draft: StrictBool = False  # true or false: a string such as "no" is a mistake, not false
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
    def _closes_after_opening(self) -> Campaign:
        if self.opens and self.closes and self.closes <= self.opens:
            raise PydanticCustomError(
                "closes_before_opens",
                "closes ({closes}) must be after opens ({opens})",
                {"closes": str(self.closes), "opens": str(self.opens), "at": ("closes",)},
            )
        return self

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

    def state(self, now: datetime) -> CampaignState:
        """The campaign's state at `now` (a datetime with a timezone): a draft stays a draft."""
        if self.draft:
            return CampaignState.DRAFT
        if self.opens is not None and now < self.opens:
            return CampaignState.UPCOMING
        if self.closes is not None and now >= self.closes:
            return CampaignState.CLOSED
        return CampaignState.OPEN

    def is_open(self, now: datetime) -> bool:
        """Whether it takes new letters at `now`."""
        return self.state(now) is CampaignState.OPEN

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
