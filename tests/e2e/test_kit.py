"""The delivery kit through the fake Bot API: a printable PDF (with a street, asked once), phone
scripts with one ask each, and every contact."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bot.store import Letter
from bot.supporters import kits
from tests.e2e.helpers import (
    assert_clean,
    error_records,
    latest,
    letter_id_of,
    letter_row,
    letter_rows,
    started_letters,
    supporter_row,
    wait_answered,
)


def pdf_text(message) -> str:
    pages = PdfReader(io.BytesIO(message.document.content)).pages
    return "".join(page.extract_text() for page in pages)


def assert_first_kit_reads_as_ani_wrote(fake, ani) -> None:
    """The President's PDF and phone scripts for Անի Հակոբյան of Glendale, at 12 Elm St."""
    pdf_message = next(m for m in fake.chat(ani.id) if m.document is not None)
    assert pdf_message.document.filename == "letter-to-the-president.pdf"
    assert "Printable letter to The President" in pdf_message.caption
    assert "1600 Pennsylvania Avenue NW" in pdf_message.caption
    text = pdf_text(pdf_message)
    assert "Անի Հակոբյան" in text and "Իմ տատիկը ծնվել է Շուշիում" in text
    assert "Dear Mr. President:" in text
    assert text.count("12 Elm St, Apt 3") == 2  # the sender block and the signature
    assert "Glendale, CA 91203" in text

    kit = latest(ani)
    assert "Hi, my name is Անի Հակոբյան, and I'm calling from Glendale, California" in kit.content
    assert "I'm calling to ask the President to" in kit.content
    assert kit.content.count("I'm calling to ask") == 3  # one ask per call: three demands
    assert "More calls, one ask each" in kit.content
    assert "voicemail" in kit.content.lower() and "address" in kit.content
    assert "+1-202-456-1111" in kit.content and "White House contact form" in kit.content


async def test_kit_gives_pdf_phone_scripts_and_contacts(
    running_bot, fake, make_supporter, caplog
) -> None:
    ani = make_supporter(1001, "Անի", "Հակոբյան")
    drive = await started_letters(
        ani, place="Glendale, CA 91203", story="Իմ տատիկը ծնվել է Շուշիում։"
    )
    letter = drive.letters[0]
    await ani.tap("PDF, phone script", letter)

    # Asked once for a street, with a privacy note and a skip.
    question = latest(ani)
    assert "street address" in question.content and "/forget" in question.content
    assert [label for label, _ in question.buttons] == ["Skip: print without it ⏭"]
    await ani.say("  12 Elm St,\tApt 3  ")
    await fake.wait_for(lambda f: f.calls_to("sendDocument") and "Or call" in latest(ani).content)
    assert supporter_row(running_bot, ani.id).street == "12 Elm St, Apt 3"

    assert_first_kit_reads_as_ani_wrote(fake, ani)

    # The next kit does not ask again.
    await ani.tap("PDF, phone script", drive.letters[1])
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 2)
    await fake.wait_for(lambda f: "Or call" in latest(ani).content)

    # "I sent it" under the kit records the send once and leaves the kit's text alone.
    kit = latest(ani)
    await ani.tap("I sent it", kit)
    row = next(r for r in letter_rows(running_bot, ani.id) if r.target_id == "secstate")
    assert row.sent_at is not None
    assert fake.message(ani.id, kit.message_id).buttons == []
    assert "Or call" in fake.message(ani.id, kit.message_id).content

    # /me shows the street; "Change where I live" deletes it with the place.
    me = await ani.say("/me")
    assert "12 Elm St, Apt 3" in me.content
    await ani.tap("Change where I live", me)
    assert supporter_row(running_bot, ani.id).street is None
    await assert_clean(running_bot, caplog)


async def test_street_can_be_skipped_or_cancelled(running_bot, fake, ani, caplog) -> None:
    drive = await started_letters(ani)
    await ani.tap("PDF, phone script", drive.letters[0])
    assert "street address" in latest(ani).content
    cancelled = await ani.say("/cancel")
    assert "no street address" in cancelled.content.lower()
    assert supporter_row(running_bot, ani.id).addressing_letter_id is None
    # Asked again (it was cancelled, not skipped), then skipped: never asked again.
    await ani.tap("PDF, phone script", drive.letters[0])
    await ani.tap("Skip", latest(ani))
    await fake.wait_for(lambda f: "Or call" in latest(ani).content)
    pdf_message = next(m for m in fake.chat(ani.id) if m.document is not None)
    assert "Dear Mr. President:" in pdf_text(pdf_message)
    await ani.tap("PDF, phone script", drive.letters[1])
    await fake.wait_for(lambda f: len(f.calls_to("sendDocument")) == 2)
    row = supporter_row(running_bot, ani.id)
    assert row.street is None and row.street_asked
    await assert_clean(running_bot, caplog)


async def test_a_sticker_or_an_overlong_street_is_refused_and_kept_asking(
    running_bot, ani, caplog
) -> None:
    drive = await started_letters(ani)
    await ani.tap("PDF, phone script", drive.letters[0])
    refused = await ani.say("x" * 121)
    assert "limit here is 120" in refused.content and "street address again" in refused.content
    sticker = await ani.send("sticker")
    assert "only read text" in sticker.content
    await ani.say("1 Main St")
    await running_bot.fake.wait_for(lambda f: "Or call" in latest(ani).content)
    assert supporter_row(running_bot, ani.id).street == "1 Main St"
    await assert_clean(running_bot, caplog)


# The kit's PDF is built and uploaded once per letter and wording, then re-sent by file_id.


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Record each PDF the bot builds (its letter body), still building it for real."""
    bodies: list[str] = []
    build = kits.letter_pdf

    def counting(body: str, **kwargs) -> bytes:
        bodies.append(body)
        return build(body, **kwargs)

    monkeypatch.setattr(kits, "letter_pdf", counting)
    return bodies


async def first_kit(s, street: str | None = None) -> list:
    """/start, two letters, and the first one's kit (with `street`, or skipping it)."""
    drive = await started_letters(s)
    await s.tap("PDF, phone script", drive.letters[0])
    if street is None:
        await s.tap("Skip", latest(s))
    else:
        await s.say(street)
    await s.fake.wait_for(lambda f: f.document_uploads and "Or call" in latest(s).content)
    return drive.letters


async def test_a_second_kit_resends_the_uploaded_pdf(
    running_bot, fake, ani, builds, caplog
) -> None:
    letters = await first_kit(ani)
    await ani.tap("PDF, phone script", letters[0])

    (uploaded,) = fake.document_uploads
    assert [f.file_id for f in fake.document_resends] == [uploaded.file_id]
    assert fake.calls_to("sendDocument")[-1].params["document"] == uploaded.file_id
    assert len(builds) == 1
    pdfs = [m for m in fake.chat(ani.id) if m.document is not None]
    assert [m.document.filename for m in pdfs] == ["letter-to-the-president.pdf"] * 2
    assert all("Printable letter to The President" in m.caption for m in pdfs)
    assert "Or call" in latest(ani).content  # the phone scripts follow the re-sent PDF too
    row = letter_row(running_bot, letter_id_of(letters[0]))
    assert row.pdf_file_id == uploaded.file_id and row.pdf_key is not None
    await assert_clean(running_bot, caplog)


async def test_a_double_tap_builds_and_uploads_one_pdf(
    running_bot, fake, ani, builds, caplog
) -> None:
    letters = await first_kit(ani)
    taps = [fake.tap_button(ani.user, letters[1], "PDF, phone script") for _ in range(2)]
    for query_id in taps:
        await wait_answered(fake, query_id)

    assert len(fake.document_uploads) == 2  # one per letter
    assert [f.file_id for f in fake.document_resends] == [fake.document_uploads[1].file_id]
    assert len(builds) == 2
    await assert_clean(running_bot, caplog)


async def a_new_pdf_then_reused(s, builds: list[str], letter) -> tuple[str, str]:
    """The kit of `letter` uploads a second PDF, which the next kit re-sends in turn.

    Returns the new PDF's file_id and text.
    """
    fake = s.fake
    await s.tap("PDF, phone script", letter)
    first, second = fake.document_uploads
    assert second.file_id != first.file_id and fake.document_resends == []
    text = pdf_text(fake.chat(s.id)[-2])
    assert len(builds) == 2
    await s.tap("PDF, phone script", letter)
    assert [f.file_id for f in fake.document_resends] == [second.file_id]
    return second.file_id, text


async def test_an_edited_letter_gets_a_new_pdf(running_bot, ani, builds, caplog) -> None:
    letters = await first_kit(ani)
    await ani.tap("Edit", letters[0])
    edited = await ani.say(
        "Dear Mr. President,\n\nI rewrote this myself. Please act on the Lachin Corridor.\n\nAni"
    )
    file_id, text = await a_new_pdf_then_reused(ani, builds, edited)
    assert "I rewrote this myself" in text
    assert letter_row(running_bot, letter_id_of(edited)).pdf_file_id == file_id
    await assert_clean(running_bot, caplog)


async def test_a_new_street_gets_a_new_pdf(running_bot, fake, ani, builds, caplog) -> None:
    letters = await first_kit(ani, street="12 Elm St")
    assert "12 Elm St" in pdf_text(fake.chat(ani.id)[-2])
    me = await ani.say("/me")
    await ani.tap("Change where I live", me)  # deletes the street too
    _, text = await a_new_pdf_then_reused(ani, builds, letters[0])
    assert "12 Elm St" not in text
    await assert_clean(running_bot, caplog)


async def test_an_unknown_file_id_falls_back_to_one_upload(
    running_bot, fake, ani, builds, caplog
) -> None:
    letters = await first_kit(ani)
    letter_id = letter_id_of(letters[0])
    with running_bot.store.transaction() as repo:  # as after a token change or a lost file
        row = repo.session.get(Letter, letter_id)
        row.pdf_file_id = "BQACAgIAAxkBAAI999999"
    await ani.tap("PDF, phone script", letters[0])

    assert [c.error for c in fake.errors] == [
        "Bad Request: wrong file identifier/HTTP URL specified"
    ]
    _first, second = fake.document_uploads
    assert fake.document_resends == [] and len(builds) == 2
    assert "Or call" in latest(ani).content
    assert letter_row(running_bot, letter_id).pdf_file_id == second.file_id
    await ani.tap("PDF, phone script", letters[0])
    assert [f.file_id for f in fake.document_resends] == [second.file_id]
    assert error_records(caplog) == []
