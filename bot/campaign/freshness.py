"""Which dated data has gone stale: officeholders, contact channels, the "since then" note and
the officials directory. Offices change hands and phone numbers move; an organizer cannot see
that from the file, so these functions say what to re-check and how, given today's date.

Used by `campaign-bot check`, the start-up log and /stats; nothing here prints or sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from bot.campaign.model import Campaign
from bot.campaign.parts import Channel, Target

if TYPE_CHECKING:
    from bot.store import Repo

UPDATE_DIRECTORY = "run `campaign-bot officials update`"
StaleKind = Literal["holder", "channel", "since"]


@dataclass(frozen=True)
class StaleItem:
    """One date in the campaign file older than its `stale_after_days`."""

    kind: StaleKind
    description: str  # "The President: holder Donald J. Trump checked 2025-08-08 (479 days ago)"
    checked: date
    age_days: int
    action: str  # what the organizer should do about it

    @property
    def line(self) -> str:
        return f"{self.description} — {self.action}"


def stale_items(campaign: Campaign, today: date) -> list[StaleItem]:
    """Every stale date of `campaign` as of `today`, in file order, the "since" note last."""
    limit = campaign.stale_after_days
    items = [item for target in campaign.targets for item in _target_items(target, today)]
    items.append(_since_item(campaign, today))
    return [item for item in items if item.age_days > limit]


def _target_items(target: Target, today: date) -> Iterator[StaleItem]:
    age = (today - target.checked).days
    yield StaleItem(
        "holder",
        f"{target.label}: holder {target.holder} checked {_dated(target.checked, age)}",
        target.checked,
        age,
        "confirm who holds the office now, then update its `holder`, `salutation` and `checked`",
    )
    for channel in target.channels:
        yield _channel_item(target, channel, today)


def _channel_item(target: Target, channel: Channel, today: date) -> StaleItem:
    checked = channel.checked or target.checked
    age = (today - checked).days
    if channel.checked is None:
        action = "try it, then give it its own `checked` date (and fix `value` if it moved)"
    else:
        action = "try it, then update its `checked` (and `value` if it moved)"
    return StaleItem(
        "channel",
        f"{target.label}: channel {channel.label} ({channel.kind}) checked {_dated(checked, age)}",
        checked,
        age,
        action,
    )


def _since_item(campaign: Campaign, today: date) -> StaleItem:
    as_of = campaign.since.as_of
    age = (today - as_of).days
    return StaleItem(
        "since",
        f'The "since then" note as of {_dated(as_of, age)}',
        as_of,
        age,
        "check what has happened since, then update [since] `text`, `recap` and `as_of`",
    )


def _dated(day: date, age: int) -> str:
    return f"{day.isoformat()} ({age} day{'' if age == 1 else 's'} ago)"


@dataclass(frozen=True)
class DirectoryAge:
    """How old the officials directory (members of Congress, ZIP → district) is, and what
    `campaign-bot officials status` finds wrong with it."""

    imported: date | None  # the older of its two imports; None: nothing loaded
    age_days: int | None
    stale_after_days: int
    warnings: tuple[str, ...]  # vacant seats, ended terms, a missing dataset...

    @property
    def stale(self) -> bool:
        return self.age_days is not None and self.age_days > self.stale_after_days

    def summary(self) -> str:
        """One line on its age, whether or not it is a problem."""
        if self.imported is None or self.age_days is None:
            return f"not loaded: {UPDATE_DIRECTORY} to find supporters' own members of Congress"
        line = f"imported {_dated(self.imported, self.age_days)}"
        if self.stale:
            line += f", older than {self.stale_after_days} days: {UPDATE_DIRECTORY}"
        return line

    def problems(self) -> list[str]:
        """Only what needs doing: the age when stale (or nothing loaded), then the warnings."""
        head = [self.summary()] if self.imported is None or self.stale else []
        return [*head, *self.warnings]


def directory_age(repo: Repo, stale_after_days: int, today: date) -> DirectoryAge:
    """Read the directory's age and warnings (through `Store.call` or `Store.read`)."""
    # Imported here: the campaign core stays usable without the database stack.
    from bot.officials.status import imported_at, status, warnings

    info = status(repo, today)
    moment = imported_at(info)
    if moment is None:
        return DirectoryAge(None, None, stale_after_days, ())
    day = moment.date()
    return DirectoryAge(day, (today - day).days, stale_after_days, tuple(warnings(info)))
