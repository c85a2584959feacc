"""The drafting conversation's data: steps, prompts, answers and the draft itself.

Plain frozen dataclasses, so a draft round-trips through JSON in the database and any front end
(Telegram, the CLI, tests) can read a prompt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from bot.districts import District
from bot.places import Place, PlaceReading


class Step(StrEnum):
    TARGETS = "targets"
    DEMANDS = "demands"
    NAME = "name"
    PLACE = "place"
    ZIP = "zip"  # a US place without a ZIP, when a letter to the representative needs one
    DISTRICT = "district"
    STORY = "story"


STEP_ORDER = tuple(Step)


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class Prompt:
    """What to ask: the step (which names the question), its choices and what typing does."""

    step: Step
    choices: tuple[Choice, ...] = ()
    # The demands, when they are asked with the targets: one screen and one tap answer both.
    asks: tuple[Choice, ...] = ()
    multi: bool = False
    accepts_text: bool = False
    skippable: bool = False
    default: str | None = None
    max_length: int | None = None
    number: int = 1
    total: int = 1


@dataclass(frozen=True)
class Notice:
    """Something the supporter should know about their last answer, shown with the next
    question: "I used Oregon, from your ZIP code 97201 (you typed ME)"."""

    reason: str
    details: dict[str, str] = field(default_factory=dict)


# Answers a front end can give.
@dataclass(frozen=True)
class Toggle:
    choice_id: str
    # Which list: the prompt's own (None), or Step.DEMANDS for the asks beside the targets.
    step: Step | None = None


@dataclass(frozen=True)
class Confirm:
    """Accept the current selection or the suggested default."""


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Reply:
    text: str
    # Where the text says the supporter lives, read once by whoever calls (`places.read_place`)
    # and the districts the officials directory has for its ZIP: the flow cannot look them up.
    reading: PlaceReading | None = None
    districts: tuple[District, ...] = ()


@dataclass(frozen=True)
class NonText:
    """Not text (a sticker, a photo, an empty message) where text was asked for."""


Answer = Toggle | Confirm | Skip | Reply | NonText


class InvalidAnswer(Exception):
    """An answer the step cannot take; `reason` names the message to show, `details` fill it."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def reply_text(answer: Answer) -> str:
    """The text of a typed answer; buttons cannot answer a question that wants text."""
    if not isinstance(answer, Reply):
        raise InvalidAnswer("use_buttons")
    return answer.text


@dataclass(frozen=True)
class Profile:
    """What is already known about the supporter, so answered steps are skipped."""

    display_name: str | None = None
    signing_name: str | None = None
    place: Place | None = None
    districts: tuple[District, ...] = ()
    district_id: str | None = None  # the district picked last time ("CA-28"), if any
    congress: bool = True  # False: no officials directory, so no letters to Congress


@dataclass(frozen=True)
class Draft:
    targets: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    name: str | None = None
    suggested_name: str | None = None
    place: Place | None = None
    story: str | None = None
    districts: tuple[District, ...] = ()
    district: District | None = None
    # The targets this supporter can choose from: the campaign's, less Congress when the bot
    # has no officials directory loaded.
    offered: tuple[str, ...] = ()
    answered: frozenset[Step] = field(default_factory=frozenset)
    prefilled: frozenset[Step] = field(default_factory=frozenset)
    notice: Notice | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; written by hand because dataclasses.asdict deep-copies (a hot path)."""
        return {
            "targets": list(self.targets),
            "demands": list(self.demands),
            "name": self.name,
            "suggested_name": self.suggested_name,
            "place": asdict(self.place) if self.place else None,
            "story": self.story,
            "districts": [asdict(d) for d in self.districts],
            "district": asdict(self.district) if self.district else None,
            "offered": list(self.offered),
            "answered": sorted(self.answered),
            "prefilled": sorted(self.prefilled),
            "notice": asdict(self.notice) if self.notice else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        place, notice = data.get("place"), data.get("notice")
        return cls(
            targets=tuple(data.get("targets", ())),
            demands=tuple(data.get("demands", ())),
            name=data.get("name"),
            suggested_name=data.get("suggested_name"),
            place=Place(**place) if place else None,
            story=data.get("story"),
            districts=tuple(District(**d) for d in data.get("districts", ())),
            district=District(**data["district"]) if data.get("district") else None,
            offered=tuple(data.get("offered", ())),
            answered=frozenset(Step(s) for s in data.get("answered", ())),
            prefilled=frozenset(Step(s) for s in data.get("prefilled", ())),
            notice=Notice(**notice) if notice else None,
        )
