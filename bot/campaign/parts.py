"""The parts of a campaign file: sources, demands and their asks, offices and their channels.

Officeholders and channels are dated data that organizers edit.
A demand says what each kind of office is asked to do about it (`asks`): the executive can
impose sanctions, a member of Congress can only legislate, fund and oversee, so one sentence
cannot serve both. Every talking point names its source.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from bot.campaign.translations import Translatable

CONGRESS = "congress"  # the kind of every lookup target (a supporter's own members)
DEFAULT_STALE_AFTER_DAYS = 180

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,23}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# One text, or several wordings of it; a letter uses one, picked by its seed.
Wordings = Annotated[list[Text], BeforeValidator(_as_list), Field(min_length=1)]


def _midnight_utc(value: Any) -> Any:
    """A TOML date (2025-03-01) means that day's start in UTC; a datetime needs its offset."""
    if isinstance(value, datetime) and value.tzinfo is None:
        raise PydanticCustomError(
            "no_timezone",
            "{value} has no timezone: add one (2025-03-01T09:00:00Z, 2025-03-01T09:00:00+04:00) "
            "or give a date, which means midnight UTC",
            {"value": value.isoformat()},
        )
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value


# When a campaign opens or closes: a TOML datetime with its offset (2025-03-01T09:00:00+04:00)
# or a date; a datetime without an offset is refused, since nobody could tell whose 9 o'clock
# it means. Kept in UTC.
Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_midnight_utc),
    AfterValidator(lambda moment: moment.astimezone(UTC)),
]


class StrictModel(BaseModel):
    """Unknown keys are an error (a typo in a campaign file must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(StrictModel):
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


class SinceThen(Translatable):
    """What changed after the source was published, so 2023 is never presented as today."""

    translatable = ("text", "recap")  # a recap's translation is for screens; letters: English

    as_of: date
    text: Text
    # Short versions for letters (one or two sentences each), one picked per letter.
    recap: Wordings | None = None


class Ask(Translatable):
    """What one kind of office is asked to do about a demand."""

    translatable = ("call",)  # shown on /demands; letters and phone scripts stay English

    ask: Wordings  # verb phrases for letters: "end the President's authority to waive ..."
    call: Text | None = None  # a shorter one for the 30-second phone script


class Point(StrictModel):
    """A talking point and where it can be checked (an outlet and date, or a document)."""

    text: Text
    source: Text
    kinds: list[Slug] = Field(default_factory=list)  # the kinds of office it suits; empty: all


class Demand(Translatable):
    translatable = ("title", "explanation")

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


class Channel(Translatable):
    """One way to reach an office; `checked` (else the office's date) says when it last worked."""

    translatable = ("label",)

    kind: Literal["web", "email", "phone", "post"]
    label: Text
    value: Text
    checked: date | None = None


class Target(Translatable):
    """An office (not a person): its holder and channels change, the office does not."""

    translatable = ("label",)

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


class LookupTarget(Translatable):
    """Each supporter's own members of Congress, found from their ZIP in the officials
    directory: their names, salutations and channels come from there, not from this file."""

    translatable = ("label",)

    id: Slug
    label: Text
    lookup: Literal["senators", "representative"]
    demands: list[Slug] = Field(min_length=1)

    @property
    def kind(self) -> str:
        return CONGRESS


class OfficeAsk(StrictModel):
    """One line of /demands: these offices are asked this."""

    offices: list[str]
    ask: str


class Templates(StrictModel):
    """Template directories, relative to the campaign's own `templates/` or the bundled ones."""

    letter: Text = "letters/standard"
