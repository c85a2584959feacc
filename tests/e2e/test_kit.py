"""The delivery kit through the fake Bot API: a printable PDF (with a street, asked once), phone
scripts with one ask each, and every contact."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.e2e.helpers import assert_clean, drive_to_letters, latest, letter_rows, supporter_row


def pdf_text(message) -> str:
    pages = PdfReader(io.BytesIO(message.document.content)).pages
    return "".join(page.extract_text() for page in pages)


async def test_kit_gives_pdf_phone_scripts_and_contacts(
    running_bot, make_supporter, caplog
) -> None:
    fake = running_bot.fake
    ani = make_supporter(1001, "Անի", "Հակոբյան")
    await ani.say("/start")
    drive = await drive_to_letters(
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


async def test_street_can_be_skipped_or_cancelled(running_bot, make_supporter, caplog) -> None:
    fake = running_bot.fake
    ani = make_supporter()
    await ani.say("/start")
    drive = await drive_to_letters(ani)
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
    running_bot, make_supporter, caplog
) -> None:
    ani = make_supporter()
    await ani.say("/start")
    drive = await drive_to_letters(ani)
    await ani.tap("PDF, phone script", drive.letters[0])
    refused = await ani.say("x" * 121)
    assert "limit here is 120" in refused.content and "street address again" in refused.content
    sticker = await ani.send("sticker")
    assert "only read text" in sticker.content
    await ani.say("1 Main St")
    await running_bot.fake.wait_for(lambda f: "Or call" in latest(ani).content)
    assert supporter_row(running_bot, ani.id).street == "1 Main St"
    await assert_clean(running_bot, caplog)
