"""The kit's PDF cache: its key is exactly what the PDF is built from, and the letter row keeps
the file_id Telegram gave the upload for that key only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.campaign import Campaign
from bot.letters import Signer
from bot.places import Place
from bot.store import Letter, Repo, Store, Supporter
from bot.supporters.kits import KitPdf
from bot.supporters.views import Kit, LetterView

GLENDALE = Place(city="Glendale", state="CA", zip="91203")


def make_kit(campaign: Campaign, **changes: object) -> Kit:
    target = campaign.targets[0]
    letter = LetterView(1, target, "Dear Mr. President,\n\nPlease act.\n\nAni", 0.5, False, False)
    kit = Kit(
        letter,
        Signer("Ani Hakobyan", GLENDALE, "12 Elm St"),
        tuple(campaign.demands_for([target.id])),
        date(2026, 1, 2),
    )
    return replace(kit, **changes)  # type: ignore[arg-type]


def key_of(kit: Kit, filename: str = "letter.pdf") -> str:
    return KitPdf.of(kit, filename).key


def test_the_key_is_a_stable_sha256_of_the_inputs(campaign: Campaign) -> None:
    key = key_of(make_kit(campaign))
    assert len(key) == 64 and int(key, 16) >= 0
    assert key_of(make_kit(campaign)) == key
    # Not what the PDF leaves out: the letter's score, whether it was sent, its number.
    letter = replace(make_kit(campaign).letter, score=0.9, sent=True, number=2, total=2)
    assert key_of(make_kit(campaign, letter=letter)) == key


def test_the_key_changes_with_whatever_the_pdf_prints(campaign: Campaign) -> None:
    kit = make_kit(campaign)
    changed = [
        make_kit(campaign, letter=replace(kit.letter, body=kit.letter.body + " Now.")),
        make_kit(campaign, signer=replace(kit.signer, name="Ani H.")),
        make_kit(campaign, signer=replace(kit.signer, street="14 Elm St")),
        make_kit(campaign, signer=replace(kit.signer, street=None)),
        make_kit(campaign, signer=replace(kit.signer, place=Place("Fresno", "CA", "93721"))),
        make_kit(campaign, letter=replace(kit.letter, target=campaign.targets[1])),
        make_kit(campaign, demands=kit.demands[:1]),
        make_kit(campaign, written=date(2026, 1, 3)),
    ]
    keys = {key_of(kit), key_of(kit, "other.pdf"), *map(key_of, changed)}
    assert len(keys) == len(changed) + 2


def test_moving_text_between_fields_changes_the_key(campaign: Campaign) -> None:
    pdf = KitPdf.of(make_kit(campaign), "letter.pdf")
    joined = replace(pdf, body="ab", sender_name="").key
    assert replace(pdf, body="a", sender_name="b").key != joined
    one_line = replace(pdf, sender_address=("a, b",)).key
    assert replace(pdf, sender_address=("a", "b")).key != one_line


def test_kit_pdf_builds_the_letter(campaign: Campaign) -> None:
    data = KitPdf.of(make_kit(campaign), "letter.pdf").build()
    assert data.startswith(b"%PDF-")


@pytest.fixture
def letter_id(tmp_store: Store) -> int:
    def add(repo: Repo) -> int:
        supporter, _ = repo.add_supporter(Supporter(telegram_id=5))
        letter = Letter(
            campaign_id="c", supporter_id=supporter.id, target_id="t", demands="d", variant="v"
        )
        found = repo.add_letter(letter).id
        assert found is not None
        return found

    return tmp_store.call(add)


def test_the_row_gives_the_file_id_for_its_key_only(tmp_store: Store, letter_id: int) -> None:
    first, second = "a" * 64, "b" * 64
    assert tmp_store.call(lambda repo: repo.letter_pdf_file_id(letter_id, first)) is None
    tmp_store.call(lambda repo: repo.set_letter_pdf(letter_id, first, "BQAC-one"))
    assert tmp_store.call(lambda repo: repo.letter_pdf_file_id(letter_id, first)) == "BQAC-one"
    assert tmp_store.call(lambda repo: repo.letter_pdf_file_id(letter_id, second)) is None
    tmp_store.call(lambda repo: repo.set_letter_pdf(letter_id, second, "BQAC-two"))
    assert tmp_store.call(lambda repo: repo.letter_pdf_file_id(letter_id, first)) is None
    assert tmp_store.call(lambda repo: repo.letter_pdf_file_id(letter_id, second)) == "BQAC-two"
