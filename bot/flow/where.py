"""The place steps: where the supporter lives, their ZIP code, and their district.

Each returns the changes an answer makes to the draft. A place is read once (`Reply.reading`,
from `places.read_place`); the flow only falls back to reading it itself for front ends that
did not. When a ZIP code and a typed state disagree, the ZIP code wins and the draft carries a
notice, so the supporter is told which state their letters are signed from.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.flow.draft import (
    Answer,
    District,
    Draft,
    InvalidAnswer,
    Notice,
    Reply,
    Skip,
    Toggle,
    reply_text,
)
from bot.flow.text import clean_line
from bot.places import MAX_PLACE_LENGTH, Place, PlaceReading, lookup_zip, read_place


def place_answer(answer: Answer) -> dict[str, Any]:
    """ "Fresno, California 93721", "Springfield, IL", "Yerevan, Armenia"."""
    text, reading = _read(answer)
    if reading is None:
        raise InvalidAnswer("place_unknown", text=text)
    return _located(reading, _districts(answer), reading.typed_state)


def zip_answer(draft: Draft, answer: Answer) -> dict[str, Any]:
    """The ZIP code asked for after a US place without one (or a corrected place)."""
    text, reading = _read(answer)
    if reading is None:
        raise InvalidAnswer("zip_unknown", text=text)
    typed = reading.typed_state
    earlier = draft.place
    if typed is None and reading.place.zip and earlier is not None:
        if earlier.state != reading.place.state:
            typed = earlier.state
        elif earlier.city and _names_no_town(text, reading.place):
            # "Hollywood, CA", then "90028": the town they gave stays, as in the one answer
            # "Hollywood, CA 90028", rather than the ZIP's postal city (Los Angeles).
            reading = PlaceReading(replace(reading.place, city=earlier.city))
    return _located(reading, _districts(answer), typed)


def district_answer(draft: Draft, answer: Answer) -> dict[str, Any]:
    """One of the ZIP's districts, or Skip: then no letter to a House member."""
    if isinstance(answer, Skip):
        return {"district": None}
    if not isinstance(answer, Toggle):
        raise InvalidAnswer("use_buttons")
    chosen = next((d for d in draft.districts if d.id == answer.choice_id), None)
    if chosen is None:
        raise InvalidAnswer("stale")
    place = draft.place
    if place is not None and place.state != chosen.state:  # a ZIP that spans states
        place = replace(place, state=chosen.state, city=None)
    return {"district": chosen, "place": place}


def _read(answer: Answer) -> tuple[str, PlaceReading | None]:
    text = clean_line(reply_text(answer))
    if not text:
        raise InvalidAnswer("empty")
    if len(text) > MAX_PLACE_LENGTH:
        raise InvalidAnswer("too_long", length=len(text), limit=MAX_PLACE_LENGTH)
    given = answer.reading if isinstance(answer, Reply) else None
    return text, given if given is not None else read_place(text)


def _names_no_town(text: str, place: Place) -> bool:
    """Does an answer read as its ZIP's place without naming that place's town? "90028",
    "my zip is 90028" and "CA 90028" do; "Studio City 91604" names its ZIP's own town."""
    if place != lookup_zip(place.zip or ""):
        return False  # it reads as a town of its own
    words = re.findall(r"\w+", text.casefold())
    town = re.findall(r"\w+", (place.city or "").casefold())
    return not town or all(words[i : i + len(town)] != town for i in range(len(words)))


def _districts(answer: Answer) -> tuple[District, ...]:
    return answer.districts if isinstance(answer, Reply) else ()


def _located(
    reading: PlaceReading, districts: tuple[District, ...], typed: str | None
) -> dict[str, Any]:
    place = reading.place
    changes: dict[str, Any] = {
        "place": place,
        "districts": districts,
        "district": districts[0] if len(districts) == 1 else None,
    }
    if typed and place.state and typed != place.state:
        details = {"typed": typed, "used": place.state, "zip": place.zip or ""}
        changes["notice"] = Notice("zip_state", details)
    return changes
