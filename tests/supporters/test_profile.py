"""The supporter's profile through a real store: the welcome, names from the client, /forget."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import flow
from bot.store import DraftRow, Letter, Store
from bot.store.participation import participation
from bot.supporters.drafting import Drafting
from bot.supporters.profile import forget, welcome
from bot.supporters.views import Person, Welcome
from tests.supporters.drive import (
    ANI,
    ARA,
    STORY,
    draft_to_story,
    write_letters,
)


def test_welcome_records_the_source_only_on_first_contact(
    tmp_store: Store, drafting: Drafting
) -> None:
    campaign = drafting.campaign.id
    joined = Welcome(True, "Ani Hakobyan", False, campaign)
    assert tmp_store.call(welcome, ANI, "op-ed_2023", None, campaign) == joined
    again = Welcome(False, "Ani Hakobyan", False, campaign)
    assert tmp_store.call(welcome, ANI, "other", None, campaign) == again
    assert tmp_store.call(welcome, ARA, "<script>", None, campaign) == Welcome(
        True, "Ara", False, campaign
    )
    with tmp_store.transaction() as repo:
        ani, ara = repo.supporter(ANI.id), repo.supporter(ARA.id)
        assert ani.language == "hy"
        assert participation(repo, ani.id, campaign).source == "op-ed_2023"
        assert participation(repo, ara.id, campaign).source is None  # not a valid payload


@pytest.mark.parametrize(
    ("name", "language", "stored"),
    [
        ("Ani\x00 Hakobyan\x1b", "hy\x00", ("Ani Hakobyan", None)),
        ("\x00\x07", "PT-br", (None, "pt-br")),
        ("Ара\tПетросян", "en-US-x-twain\x00", ("Ара Петросян", None)),
        ("Narek", "english please", ("Narek", None)),
        ("Narek", "zh-hans", ("Narek", "zh-hans")),
        ("Narek", "", ("Narek", None)),
    ],
)
def test_names_and_language_codes_from_telegram_are_cleaned_before_storing(
    tmp_store: Store, drafting: Drafting, name: str, language: str, stored: tuple
) -> None:
    """The client sends these unchecked; PostgreSQL text cannot hold NUL at all."""
    person = Person(id=1003, display_name=name, language=language)
    tmp_store.call(welcome, person)
    with tmp_store.transaction() as repo:
        supporter = repo.supporter(person.id)
        assert (supporter.display_name, supporter.language) == stored


def test_a_name_first_seen_outside_the_welcome_is_cleaned_too(
    tmp_store: Store, drafting: Drafting
) -> None:
    person = Person(id=1004, display_name="Ani\x00\x00Hakobyan")
    tmp_store.call(drafting.start_letter, person)
    with tmp_store.transaction() as repo:
        assert repo.supporter(person.id).display_name == "Ani Hakobyan"


def test_a_long_name_cut_to_fit_ends_without_a_space(tmp_store: Store, drafting: Drafting) -> None:
    first = "A" * (flow.MAX_NAME_LENGTH - 1)
    person = Person(id=1005, display_name=f"{first} Hakobyan")
    assert tmp_store.call(welcome, person).name == first


def test_forget(tmp_store: Store, drafting: Drafting) -> None:
    letters = write_letters(tmp_store, drafting).letters
    tmp_store.call(drafting.actions.mark_sent, ANI, letters[0].id)
    draft_to_story(tmp_store, drafting)  # an unfinished draft too
    write_letters(tmp_store, drafting, ARA)
    assert tmp_store.call(forget, ANI) is True
    assert tmp_store.call(forget, ANI) is False
    with tmp_store.transaction() as repo:
        assert repo.supporter(ANI.id) is None
        assert repo.supporter(ARA.id) is not None
        supporter_ids = {d.supporter_id for d in repo.session.exec(select(DraftRow)).all()}
        assert supporter_ids == {repo.supporter(ARA.id).id}
        rows = repo.session.exec(select(Letter)).all()
        assert len(rows) == 4
        anonymous = [row for row in rows if row.supporter_id is None]
        assert len(anonymous) == 2
        assert all(row.body == "" for row in anonymous)
        assert sum(row.sent_at is not None for row in anonymous) == 1
        assert all(STORY not in row.body for row in anonymous)
    assert tmp_store.call(drafting.actions.letter, ANI, letters[0].id) is None
    assert tmp_store.call(welcome, ANI).is_new
